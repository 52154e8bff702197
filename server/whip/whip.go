// Package whip serves WHIP ingest (RFC 9725) and WHEP playback (the IETF
// WHEP draft) on parleyd's HTTP port, so OBS, GStreamer and any standard
// player publish into and play from Parley rooms with no SDK:
//
//	POST   /whip/{room}/{stream}        SDP offer → 201 + answer + Location
//	POST   /whep/{room}/{stream}        the same, to play the stream
//	PATCH  /whip/{room}/{stream}/{id}   trickled ICE candidates
//	DELETE /whip/{room}/{stream}/{id}   the end of the session
//
// A WHIP or WHEP client is a user of a room as an engine is: the token's
// user logs in to the room through the same room.Directory, a WHIP
// publisher's stream reaches engines as a stream_update and plays like any
// other, a WHEP player is a member of the room that plays the stream. The
// sessions of one user share one directory session, so the same user can
// publish two streams, or publish and play, without one login kicking the
// other out. docs/whip-whep.md describes it for users.
package whip

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
)

// IDs hands out session and publication numbers that nobody else in the
// server uses (signal.Hub does).
type IDs interface {
	NewSessionID() room.SessionID
	NewPublicationID() room.PublicationID
}

// Config is what a Handler needs: the server's apps, its directory and SFU,
// and the source of IDs it shares with the signaling hub.
type Config struct {
	Apps      []config.App
	Directory room.Directory
	SFU       *sfu.SFU
	IDs       IDs
	Logger    *slog.Logger
	// Now is the clock tokens are checked against (nil: time.Now).
	Now func() time.Time
}

// Handler serves the WHIP and WHEP endpoints and their session resources.
type Handler struct {
	secrets map[uint32]string // app ID → server_secret
	dir     room.Directory
	sfu     *sfu.SFU
	ids     IDs
	log     *slog.Logger
	now     func() time.Time

	mu       sync.Mutex
	closed   bool
	members  map[memberKey]*member
	sessions map[string]*session // by the secret ID in their URL
	wg       sync.WaitGroup      // requests being served and event handlers
}

// New returns a Handler; Register puts it on a mux.
func New(cfg Config) *Handler {
	h := &Handler{secrets: map[uint32]string{}, dir: cfg.Directory, sfu: cfg.SFU, ids: cfg.IDs, log: cfg.Logger,
		now: cfg.Now, members: map[memberKey]*member{}, sessions: map[string]*session{}}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.now == nil {
		h.now = time.Now
	}
	for _, a := range cfg.Apps {
		h.secrets[a.AppID] = a.ServerSecret
	}
	return h
}

// Register serves WHIP at /whip/ and WHEP at /whep/ on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	for _, k := range []kind{publish, play} {
		mux.HandleFunc(k.prefix()+"{room}/{stream}", func(w http.ResponseWriter, r *http.Request) { h.serveEndpoint(k, w, r) })
		mux.HandleFunc(k.prefix()+"{room}/{stream}/{id}", func(w http.ResponseWriter, r *http.Request) { h.serveSession(k, w, r) })
		mux.HandleFunc(k.prefix(), func(w http.ResponseWriter, r *http.Request) {
			fail(w, http.StatusNotFound, protocol.Errorf(protocol.ErrInvalidArgument, "want "+k.prefix()+"{room}/{stream}"))
		})
	}
}

// Close ends every session (their streams and plays end, their users leave
// their rooms) and waits for the requests being served. Later requests get
// 503.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	members := make([]*member, 0, len(h.members))
	for _, m := range h.members {
		members = append(members, m)
	}
	h.mu.Unlock()
	for _, m := range members {
		m.mu.Lock()
		h.endMember(m, "the server is shutting down")
		m.mu.Unlock()
	}
	h.wg.Wait()
}

// enter counts a request or an event handler in, or reports false once the
// handler is closed.
func (h *Handler) enter() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// spawn runs f on a goroutine Close waits for; after Close it does nothing.
// Directory sinks and pion callbacks, which must not block, hand their
// work to it.
func (h *Handler) spawn(f func()) {
	if !h.enter() {
		return
	}
	go func() {
		defer h.wg.Done()
		f()
	}()
}

// apply tears down the media a directory change ended, as the signaling
// hub does for its own changes.
func (h *Handler) apply(ch room.Changes) {
	for _, p := range ch.EndedPublications {
		h.sfu.Unpublish(uint64(p.ID))
	}
	for _, p := range ch.EndedPlays {
		h.sfu.StopPlay(uint64(p.Publication), uint64(p.Session))
	}
}

// publisherGone ends a publication whose media connection failed or was
// closed by the client; the directory's publish_stopped then ends its WHIP
// session (memberSink).
func (h *Handler) publisherGone(pub room.PublicationID) {
	h.spawn(func() { h.apply(h.dir.EndPublication(pub, protocol.ErrPublishNetwork)) })
}

// playerGone likewise ends a WHEP play whose media connection ended.
func (h *Handler) playerGone(s room.SessionID, pub room.PublicationID) {
	h.spawn(func() { h.apply(h.dir.EndPlay(s, pub, protocol.ErrPlayNetwork)) })
}
