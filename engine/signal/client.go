// Package signal is the engine's side of Parley's signaling protocol: one
// websocket per engine, the hello/challenge/auth handshake, requests matched
// to their responses, and server events delivered in order.
package signal

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-rtc/parley/server/protocol"
)

// The client pings three times per Config.Silence and gives up on a
// connection that has been silent (no message, no pong) for that long: a
// network that went away is noticed within Silence, and the engine starts
// reconnecting.
const (
	writeWait    = 10 * time.Second
	sendQueueLen = 64
)

// DefaultSilence is Config.Silence when it is zero.
const DefaultSilence = 10 * time.Second

// ErrClosed is returned by requests on a client that is closed or whose
// connection was lost.
var ErrClosed = protocol.Errorf(protocol.ErrRoomNetwork, "signaling connection closed")

// Config describes how to reach and authenticate with a server.
type Config struct {
	URL     string // ws://host:port or wss://host:port[/path]
	AppID   uint32
	AppSign []byte // 32 bytes; never sent, only used to answer the challenge
	Token   string // room token, sent in auth instead of a signature when AppSign is nil
	SDK     string
	TLS     *tls.Config // for wss://; nil: the system's roots
	// Resume is the session ID of an earlier connection: the server hands
	// that session to this one if it still holds it.
	Resume string
	// NetDialContext opens the TCP connection (nil: a dialer that starts a
	// fresh connect every half second while earlier ones wait, so a link
	// that comes back is used at once). Load tests spread their clients
	// over loopback addresses with it.
	NetDialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// RetryDial makes the default dialer try again, until ctx ends, after
	// a connect that failed at once (refused, unreachable): for
	// reconnecting, not for a first dial, whose error should come quickly.
	RetryDial bool
	// Silence is how long the connection may be silent before it counts
	// as lost (0: DefaultSilence). The client pings every third of it.
	Silence time.Duration
}

// Handlers receive what the server sends unasked. Both are called from the
// client's read goroutine, in arrival order, and must not block for long.
type Handlers struct {
	// OnEvent gets every event envelope (user_update, stream_update, …).
	OnEvent func(env protocol.Envelope)
	// OnClose is called once when the connection ends, with the reason.
	OnClose func(err error)
}

// Client is an authenticated signaling connection.
type Client struct {
	conn *websocket.Conn
	h    Handlers
	send chan []byte

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan protocol.Envelope
	closed  bool
	err     error

	done    chan struct{}
	wg      sync.WaitGroup
	session string        // the server's ID of this session (AuthOK)
	silence time.Duration // Config.Silence
}

// SessionID is the server's secret ID of this session, which a later
// connection passes as Config.Resume to take it over.
func (c *Client) SessionID() string { return c.session }

