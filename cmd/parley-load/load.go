package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/cmd/internal/loadkit"
	"github.com/parley-rtc/parley/engine/signal"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/metrics"
	"github.com/parley-rtc/parley/server/protocol"
)

// loadConfig is one load run.
type loadConfig struct {
	URL         string
	Profile     profile
	Publishers  int
	Subscribers int  // viewers, each playing every publisher's stream
	AllToAll    bool // every publisher also plays every other publisher's stream
	Warmup      time.Duration
	Duration    time.Duration // the measured window
	DropEvery   int           // publishers skip every n-th sequence number (tests)
	ServerPid   int           // the server's process, for /proc; 0: its /metrics
	ProfileURL  string        // the server's /debug/pprof/profile, or ""
	ProfileFile string        // where the CPU profile over the window goes
}

// Timeouts of the setup.
const (
	requestTimeout = 15 * time.Second
	mediaTimeout   = 30 * time.Second
	// connectParallel is how many viewers connect at once: enough to set
	// up hundreds of PeerConnections in seconds, few enough that the DTLS
	// handshakes do not starve the media already flowing.
	connectParallel = 8
	roomID          = "load"
	maxErrorTexts   = 10
)

// result is what a run measured over its window.
type result struct {
	Subscriptions int // played streams (PeerConnections receiving)
	Tracks        int // received tracks
	Silent        int // tracks that received nothing in the window
	Window        time.Duration

	SentPackets, SentOctets uint64  // by the publishers
	Dropped                 uint64  // sequence numbers skipped on purpose
	Nominal                 float64 // what the publishers should have sent in the window
	GotPackets, GotOctets   uint64  // distinct packets and payload bytes that arrived
	Expected, Lost          uint64  // by sequence numbers
	PLIs                    uint64  // keyframe requests that reached publishers
	Latency                 histogram

	ServerCPU     time.Duration
	ServerPackets float64 // packets the server says it sent (0: it does not say)
	// The server's own forward latency (its /metrics histogram: reading a
	// packet to writing it to the last viewer), by bucket interpolation.
	ServerFwdP50, ServerFwdP99 time.Duration
	ServerMallocs              float64 // heap allocations the server made (go_memstats_mallocs_total)
	ServerRSSPeak              int64
	ToolCPU                    time.Duration

	Errors     int
	ErrorTexts []string
}

// LossRatio is the share of expected packets that never arrived.
func (r *result) LossRatio() float64 {
	if r.Expected == 0 {
		return 0
	}
	return float64(r.Lost) / float64(r.Expected)
}

// Starved says the publishers sent less than 95 % of their rate: the
// machine did not give the tool the CPU it needed (other processes), and
// the run's figures describe that contention, not the server.
func (r *result) Starved() bool {
	return float64(r.SentPackets+r.Dropped) < 0.95*r.Nominal
}

// PacketsSent is the packets the server sent in the window: its own count
// when its /metrics has one, else what arrived.
func (r *result) PacketsSent() float64 {
	if r.ServerPackets > 0 {
		return r.ServerPackets
	}
	return float64(r.GotPackets)
}

// MicrosPerPacket is the server's CPU per packet sent.
func (r *result) MicrosPerPacket() float64 {
	if n := r.PacketsSent(); n > 0 {
		return float64(r.ServerCPU.Microseconds()) / n
	}
	return 0
}

// errorLog counts errors from every client and keeps the first texts.
type errorLog struct {
	mu    sync.Mutex
	n     int
	texts []string
}

func (l *errorLog) add(format string, a ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.texts) < maxErrorTexts {
		l.texts = append(l.texts, fmt.Sprintf(format, a...))
	}
}

// client is one signaling connection: a publisher's or a viewer's.
type client struct {
	user    string
	conn    *signal.Client
	closing atomic.Bool
	pub     *publisher
	subs    []*subscriber
}

// run is the state of one load run.
type run struct {
	cfg       loadConfig
	api       *webrtc.API
	sign      []byte
	dial      func(i int) loadkit.DialFunc
	errs      errorLog
	sent      sendCounts
	measuring atomic.Bool
	ending    atomic.Bool // teardown has begun: streams ending is no news
}

