// Package network runs real calls over impaired links (internal/netsim on
// the publisher's media socket) and checks what a player would notice:
// frame rate, freezes, audio, recovery (docs/reconnection.md, issue 7).
package network

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/internal/netsim"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
)

// TestMain runs the scenarios only with PARLEY_NETWORK=1 (make
// test-network) or PARLEY_NETBENCH=1 (make netbench, TestNetbench): they
// are real-time calls measured against frame-rate targets, run without the
// race detector, one at a time.
func TestMain(m *testing.M) {
	if os.Getenv("PARLEY_NETWORK") != "1" && os.Getenv("PARLEY_NETBENCH") != "1" {
		fmt.Println("tests/network: skipped; make test-network runs them (PARLEY_NETWORK=1), make netbench the benchmark (PARLEY_NETBENCH=1)")
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// call is a publisher A behind an impaired link and a player B, through a
// real server. B's link is clean unless a test impairs it.
type call struct {
	url   string       // the server's
	link  *netsim.Conn // A's
	down  *netsim.Conn // B's
	a, b  *engine.Engine
	view  *render.View
	pix   []byte // the view's pixels, viewW x viewH RGBA
	viewW int
	viewH int
	mu    sync.Mutex
	evB   []engine.Event
	audio []float64 // B's tone share per 100 ms window
	// With callOpts.melody: when A's melody started, and B's windows.
	melodyStart time.Time
	notes       []noteShot
	stop        chan struct{}
	wg          sync.WaitGroup
}

func startCall(t *testing.T, link netsim.Link) *call {
	t.Helper()
	return startCallOpts(t, link, callOpts{})
}

// startCallWith is startCall with setup run on A before it publishes.
func startCallWith(t *testing.T, link netsim.Link, setup func(a *engine.Engine)) *call {
	t.Helper()
	return startCallOpts(t, link, callOpts{setup: setup})
}

// callOpts varies a call; the zero value is the tests' call.
type callOpts struct {
	setup   func(a *engine.Engine) // run on A before it publishes
	without engine.Mechanisms      // A's mechanisms turned off
	seed    uint64                 // the link's randomness; 0 means 42
	// noDownlink turns the server's downlink estimate off
	// (config.Config.NoDownlinkEstimate)
	noDownlink bool
	// melody: A sends the notes tests' melody (notes_test.go) as custom
	// audio instead of the steady tone.
	melody bool
	viewW  int // B's view; 0 means 64x36
	viewH  int
}

// startCallOpts starts a call varied by o.
func startCallOpts(t *testing.T, link netsim.Link, o callOpts) *call {
	t.Helper()
	if o.seed == 0 {
		o.seed = 42
	}
	if o.viewW == 0 || o.viewH == 0 {
		o.viewW, o.viewH = 64, 36
	}
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	cfg.NoDownlinkEstimate = o.noDownlink
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c := &call{url: s.URL(), stop: make(chan struct{})}
	if c.link, err = netsim.Listen(link, o.seed); err != nil {
		t.Fatal(err)
	}
	if c.down, err = netsim.Listen(netsim.Link{}, o.seed+1); err != nil {
		t.Fatal(err)
	}
	logins := make(chan string, 4)
	c.a = newEngine(t, s.URL(), c.link, o.without, func(ev engine.Event) {
		if ev.Kind == engine.EventRoomStateChanged && ev.Reason == engine.RoomLogined {
			logins <- "a"
		}
	})
	c.b = newEngine(t, s.URL(), c.down, engine.Mechanisms{}, func(ev engine.Event) {
		c.mu.Lock()
		c.evB = append(c.evB, ev)
		c.mu.Unlock()
		if ev.Kind == engine.EventRoomStateChanged && ev.Reason == engine.RoomLogined {
			logins <- "b"
		}
	})
	for _, e := range []*engine.Engine{c.a, c.b} {
		if err := e.LoginRoom("net", engine.User{UserID: map[*engine.Engine]string{c.a: "a", c.b: "b"}[e]}, engine.RoomConfig{}); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		select {
		case <-logins:
		case <-time.After(10 * time.Second):
			t.Fatal("login timed out")
		}
	}
	if err := c.a.SetVideoConfig(engine.VideoConfig{EncodeWidth: 640, EncodeHeight: 360, FPS: 30}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if o.setup != nil {
		o.setup(c.a)
	}
	if o.melody {
		if err := c.a.SetAudioSource(engine.AudioSourceCustom); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.a.StartPublishing("s", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	c.viewW, c.viewH = o.viewW, o.viewH
	c.pix = make([]byte, c.viewW*c.viewH*4)
	if c.view, err = render.NewView(render.Desc{Pixels: c.pix, Width: c.viewW, Height: c.viewH, Stride: c.viewW * 4}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.view.Close(); engine.ReleaseView(c.view) })
	if err := c.b.StartPlaying("s", c.view); err != nil {
		t.Fatal(err)
	}
	if o.melody {
		c.melodyStart = time.Now() // before listen reads it
		c.wg.Add(1)
		go c.pushMelody()
	}
	c.wg.Add(1)
	go c.listen()
	t.Cleanup(func() { close(c.stop); c.wg.Wait() })
	return c
}

func newEngine(t *testing.T, url string, media *netsim.Conn, without engine.Mechanisms, h func(engine.Event)) *engine.Engine {
	t.Helper()
	cfg := engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url, Handler: h, Without: without}
	if media != nil {
		cfg.MediaConn = media
	}
	e, err := engine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Destroy)
	return e
}

// listen pulls B's audio in real time and keeps the 1 kHz share of every
// 100 ms window.
func (c *call) listen() {
	defer c.wg.Done()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	pcm := make([]int16, 480)
	window := make([]int16, 0, 4800)
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		if c.b.FetchAudioPCM(pcm, 480, 48000, 1) != nil {
			continue
		}
		window = append(window, pcm...)
		if len(window)%960 == 0 && !c.melodyStart.IsZero() {
			s := noteShot{at: time.Now(), note: dominantNote(window[len(window)-960:])}
			c.mu.Lock()
			c.notes = append(c.notes, s)
			c.mu.Unlock()
		}
		if len(window) == 4800 {
			r := audio.ToneRatio(window, 1, 48000, 1000)
			c.mu.Lock()
			c.audio = append(c.audio, r)
			c.mu.Unlock()
			window = window[:0]
		}
	}
}

// waitFrames waits for the first rendered frame.
func (c *call) waitFrames(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for c.count(func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame }) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no first frame")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (c *call) count(match func(engine.Event) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, ev := range c.evB {
		if match(ev) {
			n++
		}
	}
	return n
}

