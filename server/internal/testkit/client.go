package testkit

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-rtc/parley/server/protocol"
)

// Timeout bounds every wait of the client.
const Timeout = 10 * time.Second

// Client is a raw signaling client: it speaks the wire protocol directly so
// tests can send anything, including what a real engine never would.
type Client struct {
	ws     *websocket.Conn
	events chan protocol.Envelope
	closed chan struct{} // closed when the server closes the connection

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan protocol.Envelope
	wire    bytes.Buffer // every byte sent and received
	wg      sync.WaitGroup
	once    sync.Once
}

// Dial connects to a server URL ("ws://host:port").
func Dial(url string) (*Client, error) { return DialTLS(url, nil) }

// DialTLS connects to a server URL, "wss://host:port" with roots from tc.
func DialTLS(url string, tc *tls.Config) (*Client, error) {
	d := websocket.Dialer{HandshakeTimeout: Timeout, TLSClientConfig: tc}
	ws, _, err := d.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	c := &Client{ws: ws, events: make(chan protocol.Envelope, 1024), closed: make(chan struct{}),
		pending: map[uint64]chan protocol.Envelope{}}
	c.wg.Add(1)
	go c.read()
	return c, nil
}

func (c *Client) read() {
	defer c.wg.Done()
	defer close(c.closed)
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.mu.Lock()
		c.wire.Write(b)
		c.mu.Unlock()
		env, err := protocol.Decode(b)
		if err != nil {
			continue
		}
		c.mu.Lock()
		ch := c.pending[env.ID]
		if env.ID != 0 && ch != nil && (env.Type == protocol.TypeResponse || env.Type == protocol.TypeError ||
			env.Type == protocol.TypeChallenge) {
			delete(c.pending, env.ID)
		} else {
			ch = nil
		}
		c.mu.Unlock()
		if ch != nil {
			ch <- env
			continue
		}
		select {
		case c.events <- env:
		default: // a test that ignores events must not stall the reader
		}
	}
}

// SendRaw writes one text message as is.
func (c *Client) SendRaw(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wire.Write(b)
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// Request sends a message with a fresh ID and waits for the answer with
// that ID (response, error, or for hello the challenge).
func (c *Client) Request(typ string, data any) (protocol.Envelope, error) {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	ch := make(chan protocol.Envelope, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	b, err := protocol.Encode(typ, id, data)
	if err != nil {
		return protocol.Envelope{}, err
	}
	if err := c.SendRaw(b); err != nil {
		return protocol.Envelope{}, err
	}
	select {
	case env := <-ch:
		return env, nil
	case <-c.closed:
		select { // the reader queues the answer before it sees the close
		case env := <-ch:
			return env, nil
		default:
		}
		return protocol.Envelope{}, fmt.Errorf("%s: connection closed before the answer", typ)
	case <-time.After(Timeout):
		return protocol.Envelope{}, fmt.Errorf("%s: no answer within %v", typ, Timeout)
	}
}

// Call sends a request and decodes a successful response into out (may be
// nil); an error answer is returned as a *protocol.Error.
func (c *Client) Call(typ string, data, out any) error {
	env, err := c.Request(typ, data)
	if err != nil {
		return err
	}
	return Result(env, out)
}

// Result decodes an answer: a response into out, an error into *protocol.Error.
func Result(env protocol.Envelope, out any) error {
	switch env.Type {
	case protocol.TypeError:
		var e protocol.ErrorBody
		if err := json.Unmarshal(env.Data, &e); err != nil {
			return err
		}
		return protocol.Errorf(e.Code, e.Message)
	case protocol.TypeResponse, protocol.TypeChallenge:
		if out != nil {
			return json.Unmarshal(env.Data, out)
		}
		return nil
	}
	return fmt.Errorf("unexpected answer type %q", env.Type)
}

// Handshake sends hello and answers the challenge with the app sign.
func (c *Client) Handshake(appID uint32, appSign string) (protocol.AuthOK, error) {
	return c.HandshakeResume(appID, appSign, "")
}

// HandshakeResume is Handshake asking to take over session resume.
func (c *Client) HandshakeResume(appID uint32, appSign, resume string) (protocol.AuthOK, error) {
	var ch protocol.Challenge
	if err := c.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: appID, SDK: "testkit"}, &ch); err != nil {
		return protocol.AuthOK{}, err
	}
	key, err := protocol.ParseAppSign(appSign)
	if err != nil {
		return protocol.AuthOK{}, err
	}
	var ok protocol.AuthOK
	err = c.Call(protocol.TypeAuth, protocol.Auth{Signature: protocol.AppSignature(key, appID, ch.Nonce), Resume: resume}, &ok)
	return ok, err
}

// HandshakeToken says hello and authenticates with a room token.
func (c *Client) HandshakeToken(appID uint32, tok string) (protocol.AuthOK, error) {
	var ch protocol.Challenge
	if err := c.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: appID, SDK: "testkit"}, &ch); err != nil {
		return protocol.AuthOK{}, err
	}
	var ok protocol.AuthOK
	err := c.Call(protocol.TypeAuth, protocol.Auth{Token: tok}, &ok)
	return ok, err
}

// Login logs in and returns the snapshot.
func (c *Client) Login(roomID, userID string, notify bool) (protocol.LoginOK, error) {
	var ok protocol.LoginOK
	err := c.Call(protocol.TypeLogin, protocol.Login{RoomID: roomID, UserID: userID, UserName: "name-" + userID,
		UserStatusNotify: notify}, &ok)
	return ok, err
}

// Event waits for the next event.
func (c *Client) Event() (protocol.Envelope, error) {
	select {
	case env := <-c.events:
		return env, nil
	case <-time.After(Timeout):
		return protocol.Envelope{}, errors.New("no event")
	}
}

// NoEvent reports an error if an event arrives within d.
func (c *Client) NoEvent(d time.Duration) error {
	select {
	case env := <-c.events:
		return fmt.Errorf("unexpected event %s %s", env.Type, env.Data)
	case <-time.After(d):
		return nil
	}
}

// Closed is closed once the server has closed the connection.
func (c *Client) Closed() <-chan struct{} { return c.closed }

// Wire returns every byte sent and received so far.
func (c *Client) Wire() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.wire.Bytes())
}

// Close closes the connection as a well-behaved client does, with a close
// message, and waits for the reader.
func (c *Client) Close() {
	c.once.Do(func() {
		c.mu.Lock()
		_ = c.ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.mu.Unlock()
		_ = c.ws.Close()
		c.wg.Wait()
	})
}

// Drop cuts the connection without a close message, as a lost network does.
func (c *Client) Drop() { _ = c.ws.UnderlyingConn().Close() }
