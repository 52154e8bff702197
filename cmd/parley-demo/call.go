package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"syscall"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
)

type options struct {
	server        string
	duration      time.Duration
	outDir        string
	width, height int
	fps           int
	codec         engine.VideoCodec
	bench         int
	quiet         bool
}

const (
	roomID   = "demo-room"
	streamID = "alice-cam"
)

// call is one running demo call and what it measured.
type call struct {
	o     options
	out   io.Writer
	start time.Time

	srv    *server.Server
	a, b   *engine.Engine
	pvPix  []byte
	rmPix  []byte
	pv, rm *render.View

	mu          sync.Mutex
	loginAt     time.Time
	loginMs     float64
	logined     chan struct{}
	published   chan struct{}
	playAt      time.Time
	firstFrame  time.Duration
	latencies   []float64 // glass-to-glass of every remote frame, ms
	interval    []float64 // the same, since the last table row
	frames      int       // distinct remote frames seen since the last row
	lastQuality *engine.PlayQuality
	pubQuality  *engine.PublishQuality
	toneLevel   float64
	errors      []string
}

func runCall(o options, out io.Writer) (*result, error) {
	c := &call{o: o, out: out, start: time.Now(), logined: make(chan struct{}, 2), published: make(chan struct{}, 1)}
	defer c.close()
	url := o.server
	if url == "" {
		cfg := config.Dev()
		cfg.Listen = "127.0.0.1:0"
		srv, err := server.New(cfg)
		if err != nil {
			return nil, err
		}
		if err := srv.Start(context.Background()); err != nil {
			return nil, err
		}
		c.srv = srv
		url = srv.URL()
		c.logf("server   listening at %s (in-process)", url)
	}
	if err := c.setup(url); err != nil {
		return nil, err
	}
	cpu0, wall0 := cpuSeconds(), time.Now()
	c.run()
	res := c.result()
	res.cpuPerSec = (cpuSeconds() - cpu0) / time.Since(wall0).Seconds()
	if err := c.writePNGs(res); err != nil {
		return nil, err
	}
	return res, nil
}

func (c *call) setup(url string) error {
	var err error
	c.pvPix = make([]byte, c.o.width*c.o.height*4)
	c.rmPix = make([]byte, c.o.width*c.o.height*4)
	if c.pv, err = render.NewView(render.Desc{Pixels: c.pvPix, Width: c.o.width, Height: c.o.height, Stride: c.o.width * 4}); err != nil {
		return err
	}
	if c.rm, err = render.NewView(render.Desc{Pixels: c.rmPix, Width: c.o.width, Height: c.o.height, Stride: c.o.width * 4}); err != nil {
		return err
	}
	mk := func(name string) (*engine.Engine, error) {
		return engine.New(engine.Config{
			AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url,
			Scenario: engine.ScenarioStandardVideoCall,
			Handler:  func(ev engine.Event) { c.onEvent(name, ev) },
		})
	}
	if c.a, err = mk("A"); err != nil {
		return err
	}
	if c.b, err = mk("B"); err != nil {
		return err
	}
	vc := engine.VideoConfig{EncodeWidth: c.o.width, EncodeHeight: c.o.height, CaptureWidth: c.o.width, CaptureHeight: c.o.height, FPS: c.o.fps,
		Codec: c.o.codec}
	if err := c.a.SetVideoConfig(vc, engine.ChannelMain); err != nil {
		return err
	}
	c.mu.Lock()
	c.loginAt = time.Now()
	c.mu.Unlock()
	if err := c.a.LoginRoom(roomID, engine.User{UserID: "alice", UserName: "Alice"}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		return err
	}
	if err := c.b.LoginRoom(roomID, engine.User{UserID: "bob", UserName: "Bob"}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		return err
	}
	for i := 0; i < 2; i++ {
		select {
		case <-c.logined:
		case <-time.After(10 * time.Second):
			return fmt.Errorf("login timed out")
		}
	}
	if err := c.a.StartPreview(c.pv, engine.ChannelMain); err != nil {
		return err
	}
	if err := c.a.StartPublishing(streamID, engine.ChannelMain); err != nil {
		return err
	}
	select {
	case <-c.published:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("publishing timed out")
	}
	c.mu.Lock()
	c.playAt = time.Now()
	c.mu.Unlock()
	return c.b.StartPlaying(streamID, c.rm)
}

func (c *call) close() {
	if c.a != nil {
		c.a.Destroy()
	}
	if c.b != nil {
		c.b.Destroy()
	}
	if c.pv != nil {
		c.pv.Close()
		engine.ReleaseView(c.pv)
	}
	if c.rm != nil {
		c.rm.Close()
		engine.ReleaseView(c.rm)
	}
	if c.srv != nil {
		c.srv.Close()
	}
}

func (c *call) logf(format string, args ...any) {
	if c.o.quiet {
		return
	}
	fmt.Fprintf(c.out, "[%6.3fs] "+format+"\n", append([]any{time.Since(c.start).Seconds()}, args...)...)
}

// cpuSeconds is the process's user+system CPU time: both engines and the
// server run in this one process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