// runLoad connects the publishers and viewers, lets media flow for the
// warm-up and the measured window, and tears everything down.
func runLoad(ctx context.Context, cfg loadConfig) (*result, error) {
	if cfg.Publishers < 1 || cfg.Subscribers < 0 || cfg.Publishers+cfg.Subscribers > loadkit.MaxClients || cfg.Duration <= 0 {
		return nil, fmt.Errorf("need at least one publisher, at most %d clients and a duration", loadkit.MaxClients)
	}
	r := &run{cfg: cfg}
	var err error
	if r.api, err = newAPI(); err != nil {
		return nil, err
	}
	if r.sign, err = protocol.ParseAppSign(config.DevAppSign); err != nil {
		return nil, err
	}
	if r.dial, err = loadkit.Dialers(cfg.URL); err != nil {
		return nil, err
	}

	var clients []*client
	defer func() { r.ending.Store(true); closeAll(clients) }()
	streams := make([]string, cfg.Publishers)
	for i := range streams {
		c, err := r.connect(ctx, i, fmt.Sprintf("pub-%d", i))
		if err != nil {
			return nil, err
		}
		clients = append(clients, c)
		streams[i] = c.user + "-main"
		if err := r.publish(ctx, c, streams[i]); err != nil {
			return nil, err
		}
	}
	// Who plays what: each viewer every stream; in a room of everyone,
	// each publisher the others' too.
	type plays struct {
		c       *client
		streams []string
		i       int // the client's number, for its address
		user    string
	}
	var todo []plays
	if cfg.AllToAll {
		for i, c := range clients {
			others := slices.Delete(slices.Clone(streams), i, i+1)
			todo = append(todo, plays{c: c, streams: others})
		}
	}
	for j := range cfg.Subscribers {
		todo = append(todo, plays{streams: streams, i: cfg.Publishers + j, user: fmt.Sprintf("sub-%d", j)})
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, connectParallel)
	var setupErr error
	for _, t := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c := t.c
			if c == nil {
				var err error
				if c, err = r.connect(ctx, t.i, t.user); err != nil {
					mu.Lock()
					setupErr = errors.Join(setupErr, err)
					mu.Unlock()
					return
				}
				mu.Lock()
				clients = append(clients, c)
				mu.Unlock()
			}
			for _, st := range t.streams {
				s, err := r.play(ctx, c, st)
				mu.Lock()
				if s != nil {
					c.subs = append(c.subs, s)
				}
				setupErr = errors.Join(setupErr, err)
				mu.Unlock()
			}
		})
		if ctx.Err() != nil {
			break
		}
	}
	wg.Wait()
	if setupErr != nil {
		return nil, setupErr
	}
	res := &result{}
	var subs []*subscriber
	for _, c := range clients {
		subs = append(subs, c.subs...)
	}
	res.Subscriptions = len(subs)
	for _, s := range subs {
		if err := s.waitFirst(mediaTimeout); err != nil {
			return nil, err
		}
	}
	if !loadkit.Sleep(ctx, cfg.Warmup) {
		return nil, ctx.Err()
	}
	r.measure(ctx, subs, res)
	r.ending.Store(true)
	closeAll(clients)
	clients = nil
	for _, s := range subs {
		for _, t := range s.tracks {
			res.Latency.merge(&t.lat)
		}
	}
	r.errs.mu.Lock()
	res.Errors, res.ErrorTexts = r.errs.n, r.errs.texts
	r.errs.mu.Unlock()
	return res, nil
}

// snapshot is the counters at one instant.
type snapshot struct {
	at                     time.Time
	sent, octets, dropped  uint64
	plis                   uint64
	expected, got, gotOcts []uint64
	serverCPU, toolCPU     time.Duration
	serverPackets, mallocs float64
	serverFwd              map[float64]uint64 // cumulative buckets, nil if not scraped
}

func (r *run) snapshot(ctx context.Context, tracks []*trackStats) snapshot {
	s := snapshot{at: time.Now(), sent: r.sent.packets.Load(), octets: r.sent.octets.Load(),
		dropped: r.sent.dropped.Load(), plis: r.sent.plis.Load()}
	for _, t := range tracks {
		s.expected = append(s.expected, t.expected.Load())
		s.got = append(s.got, t.received.Load())
		s.gotOcts = append(s.gotOcts, t.octets.Load())
	}
	s.toolCPU, _ = loadkit.CPU(0)
	m, _ := metrics.Scrape(ctx, r.cfg.URL)
	if r.cfg.ServerPid != 0 {
		s.serverCPU, _ = loadkit.CPU(r.cfg.ServerPid)
	} else {
		s.serverCPU = time.Duration(m[cpuSeconds] * float64(time.Second))
	}
	s.serverPackets, s.mallocs = m[metrics.PacketsOut], m[mallocs]
	s.serverFwd, _ = metrics.ScrapeHistogram(ctx, r.cfg.URL, metrics.ForwardLatency)
	return s
}

