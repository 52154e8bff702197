package signal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"golang.org/x/time/rate"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/token"
)

// Timing of a connection, as in gorilla's chat example.
const (
	handshakeTimeout = 10 * time.Second // hello and auth must be done by then
	pongWait         = 15 * time.Second // silence allowed after auth; the server pings at 9/10 of it
	writeWait        = 10 * time.Second // one message write
	sendQueue        = 256              // messages waiting for a slow client before it is dropped
)

// outMsg is one queued message; close asks the writer to close the
// connection after writing it.
type outMsg struct {
	typ   string
	id    uint64
	data  any
	close bool
}

// conn is one websocket: a reader goroutine that handles requests in order,
// and a writer goroutine that owns all writes. Anyone may queue messages;
// queuing never blocks.
type conn struct {
	hub    *Hub
	ws     *websocket.Conn
	id     room.SessionID
	ip     string        // the client's address, for per-address limits
	msgs   *rate.Limiter // the connection's message budget
	base   *slog.Logger  // session and remote address; never changes, any goroutine may use it
	log    *slog.Logger  // base plus the app ID once authenticated; read goroutine and Deliver only
	out    chan outMsg
	ctx    context.Context // cancelled when the connection ends
	cancel context.CancelFunc

	closeOnce sync.Once
	closing   chan struct{}
	replaced  bool // another connection took the session over (under hub.mu)

	// Read goroutine only.
	readErr   error  // why reading ended
	token     string // the session's secret ID (resume.go)
	resumed   bool   // this connection took over an earlier one's session
	state     connState
	appID     uint32
	nonce     string
	connected bool   // registered with the directory
	userID    string // for log lines
	// claims is set when the connection authenticated with a token: the
	// auth's claims. roomClaims holds the claims each room was logged in
	// with (the auth's, or the login's own token).
	claims     *token.Claims
	roomClaims map[string]token.Claims

	// Token expiry watches (tokens.go), shared with their timers.
	tokMu    sync.Mutex
	tokRooms map[string]*tokenRoom
	tokEnded bool
}

type connState int

const (
	stateNew        connState = iota // waiting for hello
	stateChallenged                  // challenge sent, waiting for auth
	stateReady                       // authenticated
	stateFailed                      // fatal error queued; ignore the rest
)

