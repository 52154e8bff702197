package network

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/internal/netsim"
	"github.com/parley-rtc/parley/render"
)

// noisySource publishes 640×360 frames at 30 fps whose blocks change at
// random every frame: content that takes every bit the encoder is allowed
// (the test pattern needs only about 200 kbit/s), so a bandwidth cap bites.
// With stamp, the top of each frame carries the test pattern's code band
// (engine/source), so that the player can read the capture time back.
func noisySource(t *testing.T, a *engine.Engine, stamp bool) {
	t.Helper()
	if err := a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 360
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(7, 7))
		pix := make([]byte, w*h*4)
		pattern := source.NewTestPattern(w, h)
		tick := time.NewTicker(time.Second / 30)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			// One in twenty of the 8×8 blocks takes a new grey each frame.
			for range w * h / 64 / 20 {
				bx, by, v := rng.IntN(w/8)*8, rng.IntN(h/8)*8, byte(rng.IntN(256))
				for y := by; y < by+8; y++ {
					row := pix[(y*w+bx)*4 : (y*w+bx+8)*4]
					for i := range row {
						row[i] = v
					}
				}
			}
			if stamp {
				stampCode(pix, pattern.Next(time.Now()))
			}
			_ = a.SendCustomVideoFrame(pix, w, h, w*4, 0, engine.ChannelMain)
		}
	}()
	t.Cleanup(func() { close(stop); wg.Wait() })
}

// stampCode copies the code band of a test pattern frame f, the top sixth
// of the picture (engine/source/pattern.go), as grey into RGBA pix of the
// same size.
func stampCode(pix []byte, f *render.I420) {
	for y := range f.Height / 6 {
		for x := range f.Width {
			v := f.Y[y*f.YStride+x]
			i := (y*f.Width + x) * 4
			pix[i], pix[i+1], pix[i+2], pix[i+3] = v, v, v, 255
		}
	}
}

// rateProbe samples the link's send rate and the view's longest wait for
// a new frame.
type rateProbe struct {
	c         *call
	lastBytes uint64
	lastAt    time.Time
}

func newRateProbe(c *call) *rateProbe {
	return &rateProbe{c: c, lastBytes: c.link.Sent(), lastAt: time.Now()}
}

// window waits d and returns A's send rate over it, in kbit/s, and the
// longest time B's view went without a new frame.
func (p *rateProbe) window(d time.Duration) (kbps float64, stall time.Duration) {
	end := time.Now().Add(d)
	f, _ := p.c.view.Acquire()
	p.c.view.Release()
	seq, since := f.Seq, time.Now()
	for time.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
		f, _ := p.c.view.Acquire()
		p.c.view.Release()
		if f.Seq != seq {
			seq, since = f.Seq, time.Now()
		}
		stall = max(stall, time.Since(since))
	}
	now, b := time.Now(), p.c.link.Sent()
	kbps = float64(b-p.lastBytes) * 8 / 1000 / now.Sub(p.lastAt).Seconds()
	p.lastBytes, p.lastAt = b, now
	return kbps, stall
}

// TestBandwidthCap: the publisher's link is capped at 300 kbit/s for 20 s,
// then freed. The send rate follows the cap within 5 s, the picture never
// stops for more than a second, and the rate climbs back within 10 s of
// the cap's end.
func TestBandwidthCap(t *testing.T) {
	c := startCallWith(t, netsim.Link{}, func(a *engine.Engine) { noisySource(t, a, false) })
	c.waitFrames(t)
	p := newRateProbe(c)
	time.Sleep(3 * time.Second)
	before, _ := p.window(2 * time.Second)
	t.Logf("free link: %.0f kbit/s sent", before)
	if before < 500 {
		t.Fatalf("only %.0f kbit/s sent on a free link; the cap would not bite", before)
	}

	const capKbps = 300
	c.link.Set(netsim.Link{RateBps: capKbps * 1000})
	var worst time.Duration
	for i := range 20 {
		kbps, stall := p.window(time.Second)
		worst = max(worst, stall)
		t.Logf("capped, second %2d: %4.0f kbit/s sent, longest frame wait %v", i+1, kbps, stall.Round(10*time.Millisecond))
		if i >= 5 && kbps > capKbps*1.15 {
			t.Errorf("second %d of the cap: %.0f kbit/s sent, want the rate to follow the %d kbit/s cap within 5 s", i+1, kbps, capKbps)
		}
	}
	if worst > time.Second {
		t.Errorf("the picture stopped for %v under the cap, want at most 1 s", worst)
	}

	c.link.Set(netsim.Link{})
	climbed := false
	for i := range 10 {
		kbps, _ := p.window(time.Second)
		t.Logf("freed, second %2d: %4.0f kbit/s sent", i+1, kbps)
		if kbps > climbKbps {
			climbed = true
			break
		}
	}
	if !climbed {
		t.Errorf("the rate did not climb past %d kbit/s within 10 s of the cap's end", climbKbps)
	}
}

// climbKbps is the send rate that shows the cap is no longer holding the
// stream back: a fifth above it. (The estimator takes longer to reach the
// free link's full rate; docs/benchmarks.md has the figures.)
const climbKbps = 360