// Dial connects, performs the handshake and starts the pumps. ctx bounds the
// whole handshake.
func Dial(ctx context.Context, cfg Config, h Handlers) (*Client, error) {
	if cfg.Silence <= 0 {
		cfg.Silence = DefaultSilence
	}
	if cfg.NetDialContext == nil {
		cfg.NetDialContext = staggeredDial(cfg.RetryDial)
	}
	d := websocket.Dialer{HandshakeTimeout: 10 * time.Second, TLSClientConfig: cfg.TLS, NetDialContext: cfg.NetDialContext}
	conn, resp, err := d.DialContext(ctx, cfg.URL, http.Header{})
	var refused error
	if resp != nil && resp.Body != nil {
		if err != nil {
			refused = refusal(resp)
		}
		resp.Body.Close()
	}
	if refused != nil {
		return nil, refused
	}
	if err != nil {
		return nil, protocol.Errorf(protocol.ErrRoomNetwork, "cannot reach "+cfg.URL+": "+err.Error())
	}
	conn.SetReadLimit(protocol.MaxMessageBytes)
	if dl, ok := ctx.Deadline(); ok {
		conn.SetReadDeadline(dl)
		conn.SetWriteDeadline(dl)
	}
	session, err := handshake(conn, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	conn.SetReadDeadline(time.Now().Add(cfg.Silence))
	conn.SetWriteDeadline(time.Time{})
	c := &Client{
		conn:    conn,
		h:       h,
		send:    make(chan []byte, sendQueueLen),
		pending: make(map[uint64]chan protocol.Envelope),
		nextID:  1,
		done:    make(chan struct{}),
		session: session,
		silence: cfg.Silence,
	}
	c.wg.Add(2)
	go c.readPump()
	go c.writePump()
	return c, nil
}

// refusal is the Parley error a server gave as an HTTP answer instead of
// the websocket upgrade (a limit, docs/security.md), or nil if the answer
// carries none.
func refusal(resp *http.Response) error {
	var body protocol.ErrorBody
	if json.NewDecoder(io.LimitReader(resp.Body, 4096)).Decode(&body) != nil || body.Code == protocol.OK {
		return nil
	}
	return protocol.Errorf(body.Code, body.Message)
}

// handshake says hello, answers the challenge and returns the session ID.
func handshake(conn *websocket.Conn, cfg Config) (string, error) {
	hello, _ := protocol.Encode(protocol.TypeHello, 0, protocol.Hello{Version: protocol.Version, AppID: cfg.AppID, SDK: cfg.SDK})
	if err := conn.WriteMessage(websocket.TextMessage, hello); err != nil {
		return "", protocol.Errorf(protocol.ErrRoomNetwork, "hello: "+err.Error())
	}
	env, err := readEnvelope(conn)
	if err != nil {
		return "", err
	}
	if env.Type == protocol.TypeError {
		return "", errorFrom(env)
	}
	var ch protocol.Challenge
	if env.Type != protocol.TypeChallenge {
		return "", protocol.Errorf(protocol.ErrProtocol, "expected challenge, got "+env.Type)
	}
	if err := protocol.DecodeData(env, &ch); err != nil {
		return "", err
	}
	a := protocol.Auth{Token: cfg.Token, Resume: cfg.Resume}
	if cfg.AppSign != nil {
		a = protocol.Auth{Signature: protocol.AppSignature(cfg.AppSign, cfg.AppID, ch.Nonce), Resume: cfg.Resume}
	}
	auth, _ := protocol.Encode(protocol.TypeAuth, 1, a)
	if err := conn.WriteMessage(websocket.TextMessage, auth); err != nil {
		return "", protocol.Errorf(protocol.ErrRoomNetwork, "auth: "+err.Error())
	}
	env, err = readEnvelope(conn)
	if err != nil {
		return "", err
	}
	if env.Type == protocol.TypeError {
		return "", errorFrom(env)
	}
	if env.Type != protocol.TypeResponse || env.ID != 1 {
		return "", protocol.Errorf(protocol.ErrProtocol, "unexpected auth answer "+env.Type)
	}
	var ok protocol.AuthOK
	_ = protocol.DecodeData(env, &ok)
	return ok.SessionID, nil
}

func readEnvelope(conn *websocket.Conn) (protocol.Envelope, error) {
	_, b, err := conn.ReadMessage()
	if err != nil {
		return protocol.Envelope{}, protocol.Errorf(protocol.ErrRoomNetwork, "read: "+err.Error())
	}
	return protocol.Decode(b)
}

func errorFrom(env protocol.Envelope) error {
	var body protocol.ErrorBody
	if err := protocol.DecodeData(env, &body); err != nil {
		return err
	}
	if body.Code == 0 {
		body.Code = protocol.ErrInternal
	}
	return protocol.Errorf(body.Code, body.Message)
}

// Request sends a request and waits for its answer. A response's data is
// decoded into out (which may be nil); an error answer becomes a
// *protocol.Error with the server's code.
func (c *Client) Request(ctx context.Context, typ string, data, out any) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	id := c.nextID
	c.nextID++
	ch := make(chan protocol.Envelope, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()

	b, err := protocol.Encode(typ, id, data)
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	select {
	case c.send <- b:
	case <-c.done:
		return ErrClosed
	case <-ctx.Done():
		return protocol.Errorf(protocol.ErrRoomNetwork, typ+": "+ctx.Err().Error())
	}
	select {
	case env := <-ch:
		if env.Type == protocol.TypeError {
			return errorFrom(env)
		}
		if out != nil && len(env.Data) > 0 {
			if err := json.Unmarshal(env.Data, out); err != nil {
				return protocol.Errorf(protocol.ErrProtocol, typ+": malformed response")
			}
		}
		return nil
	case <-c.done:
		return ErrClosed
	case <-ctx.Done():
		return protocol.Errorf(protocol.ErrRoomNetwork, typ+": "+ctx.Err().Error())
	}
}

func (c *Client) readPump() {
	defer c.wg.Done()
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(c.silence))
	})
	var err error
	for {
		var b []byte
		_, b, err = c.conn.ReadMessage()
		if err != nil {
			break
		}
		c.conn.SetReadDeadline(time.Now().Add(c.silence))
		env, derr := protocol.Decode(b)
		if derr != nil {
			continue // a malformed message from the server is dropped, not fatal
		}
		if env.ID != 0 && (env.Type == protocol.TypeResponse || env.Type == protocol.TypeError) {
			c.mu.Lock()
			ch := c.pending[env.ID]
			c.mu.Unlock()
			if ch != nil {
				ch <- env
			}
			continue
		}
		if c.h.OnEvent != nil {
			c.h.OnEvent(env)
		}
	}
	c.shutdown(err)
}