func newConn(h *Hub, ws *websocket.Conn, id room.SessionID, remote string) *conn {
	c := &conn{hub: h, ws: ws, id: id, out: make(chan outMsg, sendQueue), closing: make(chan struct{}),
		base: h.log.With("session", uint64(id), "remote", remote),
		msgs: rate.NewLimiter(rate.Limit(h.limits.MessagesPerSecond), h.limits.MessageBurst)}
	c.log = c.base
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// shutdown makes both pumps end; the socket closes when the writer exits.
func (c *conn) shutdown() {
	c.closeOnce.Do(func() {
		close(c.closing)
		c.cancel()
	})
}

// send queues a message without blocking. A client too slow to take its
// messages is dropped, so it can never hold anyone else up.
func (c *conn) send(m outMsg) {
	select {
	case <-c.closing:
		return
	default:
	}
	select {
	case c.out <- m:
	default:
		c.base.Warn("dropping slow client: send queue full")
		c.shutdown()
	}
}

func (c *conn) respond(id uint64, data any) {
	c.send(outMsg{typ: protocol.TypeResponse, id: id, data: data})
}

// fail answers request id with the code err carries.
func (c *conn) fail(id uint64, err error) {
	c.send(outMsg{typ: protocol.TypeError, id: id,
		data: protocol.ErrorBody{Code: protocol.CodeOf(err), Message: errorMessage(err)}})
}

// errorMessage is the detail of a Parley error, or the code's text.
func errorMessage(err error) string {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Detail != "" {
		return pe.Detail
	}
	return protocol.CodeOf(err).Message()
}

// fatal answers with an error and closes the connection once it is written.
func (c *conn) fatal(id uint64, err error) {
	code := protocol.CodeOf(err)
	c.state = stateFailed
	c.log.Info("closing connection", "code", int32(code), "err", err)
	c.send(outMsg{typ: protocol.TypeError, id: id,
		data: protocol.ErrorBody{Code: code, Message: errorMessage(err)}, close: true})
}

// Deliver implements room.Sink. It runs under the directory's lock, on
// another connection's goroutine: it only queues.
func (c *conn) Deliver(ev room.Event) {
	if k, ok := ev.Data.(protocol.Kicked); ok {
		c.log.Info("kicked out", "room", k.RoomID, "code", int32(k.Code), "why", k.Message)
	}
	c.send(outMsg{typ: ev.Type, data: ev.Data})
}

func (c *conn) readPump() {
	defer func() {
		c.shutdown()
		_ = c.ws.Close() // the writer leaves it open when its write failed
		c.endSession()
		c.hub.remove(c)
		c.hub.wg.Done()
	}()
	limit := c.hub.limits.MessageBytes
	// gorilla's own limit is a backstop; readMessage answers first.
	c.ws.SetReadLimit(int64(limit) * 2)
	_ = c.ws.SetReadDeadline(time.Now().Add(c.hub.handshakeTimeout))
	c.ws.SetPongHandler(func(string) error {
		if c.state == stateReady {
			return c.ws.SetReadDeadline(time.Now().Add(c.hub.pongWait))
		}
		return nil
	})
	for {
		mt, b, err := c.readMessage(limit)
		if errors.Is(err, errTooLarge) {
			c.fatal(0, protocol.Errorf(protocol.ErrMessageTooLarge,
				fmt.Sprintf("signaling messages are at most %d bytes", limit)))
			continue // the writer closes the connection after the error
		}
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway) {
				c.log.Debug("connection read ended", "err", err)
			}
			c.readErr = err
			return
		}
		switch {
		case c.state == stateFailed:
			continue
		case !c.msgs.Allow():
			c.fail(peekID(b), protocol.Errorf(protocol.ErrRateLimited,
				fmt.Sprintf("at most %d messages per second", c.hub.limits.MessagesPerSecond)))
		case mt != websocket.TextMessage:
			c.fail(0, protocol.Errorf(protocol.ErrProtocol, "messages are JSON text frames"))
		default:
			c.handle(b)
		}
		if c.state == stateReady { // any message, the auth included, proves the client alive
			_ = c.ws.SetReadDeadline(time.Now().Add(c.hub.pongWait))
		}
	}
}

// errTooLarge is readMessage's answer to a message over the limit.
var errTooLarge = errors.New("message too large")

// readMessage reads one message of at most limit bytes. A larger one is not
// read to its end: the connection is closed after the error is sent.
func (c *conn) readMessage(limit int) (int, []byte, error) {
	mt, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return 0, nil, err
	}
	if len(b) > limit {
		return mt, nil, errTooLarge
	}
	return mt, b, nil
}

// peekID is the request id of a message, if it has one, without decoding
// the rest: a refused request is answered under its own id.
func peekID(b []byte) uint64 {
	var env struct {
		ID uint64 `json:"id"`
	}
	_ = json.Unmarshal(b, &env)
	return env.ID
}

func (c *conn) writePump() {
	ping := time.NewTicker(c.hub.pongWait * 9 / 10)
	closeWS := true
	defer func() {
		ping.Stop()
		if closeWS {
			_ = c.ws.Close() // ends the reader too
		}
		c.hub.wg.Done()
	}()
	// A failed write means the client is gone or going: the reader gets a
	// second to read what it sent before (a close message tells a client
	// that closed from one that vanished), then closes the socket itself.
	writeFailed := func() {
		closeWS = false
		_ = c.ws.SetReadDeadline(time.Now().Add(time.Second))
		c.shutdown()
	}
	for {
		select {
		case m := <-c.out:
			b, err := protocol.Encode(m.typ, m.id, m.data)
			if err != nil {
				c.base.Error("encode message", "type", m.typ, "err", err)
				continue
			}
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				writeFailed()
				return
			}
			if m.close {
				c.closeFrame(websocket.ClosePolicyViolation)
				c.shutdown()
				return
			}
		case <-ping.C:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				writeFailed()
				return
			}
		case <-c.closing:
			c.closeFrame(websocket.CloseGoingAway)
			return
		}
	}
}

func (c *conn) closeFrame(code int) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""),
		time.Now().Add(time.Second))
}