// measure watches B's view for d: rendered frames per second and the video
// breaks reported, and the share of 100 ms audio windows that hold the
// tone.
func (c *call) measure(d time.Duration) (fps float64, breaks int, audioOK float64) {
	breaksBefore := c.count(videoBreak)
	c.mu.Lock()
	audioBefore := len(c.audio)
	c.mu.Unlock()
	first, _ := c.view.Acquire()
	c.view.Release()
	time.Sleep(d)
	last, _ := c.view.Acquire()
	c.view.Release()
	fps = float64(last.Seq-first.Seq) / d.Seconds()
	breaks = c.count(videoBreak) - breaksBefore
	c.mu.Lock()
	audioAfter := len(c.audio)
	c.mu.Unlock()
	return fps, breaks, c.toneShare(audioBefore, audioAfter)
}

// toneShare is the share of B's 100 ms audio windows from..to (indexes)
// that hold the tone; 0 when there are none.
func (c *call) toneShare(from, to int) float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	good := 0
	for _, r := range c.audio[from:to] {
		if r > toneThreshold {
			good++
		}
	}
	if to <= from {
		return 0
	}
	return float64(good) / float64(to-from)
}

// toneThreshold is the 1 kHz share above which a 100 ms window holds the
// tone: a speech codec's rendering of a pure tone, and concealed or
// FEC-recovered packets in it, keep well above it; silence, noise and
// clicks fall below.
const toneThreshold = 0.3

func videoBreak(ev engine.Event) bool {
	return ev.Kind == engine.EventPlayerMediaEvent && ev.State == engine.MediaVideoBreakOccur
}

// TestLossAndJitter: 5 % loss and 50 ± 10 ms each way on the publisher's
// link: video keeps at least 20 fps rendered with at most one freeze a
// minute, and the audio is continuous.
func TestLossAndJitter(t *testing.T) {
	c := startCall(t, netsim.Link{Loss: 0.05, Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond})
	c.waitFrames(t)
	time.Sleep(2 * time.Second) // past the start
	fps, breaks, audioOK := c.measure(time.Minute)
	t.Logf("5%% loss, 50±10 ms: %.1f fps rendered, %d freezes in a minute, tone in %.0f%% of 100 ms windows", fps, breaks, audioOK*100)
	if fps < 20 {
		t.Errorf("%.1f fps rendered, want at least 20", fps)
	}
	if breaks > 1 {
		t.Errorf("%d freezes in a minute, want at most one", breaks)
	}
	if audioOK < 0.95 {
		t.Errorf("the tone is in %.0f%% of the windows, want continuous audio", audioOK*100)
	}
}

// TestHeavyLossThenRecovery: 20 % loss keeps the audio intelligible (the
// tone in at least 90 % of 100 ms windows); when the loss ends, video is
// back to at least 25 fps within 5 s.
func TestHeavyLossThenRecovery(t *testing.T) {
	c := startCall(t, netsim.Link{})
	c.waitFrames(t)
	c.link.Set(netsim.Link{Loss: 0.20})
	time.Sleep(time.Second)
	fps, _, audioOK := c.measure(8 * time.Second)
	t.Logf("20%% loss: %.1f fps rendered, tone in %.0f%% of 100 ms windows", fps, audioOK*100)
	if audioOK < 0.90 {
		t.Errorf("the tone is in %.0f%% of the windows under 20%% loss, want at least 90%%", audioOK*100)
	}
	c.link.Set(netsim.Link{})
	time.Sleep(3 * time.Second)
	fps, _, _ = c.measure(2 * time.Second)
	t.Logf("after the loss: %.1f fps rendered", fps)
	if fps < 25 {
		t.Errorf("%.1f fps 3-5 s after the loss ended, want at least 25", fps)
	}
}

// TestShortOutage: the publisher's link is down for 5 s; frames are back
// within 2 s of its return, and the player's side saw the stream neither
// end nor start again.
func TestShortOutage(t *testing.T) {
	c := startCall(t, netsim.Link{})
	c.waitFrames(t)
	updates := c.count(streamUpdate)
	c.link.Set(netsim.Link{Down: true})
	time.Sleep(5 * time.Second)
	before, _ := c.view.Acquire()
	c.view.Release()
	c.link.Set(netsim.Link{})
	back := time.Now()
	for {
		now, _ := c.view.Acquire()
		c.view.Release()
		if now.Seq > before.Seq+5 {
			break
		}
		if time.Since(back) > 2*time.Second {
			t.Fatalf("no frames within 2 s of the link's return")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("frames back %v after the link returned", time.Since(back).Round(10*time.Millisecond))
	if n := c.count(streamUpdate); n != updates {
		t.Errorf("the player saw %d stream updates during a 5 s outage", n-updates)
	}
}

func streamUpdate(ev engine.Event) bool { return ev.Kind == engine.EventRoomStreamUpdate }
