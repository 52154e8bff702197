package signal

import (
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-rtc/parley/server/room"
)

// Sessions outlive their connections for a grace period (docs/reconnection.md):
// a connection that ends without a close frame (the network went away)
// leaves its session in the directory, events dropped, media running; a new
// connection that authenticates with the session's ID takes it over, and
// nobody else in its rooms notices. A session nobody takes over within the
// grace period ends as if the connection had closed.

// defaultGrace is how long a session waits for its client to come back.
const defaultGrace = 10 * time.Second

// held is one session known by its secret session ID.
type held struct {
	id    room.SessionID
	app   uint32
	conn  *conn       // nil while waiting for its client
	timer *time.Timer // the grace period, while waiting
}

// register remembers c's session under token.
func (h *Hub) register(token string, c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held[token] = &held{id: c.id, app: c.appID, conn: c}
}

// takeOver gives the session of token to c, if the server holds one of
// c's app: a waiting one, or one whose old connection is still open (a
// half-open connection the server has not noticed yet), which is closed
// without ending the session. The session's events go to c from now on.
func (h *Hub) takeOver(token string, c *conn) (room.SessionID, bool) {
	h.mu.Lock()
	s := h.held[token]
	if s == nil || s.app != c.appID || !h.dir.SetSink(s.id, c) {
		h.mu.Unlock()
		return 0, false
	}
	old := s.conn
	if s.timer != nil && s.timer.Stop() {
		h.expiring.Done() // its timer will not run
	}
	s.timer = nil
	s.conn = c
	if old != nil {
		old.replaced = true
	}
	h.mu.Unlock()
	if old != nil {
		old.shutdown()
	}
	return s.id, true
}

// What becomes of a session when its connection ends.
type afterConn int

const (
	endSession afterConn = iota // end it now
	keepTaken                   // another connection took it over
	waitGrace                   // wait for the client to come back
)

// release decides what becomes of c's session when c ends: nothing if a
// new connection took it over; a grace period, events dropped, if the
// client vanished without closing; the end of the session otherwise.
func (h *Hub) release(token string, c *conn, vanished bool) afterConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.held[token]
	if s == nil || s.conn != c {
		if c.replaced {
			return keepTaken
		}
		return endSession
	}
	if !vanished || h.closed || h.grace <= 0 {
		delete(h.held, token)
		return endSession
	}
	s.conn = nil
	h.dir.SetSink(s.id, nil)
	h.expiring.Add(1)
	s.timer = time.AfterFunc(h.grace, func() {
		defer h.expiring.Done()
		h.expire(token, s)
	})
	return waitGrace
}

// expire ends a session whose client did not come back in time.
func (h *Hub) expire(token string, s *held) {
	h.mu.Lock()
	if h.held[token] != s || s.conn != nil {
		h.mu.Unlock()
		return
	}
	delete(h.held, token)
	h.mu.Unlock()
	h.log.Info("session ended: its client did not come back", "session", uint64(s.id))
	h.apply(h.dir.Disconnect(s.id))
}

// endWaiting ends every session still waiting for its client (Close).
func (h *Hub) endWaiting() {
	h.mu.Lock()
	var ids []room.SessionID
	for token, s := range h.held {
		if s.conn == nil && s.timer != nil && s.timer.Stop() {
			h.expiring.Done() // its timer will not run
			ids = append(ids, s.id)
			delete(h.held, token)
		}
	}
	h.mu.Unlock()
	for _, id := range ids {
		h.apply(h.dir.Disconnect(id))
	}
	h.expiring.Wait()
}

// vanished tells a read error of a client that went away (no close frame)
// from a client that closed its connection.
func vanished(err error) bool {
	return !websocket.IsCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway,
		websocket.CloseNoStatusReceived)
}