func (c *Client) writePump() {
	defer c.wg.Done()
	ticker := time.NewTicker(c.silence / 3)
	defer ticker.Stop()
	for {
		select {
		case b := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
				c.conn.Close()
				return
			}
		case <-ticker.C:
			c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.PingMessage, nil); err != nil {
				c.conn.Close()
				return
			}
		case <-c.done:
			c.mu.Lock()
			local := c.err == ErrLocalClose
			c.mu.Unlock()
			if !local {
				// A lost connection is not closed with a close message:
				// one delivered late, when the link is back, would end
				// the session the engine is resuming on a new connection.
				abort(c.conn.NetConn())
				return
			}
			c.conn.SetWriteDeadline(time.Now().Add(time.Second))
			c.conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
			c.conn.Close()
			return
		}
	}
}

// shutdown marks the client closed and reports why, once.
func (c *Client) shutdown(err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.err = err
	close(c.done)
	c.mu.Unlock()
	if c.h.OnClose != nil {
		c.h.OnClose(err)
	}
}

// Close ends the connection with a close message, so the server ends the
// session at once rather than holding it for a client that vanished, and
// waits for the pumps (the writer sends the message and closes the socket).
// OnClose is called (with ErrLocalClose) if the connection had not already
// ended.
func (c *Client) Close() {
	c.shutdown(ErrLocalClose)
	c.wg.Wait()
}

// abort closes a lost connection's socket so that nothing still queued in
// it (a close message, a request) reaches the server if the link returns.
func abort(nc net.Conn) {
	if tc, ok := nc.(interface{ NetConn() net.Conn }); ok { // TLS
		nc = tc.NetConn()
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // a reset, not a graceful close
	}
	_ = nc.Close()
}

// ErrLocalClose is the reason given to OnClose when Close ended the client.
var ErrLocalClose = errors.New("signal: closed locally")

// Drop cuts the connection without a close message, as a lost network
// does: the server keeps the session for its grace period, and OnClose
// reports the loss. The engine uses it when it knows the network path is
// gone; tests use it to cause an outage.
func (c *Client) Drop() {
	_ = c.conn.UnderlyingConn().Close()
}
