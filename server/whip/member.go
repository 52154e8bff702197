package whip

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
)

// kind tells WHIP (publish) from WHEP (play).
type kind int

const (
	publish kind = iota
	play
)

func (k kind) prefix() string {
	if k == publish {
		return "/whip/"
	}
	return "/whep/"
}

func (k kind) String() string {
	if k == publish {
		return "WHIP"
	}
	return "WHEP"
}

// sdpCode is the code of an offer the server cannot use.
func (k kind) sdpCode() protocol.Code {
	if k == publish {
		return protocol.ErrPublishSDPInvalid
	}
	return protocol.ErrPlaySDPInvalid
}

type memberKey struct {
	app  uint32
	user string
}

// member is one user of an app with WHIP or WHEP sessions: one directory
// session, logged in to the rooms its sessions need, gone with its last
// session. Lock order: member.mu, then the directory's lock, then
// Handler.mu; nothing takes a member's lock while holding either other.
type member struct {
	key    memberKey
	id     room.SessionID
	seq    atomic.Uint64 // orders the directory's replies and events (memberSink)
	kicked atomic.Bool   // another login took the user ID: the directory put it out of every room

	mu       sync.Mutex // held across the directory and SFU calls made for the member
	gone     bool       // disconnected from the directory
	rooms    map[string]bool
	sessions map[*session]struct{}
}

// session is one WHIP publication or WHEP play: the resource at its URL.
type session struct {
	id     string // the last part of its URL: 128 random bits, the client's key to it
	kind   kind
	m      *member
	room   string
	stream string
	pub    room.PublicationID // published (WHIP) or played (WHEP)
	etag   string             // the ICE session's entity tag; no ICE restarts, so it never changes
	ufrag  string             // the client's ICE username fragment, from its offer
	seq    uint64             // member.seq when the directory recorded it
	expiry *time.Timer        // WHIP: the token's expiry ends the publication
	log    *slog.Logger
}

// find returns the member's session of kind k for streamID, if any.
func (m *member) find(k kind, streamID string) *session {
	for s := range m.sessions {
		if s.kind == k && s.stream == streamID {
			return s
		}
	}
	return nil
}

// memberSink receives a member's directory events. Deliver runs under the
// directory's lock: it only numbers the event and hands it on.
type memberSink struct {
	h *Handler
	m *member
}

func (k memberSink) Deliver(ev room.Event) {
	h, m := k.h, k.m
	switch d := ev.Data.(type) {
	case protocol.Kicked:
		m.kicked.Store(true)
		h.spawn(func() { h.onKicked(m) })
	case protocol.PublishStopped:
		seq := m.seq.Add(1)
		h.spawn(func() { h.onEnded(m, publish, d.StreamID, seq, d.Code) })
	case protocol.PlayStopped:
		seq := m.seq.Add(1)
		h.spawn(func() { h.onEnded(m, play, d.StreamID, seq, d.Code) })
	}
}

// onEnded ends the session whose publication or play the directory ended
// (network, token expiry, the publisher left), unless the session is newer
// than the event. code is the directory's reason: a network failure, an
// expired token, or none when the played stream ended.
func (h *Handler) onEnded(m *member, k kind, streamID string, seq uint64, code protocol.Code) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gone {
		return
	}
	if s := m.find(k, streamID); s != nil && s.seq < seq {
		why := "the stream ended"
		if code != protocol.OK {
			why = code.Name()
		}
		h.endSession(s, why)
		h.tidy(m)
	}
}

// onKicked ends every session of a member whose user ID logged in
// elsewhere: the directory has already taken it out of its rooms.
func (h *Handler) onKicked(m *member) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.gone {
		h.log.Info("WHIP/WHEP user logged in elsewhere: its sessions end", "app", m.key.app, "user", m.key.user)
		h.endMember(m, "the user logged in elsewhere")
	}
}

// errClosing answers requests that arrive while the server shuts down.
var errClosing = protocol.Errorf(protocol.ErrRoomNetwork, "the server is shutting down")

// lockMember returns the member of user in app, locked, connecting a new
// one to the directory when there is none.
func (h *Handler) lockMember(app uint32, user string) (*member, error) {
	key := memberKey{app, user}
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return nil, errClosing
		}
		m := h.members[key]
		if m == nil {
			m = &member{key: key, id: h.ids.NewSessionID(), rooms: map[string]bool{}, sessions: map[*session]struct{}{}}
			m.mu.Lock() // nobody else can hold it yet
			h.members[key] = m
			h.mu.Unlock()
			h.dir.Connect(app, m.id, memberSink{h, m})
			return m, nil
		}
		h.mu.Unlock()
		m.mu.Lock()
		if m.kicked.Load() && !m.gone {
			h.endMember(m, "the user logged in elsewhere") // a new member logs in again
		}
		if !m.gone {
			return m, nil
		}
		m.mu.Unlock()
	}
}

// endSession ends a session of m (m.mu held): its publication or play ends,
// its URL is forgotten. why goes to the log. The caller tidies m afterwards.
func (h *Handler) endSession(s *session, why string) {
	m := s.m
	if _, ok := m.sessions[s]; !ok {
		return
	}
	delete(m.sessions, s)
	h.mu.Lock()
	delete(h.sessions, s.id)
	h.mu.Unlock()
	if s.expiry != nil {
		s.expiry.Stop()
	}
	if s.kind == publish {
		h.apply(h.dir.Unpublish(m.id, s.stream))
	} else {
		h.apply(h.dir.StopPlay(m.id, s.stream))
	}
	s.log.Info(s.kind.String()+" session ended", "by", why)
}

// tidy logs m out of the rooms none of its sessions needs any more, and
// disconnects it when it has no session left (m.mu held).
func (h *Handler) tidy(m *member) {
	if m.gone {
		return
	}
	if len(m.sessions) == 0 {
		h.dropMember(m)
		return
	}
	for roomID := range m.rooms {
		needed := false
		for s := range m.sessions {
			needed = needed || s.room == roomID
		}
		if !needed {
			delete(m.rooms, roomID)
			h.apply(h.dir.Logout(m.id, roomID))
		}
	}
}

// endMember ends every session of m and disconnects it (m.mu held).
func (h *Handler) endMember(m *member, why string) {
	for s := range m.sessions {
		h.endSession(s, why)
	}
	h.dropMember(m)
}

func (h *Handler) dropMember(m *member) {
	if m.gone {
		return
	}
	m.gone = true
	m.rooms = map[string]bool{}
	h.mu.Lock()
	if h.members[m.key] == m {
		delete(h.members, m.key)
	}
	h.mu.Unlock()
	h.apply(h.dir.Disconnect(m.id))
}
