// Package signal serves Parley's signaling protocol (docs/protocol.md): one
// websocket per engine, the app-sign challenge, and the requests that log
// in, publish and play. It turns requests into calls on the room directory
// and the SFU, and directory events into messages.
package signal

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
)

// Config is what a Hub needs.
type Config struct {
	Apps      []config.App
	Directory room.Directory
	SFU       *sfu.SFU
	Logger    *slog.Logger
	// HandshakeTimeout is how long a client has to complete hello and
	// auth; 0 means 10 s.
	HandshakeTimeout time.Duration
	// PongWait is how long an authenticated client may stay silent; the
	// server pings at 9/10 of it. 0 means 15 s.
	PongWait time.Duration
	// Limits bound each client; 0 fields take config.DefaultLimits'.
	Limits config.Limits
	// Grace is how long a session whose client vanished waits for it to
	// come back (resume.go); 0 means 10 s, negative ends it at once.
	Grace time.Duration
}

// Hub owns every signaling connection of a server.
type Hub struct {
	apps    map[uint32][]byte // app ID → app sign bytes
	secrets map[uint32]string // app ID → server_secret (verifies room tokens)
	now     func() time.Time  // token expiry clock
	dir     room.Directory
	sfu     *sfu.SFU
	log     *slog.Logger

	handshakeTimeout time.Duration
	pongWait         time.Duration
	limits           config.Limits
	ips              *ipTable
	grace            time.Duration
	upgrader         websocket.Upgrader
	nextSession      atomic.Uint64
	nextPub          atomic.Uint64

	mu       sync.Mutex
	closed   bool
	conns    map[*conn]struct{}
	held     map[string]*held // sessions by their secret ID (resume.go)
	wg       sync.WaitGroup   // two pumps per connection
	expiring sync.WaitGroup   // grace timers armed and not stopped
}

// NewHub returns a hub serving cfg.Apps.
func NewHub(cfg Config) *Hub {
	h := &Hub{apps: map[uint32][]byte{}, secrets: map[uint32]string{}, now: time.Now, dir: cfg.Directory, sfu: cfg.SFU, log: cfg.Logger,
		handshakeTimeout: cfg.HandshakeTimeout, conns: map[*conn]struct{}{}}
	if h.handshakeTimeout <= 0 {
		h.handshakeTimeout = handshakeTimeout
	}
	if h.pongWait = cfg.PongWait; h.pongWait <= 0 {
		h.pongWait = pongWait
	}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.limits = cfg.Limits.WithDefaults()
	h.ips = newIPTable(h.limits)
	h.held = map[string]*held{}
	if h.grace = cfg.Grace; h.grace == 0 {
		h.grace = defaultGrace
	}
	for _, a := range cfg.Apps {
		h.apps[a.AppID] = a.SignKey()
		h.secrets[a.AppID] = a.ServerSecret
	}
	// Engines are not browsers and send no Origin; browsers (the debug
	// page) are held to the same origin by the default check.
	h.upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}
	return h
}

// ServeHTTP upgrades a request to a signaling websocket and serves it until
// either side closes it or the hub closes.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	ip := clientIP(r.RemoteAddr)
	if err := h.ips.open(ip); err != nil {
		h.log.Info("connection refused", "remote", r.RemoteAddr, "code", int32(protocol.CodeOf(err)))
		refuse(w, http.StatusTooManyRequests, err)
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.ips.close(ip)
		return // the upgrader has answered with an HTTP error
	}
	c := newConn(h, ws, room.SessionID(h.nextSession.Add(1)), r.RemoteAddr)
	c.ip = ip
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		h.ips.close(ip)
		_ = ws.Close()
		return
	}
	h.conns[c] = struct{}{}
	h.wg.Add(2)
	h.mu.Unlock()
	go c.writePump()
	go c.readPump()
}

// NewSessionID and NewPublicationID hand out the hub's session and
// publication numbers to another front end that puts sessions into the
// same directory and SFU (server/whip), so no two sessions or publications
// ever share one.
func (h *Hub) NewSessionID() room.SessionID { return room.SessionID(h.nextSession.Add(1)) }

// NewPublicationID: see NewSessionID.
func (h *Hub) NewPublicationID() room.PublicationID { return room.PublicationID(h.nextPub.Add(1)) }

func (h *Hub) remove(c *conn) {
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	h.ips.close(c.ip)
}

// Close closes every connection (each ends its session) and waits for all
// their goroutines. Later upgrades are refused.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	conns := make([]*conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	for _, c := range conns {
		c.shutdown()
	}
	h.wg.Wait()
	h.endWaiting()
}

// spawn runs f on a goroutine the hub owns (Close waits for it); after
// Close it does nothing.
func (h *Hub) spawn(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		f()
	}()
}

// publisherGone ends a publication whose media connection failed or was
// closed by the client, so no ghost stream stays listed. The SFU calls it
// on a pion goroutine, which must not wait for the publication to close.
func (h *Hub) publisherGone(pub room.PublicationID) {
	h.spawn(func() { h.apply(h.dir.EndPublication(pub, protocol.ErrPublishNetwork)) })
}

// subscriberGone likewise ends a play whose media connection ended.
func (h *Hub) subscriberGone(s room.SessionID, pub room.PublicationID) {
	h.spawn(func() { h.apply(h.dir.EndPlay(s, pub, protocol.ErrPlayNetwork)) })
}

// apply tears down the media a directory change ended.
func (h *Hub) apply(ch room.Changes) {
	for _, p := range ch.EndedPublications {
		h.sfu.Unpublish(uint64(p.ID))
		h.log.Debug("publication closed", "room", p.RoomID, "stream", p.StreamID)
	}
	for _, p := range ch.EndedPlays {
		h.sfu.StopPlay(uint64(p.Publication), uint64(p.Session))
	}
}
