package engine

import (
	"context"
	"sync"
	"time"

	"github.com/parley-rtc/parley/engine/signal"
	"github.com/parley-rtc/parley/server/protocol"
)

const (
	dialTimeout    = 10 * time.Second
	requestTimeout = 10 * time.Second
	// signalSilence is how long the signaling connection may be silent
	// (it pings every second) before the engine counts it as lost and
	// reconnects: an outage is reported within 3 s.
	signalSilence = 3 * time.Second
)

// connection is the engine's one signaling connection, dialled on first use.
// Concurrent users wait for the same dial.
type connection struct {
	e     *Engine
	ready chan struct{} // closed when the dial finished
	cli   *signal.Client
	err   error
	retry bool // reconnecting: dial through refusals until the timeout

	closeOnce sync.Once
}

// getConn returns the live connection, dialling if there is none.
func (e *Engine) getConn(ctx context.Context) (*connection, error) {
	return e.connect(ctx, false)
}

// connect is getConn; with retry, a new dial keeps trying through refused
// and unreachable connects for its whole timeout (reconnecting).
func (e *Engine) connect(ctx context.Context, retry bool) (*connection, error) {
	if err := e.lockLive(); err != nil {
		return nil, err
	}
	c := e.conn
	if c == nil {
		c = &connection{e: e, ready: make(chan struct{}), retry: retry}
		e.conn = c
		e.wg.Add(1)
		go c.dial()
	}
	e.mu.Unlock()
	select {
	case <-c.ready:
	case <-ctx.Done():
		return nil, protocol.Errorf(protocol.ErrRoomNetwork, "connect: "+ctx.Err().Error())
	}
	if c.err != nil {
		return nil, c.err
	}
	return c, nil
}

func (c *connection) dial() {
	defer c.e.wg.Done()
	ctx, cancel := context.WithTimeout(c.e.ctx, dialTimeout)
	defer cancel()
	c.e.mu.Lock()
	tok, resume := c.e.dialToken, c.e.session
	c.e.mu.Unlock()
	cli, err := signal.Dial(ctx, signal.Config{
		URL:     c.e.cfg.ServerURL,
		AppID:   c.e.cfg.AppID,
		AppSign: c.e.appSign,
		Token:   tok,
		SDK:     "parley/" + Version,
		TLS:     c.e.cfg.TLS,
		Resume:  resume,
		Silence: signalSilence,
		// Reconnecting, the dial keeps trying through refusals.
		RetryDial: c.retry,
	}, signal.Handlers{
		OnEvent: c.e.onServerEvent,
		OnClose: func(err error) { c.e.onConnClosed(c, err) },
	})
	if err != nil {
		c.err = err
		// A failed dial is forgotten so that the next login tries again.
		c.e.mu.Lock()
		if c.e.conn == c {
			c.e.conn = nil
		}
		c.e.mu.Unlock()
	}
	c.cli = cli
	if cli != nil {
		c.e.mu.Lock()
		c.e.session = cli.SessionID()
		c.e.mu.Unlock()
	}
	close(c.ready)
}

// request sends one request with the default timeout.
func (c *connection) request(ctx context.Context, typ string, data, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return c.cli.Request(ctx, typ, data, out)
}

func (c *connection) close() {
	c.closeOnce.Do(func() {
		<-c.ready
		if c.cli != nil {
			c.cli.Close()
		}
	})
}
