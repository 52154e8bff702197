package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-rtc/parley/cmd/internal/loadkit"
	"github.com/parley-rtc/parley/engine/signal"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// loadConfig is one load run.
type loadConfig struct {
	URL      string        // the server's signaling URL
	Clients  int           // concurrent signaling connections
	Rooms    int           // rooms they pick from at random
	Duration time.Duration // how long they log in and out
	// Rate is each client's login/logout cycles per second; 0: as fast as
	// the answers come (the server's per-connection limits may refuse).
	Rate float64
}

// requestTimeout bounds one request's round trip.
const requestTimeout = 10 * time.Second

// maxErrorTexts is how many error messages a result keeps.
const maxErrorTexts = 10

// result is what a run measured.
type result struct {
	Connected      int             // clients that completed the handshake
	Logins         int             // logins answered with success
	Logouts        int             // logouts answered with success
	Events         int64           // user_update events received
	LoginLatencies []time.Duration // sorted
	Elapsed        time.Duration   // the login/logout phase
	Errors         int
	ErrorTexts     []string // the first maxErrorTexts
}

// LoginsPerSecond is the rate achieved over the run.
func (r *result) LoginsPerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Logins) / r.Elapsed.Seconds()
}

// Percentile returns the login latency at p (0–100).
func (r *result) Percentile(p float64) time.Duration {
	if len(r.LoginLatencies) == 0 {
		return 0
	}
	i := int(p / 100 * float64(len(r.LoginLatencies)-1))
	return r.LoginLatencies[i]
}

// errorLog counts errors from every client and keeps the first texts.
type errorLog struct {
	mu    sync.Mutex
	n     int
	texts []string
}

func (l *errorLog) add(client int, what string, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.texts) < maxErrorTexts {
		l.texts = append(l.texts, fmt.Sprintf("client %d: %s: %v", client, what, err))
	}
}

// client is one simulated engine: a signaling connection and its user ID.
type client struct {
	id      int
	userID  string
	conn    *signal.Client
	events  *atomic.Int64
	errs    *errorLog
	closing atomic.Bool

	logins, logouts int
	latencies       []time.Duration
}

// runLoad connects cfg.Clients clients, lets each log in to a random room
// and out again for cfg.Duration, and disconnects them all. Every refused
// request, failed connection, kick or dropped connection is an error.
func runLoad(ctx context.Context, cfg loadConfig) (*result, error) {
	if cfg.Clients < 1 || cfg.Clients > loadkit.MaxClients || cfg.Rooms < 1 || cfg.Duration <= 0 || cfg.Rate < 0 {
		return nil, fmt.Errorf("need 1–%d clients, at least one room, a duration and a rate ≥ 0", loadkit.MaxClients)
	}
	sign, err := protocol.ParseAppSign(config.DevAppSign)
	if err != nil {
		return nil, err
	}
	dial, err := loadkit.Dialers(cfg.URL)
	if err != nil {
		return nil, err
	}
	var errs errorLog
	var events atomic.Int64
	clients := make([]*client, cfg.Clients)
	var wg sync.WaitGroup
	for i := range clients {
		c := &client{id: i, userID: fmt.Sprintf("load-%d", i), events: &events, errs: &errs}
		clients[i] = c
		wg.Go(func() { c.connect(ctx, cfg.URL, sign, dial(i)) })
	}
	wg.Wait()
	defer func() {
		for _, c := range clients {
			if c.conn != nil {
				wg.Go(c.close)
			}
		}
		wg.Wait()
	}()

	start := time.Now()
	end := start.Add(cfg.Duration)
	for _, c := range clients {
		if c.conn != nil {
			wg.Go(func() { c.cycle(ctx, cfg, end) })
		}
	}
	wg.Wait()
	res := &result{Elapsed: time.Since(start), Events: events.Load()}
	for _, c := range clients {
		if c.conn != nil {
			res.Connected++
		}
		res.Logins += c.logins
		res.Logouts += c.logouts
		res.LoginLatencies = append(res.LoginLatencies, c.latencies...)
	}
	slices.Sort(res.LoginLatencies)
	errs.mu.Lock()
	res.Errors, res.ErrorTexts = errs.n, errs.texts
	errs.mu.Unlock()
	return res, nil
}

func (c *client) connect(ctx context.Context, url string, sign []byte, dial loadkit.DialFunc) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	conn, err := signal.Dial(ctx, signal.Config{URL: url, AppID: config.DevAppID, AppSign: sign,
		SDK: "parley-sigload", NetDialContext: dial}, signal.Handlers{
		OnEvent: c.onEvent,
		OnClose: func(err error) {
			if !c.closing.Load() && !errors.Is(err, signal.ErrLocalClose) {
				c.errs.add(c.id, "connection lost", err)
			}
		},
	})
	if err != nil {
		c.errs.add(c.id, "connect", err)
		return
	}
	c.conn = conn
}

func (c *client) onEvent(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeUserUpdate:
		c.events.Add(1)
	case protocol.TypeKicked:
		c.errs.add(c.id, "kicked", errors.New(string(env.Data)))
	}
}

func (c *client) close() {
	c.closing.Store(true)
	c.conn.Close()
}

// cycle logs in and out until end, at cfg.Rate. A client that falls behind
// does not burst to catch up: it starts its next cycle at once and the
// schedule moves on from there.
func (c *client) cycle(ctx context.Context, cfg loadConfig, end time.Time) {
	var period time.Duration
	if cfg.Rate > 0 {
		period = time.Duration(float64(time.Second) / cfg.Rate)
	}
	// Spread the clients' first logins over one period.
	next := time.Now().Add(time.Duration(rand.Int64N(int64(period) + 1)))
	for {
		if !next.Before(end) || !loadkit.Sleep(ctx, time.Until(next)) {
			return
		}
		room := fmt.Sprintf("room-%d", rand.IntN(cfg.Rooms))
		if !c.loginLogout(ctx, room, next.Add(period/2)) {
			return
		}
		next = next.Add(period)
		if now := time.Now(); next.Before(now) {
			next = now
		}
	}
}

// loginLogout logs in to room, stays until leaveAt, and logs out. It
// reports false when the connection is gone.
func (c *client) loginLogout(ctx context.Context, room string, leaveAt time.Time) bool {
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	t0 := time.Now()
	err := c.conn.Request(rctx, protocol.TypeLogin, protocol.Login{RoomID: room, UserID: c.userID,
		UserStatusNotify: true}, nil)
	if err != nil {
		c.errs.add(c.id, "login "+room, err)
		return !errors.Is(err, signal.ErrClosed)
	}
	c.latencies = append(c.latencies, time.Since(t0))
	c.logins++
	loadkit.Sleep(ctx, time.Until(leaveAt))
	// The logout goes out even when ctx has just ended: no client leaves
	// a room behind.
	lctx, lcancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
	defer lcancel()
	if err := c.conn.Request(lctx, protocol.TypeLogout, protocol.Logout{RoomID: room}, nil); err != nil {
		c.errs.add(c.id, "logout "+room, err)
		return !errors.Is(err, signal.ErrClosed)
	}
	c.logouts++
	return true
}