// measure runs the measured window and fills res with its differences.
func (r *run) measure(ctx context.Context, subs []*subscriber, res *result) {
	var tracks []*trackStats
	for _, s := range subs {
		for _, t := range s.tracks {
			tracks = append(tracks, t)
		}
	}
	res.Tracks = len(tracks)
	rss := loadkit.SampleRSS(func() (int64, error) {
		if r.cfg.ServerPid != 0 {
			return loadkit.RSS(r.cfg.ServerPid)
		}
		m, err := metrics.Scrape(ctx, r.cfg.URL)
		return int64(m[rssBytes]), err
	}, 500*time.Millisecond)
	var prof sync.WaitGroup
	if r.cfg.ProfileURL != "" {
		prof.Go(func() {
			if err := saveProfile(ctx, r.cfg.ProfileURL, r.cfg.Duration, r.cfg.ProfileFile); err != nil {
				r.errs.add("server profile: %v", err)
			}
		})
	}
	a := r.snapshot(ctx, tracks)
	r.measuring.Store(true)
	loadkit.Sleep(ctx, r.cfg.Duration)
	r.measuring.Store(false)
	b := r.snapshot(ctx, tracks)
	prof.Wait()
	res.ServerRSSPeak, _ = rss.Stop()

	res.Window = b.at.Sub(a.at)
	res.Nominal = float64(r.cfg.Publishers) * r.cfg.Profile.packetRate() * res.Window.Seconds()
	res.SentPackets, res.SentOctets, res.Dropped = b.sent-a.sent, b.octets-a.octets, b.dropped-a.dropped
	res.PLIs = b.plis - a.plis
	res.ServerCPU, res.ToolCPU = b.serverCPU-a.serverCPU, b.toolCPU-a.toolCPU
	res.ServerPackets = b.serverPackets - a.serverPackets
	res.ServerMallocs = b.mallocs - a.mallocs
	res.ServerFwdP50 = bucketQuantile(a.serverFwd, b.serverFwd, 0.5)
	res.ServerFwdP99 = bucketQuantile(a.serverFwd, b.serverFwd, 0.99)
	for i := range tracks {
		exp, got := b.expected[i]-a.expected[i], b.got[i]-a.got[i]
		if got == 0 {
			res.Silent++
		}
		res.Expected += exp
		res.GotPackets += got
		res.GotOctets += b.gotOcts[i] - a.gotOcts[i]
		if exp > got {
			res.Lost += exp - got
		}
	}
}

// connect dials, authenticates and logs in to the room.
func (r *run) connect(ctx context.Context, i int, user string) (*client, error) {
	c := &client{user: user}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	conn, err := signal.Dial(rctx, signal.Config{URL: r.cfg.URL, AppID: config.DevAppID, AppSign: r.sign,
		SDK: "parley-load", NetDialContext: r.dial(i)}, signal.Handlers{
		OnEvent: func(env protocol.Envelope) {
			switch {
			case r.ending.Load():
			case env.Type == protocol.TypePlayStopped, env.Type == protocol.TypePublishStopped, env.Type == protocol.TypeKicked:
				r.errs.add("%s: %s %s", user, env.Type, env.Data)
			}
		},
		OnClose: func(err error) {
			if !c.closing.Load() && !errors.Is(err, signal.ErrLocalClose) {
				r.errs.add("%s: connection lost: %v", user, err)
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("%s: connect: %w", user, err)
	}
	c.conn = conn
	if err := conn.Request(rctx, protocol.TypeLogin, protocol.Login{RoomID: roomID, UserID: user}, nil); err != nil {
		c.close()
		return nil, fmt.Errorf("%s: login: %w", user, err)
	}
	return c, nil
}

// publish publishes the client's stream and starts sending.
func (r *run) publish(ctx context.Context, c *client, stream string) error {
	p, o, err := newPublisher(r.api, r.cfg.Profile, &r.sent, r.cfg.DropEvery)
	if err != nil {
		return err
	}
	c.pub = p
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var ans protocol.SDPAnswer
	if err := c.conn.Request(rctx, protocol.TypePublish, protocol.Publish{RoomID: roomID, StreamID: stream, SDP: o}, &ans); err != nil {
		return fmt.Errorf("%s: publish: %w", c.user, err)
	}
	if err := accept(p.pc, ans.SDP); err != nil {
		return fmt.Errorf("%s: publish answer: %w", c.user, err)
	}
	p.start()
	return nil
}

// play plays one stream on a new subscriber PeerConnection.
func (r *run) play(ctx context.Context, c *client, stream string) (*subscriber, error) {
	s, o, err := newSubscriber(r.api, r.cfg.Profile, &r.measuring)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var ans protocol.SDPAnswer
	if err := c.conn.Request(rctx, protocol.TypePlay, protocol.Play{StreamID: stream, SDP: o}, &ans); err != nil {
		s.close()
		return nil, fmt.Errorf("%s: play %s: %w", c.user, stream, err)
	}
	if err := accept(s.pc, ans.SDP); err != nil {
		s.close()
		return nil, fmt.Errorf("%s: play answer: %w", c.user, err)
	}
	return s, nil
}

func (c *client) close() {
	c.closing.Store(true)
	c.conn.Close()
}

// closeAll stops the publishers, then closes every PeerConnection and
// signaling connection.
func closeAll(clients []*client) {
	var wg sync.WaitGroup
	for _, c := range clients {
		if c.pub != nil {
			wg.Go(c.pub.close)
		}
	}
	wg.Wait()
	sem := make(chan struct{}, 32)
	for _, c := range clients {
		for _, s := range c.subs {
			sem <- struct{}{}
			wg.Go(func() { defer func() { <-sem }(); s.close() })
		}
	}
	wg.Wait()
	for _, c := range clients {
		wg.Go(c.close)
	}
	wg.Wait()
}

// saveProfile fetches a CPU profile of d from a pprof URL into file.
func saveProfile(ctx context.Context, url string, d time.Duration, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s?seconds=%d", url, max(int(d.Seconds()), 1)), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(file, b, 0o644)
}
