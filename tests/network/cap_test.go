package network

import (
	"context"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/internal/netsim"
	"github.com/parley-rtc/parley/internal/testsource"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/metrics"
)

// noisySource publishes hard-to-compress 640×360 video at 30 fps
// (internal/testsource), so that a bandwidth cap bites (the test pattern
// needs only about 200 kbit/s). With stamp, the top of each frame carries
// the test pattern's code band (engine/source), so that the player can read
// the capture time back.
func noisySource(t *testing.T, a *engine.Engine, stamp bool) {
	t.Helper()
	if err := a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	const w, h = 640, 360
	p := testsource.NoisyParams{Width: w, Height: h, FPS: 30}
	if stamp {
		pattern := source.NewTestPattern(w, h)
		p.Decorate = func(pix []byte) { stampCode(pix, pattern.Next(time.Now())) }
	}
	t.Cleanup(testsource.Noisy(a, p))
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
	seq       uint64    // the view's last frame
	since     time.Time // when it came (or the probe started)
}

func newRateProbe(c *call) *rateProbe {
	f, _ := c.view.Acquire()
	c.view.Release()
	return &rateProbe{c: c, lastBytes: c.link.Sent(), lastAt: time.Now(), seq: f.Seq, since: time.Now()}
}

// window waits d and returns A's send rate over it, in kbit/s, and the
// longest time B's view went without a new frame in it, counting a wait
// that began in an earlier window in full.
func (p *rateProbe) window(d time.Duration) (kbps float64, stall time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		time.Sleep(20 * time.Millisecond)
		f, _ := p.c.view.Acquire()
		p.c.view.Release()
		if f.Seq != p.seq {
			p.seq, p.since = f.Seq, time.Now()
		}
		stall = max(stall, time.Since(p.since))
	}
	now, b := time.Now(), p.c.link.Sent()
	kbps = float64(b-p.lastBytes) * 8 / 1000 / now.Sub(p.lastAt).Seconds()
	p.lastBytes, p.lastAt = b, now
	return kbps, stall
}

// TestBandwidthCap: the publisher's link is capped at 300 kbit/s for 20 s,
// then freed (capCall).
func TestBandwidthCap(t *testing.T) {
	c := startCallWith(t, netsim.Link{}, func(a *engine.Engine) { noisySource(t, a, false) })
	capCall(t, c, c.link, time.Second)
}

// TestPlayerDownlinkCap: the player's link is capped at 300 kbit/s for 20 s,
// then freed, the publisher's left free (capCall). The server estimates the
// player's downlink and the publisher keeps under it (docs/media.md,
// Players' downlinks). The picture may stop for up to 2 s rather than 1:
// the publisher learns of the player's link from the server's estimate, a
// detection and a REMB later than of its own (measured on 2026-11-25: the
// longest stop 0.57–1.29 s at the onset in 13 runs, once 1.78 s later on;
// without the server's estimate, the whole 20 s).
func TestPlayerDownlinkCap(t *testing.T) {
	c := startCallWith(t, netsim.Link{}, func(a *engine.Engine) { noisySource(t, a, false) })
	capCall(t, c, c.down, 2*time.Second)
	// The server's /metrics counted the caps it sent (docs/server.md).
	m, err := metrics.Scrape(context.Background(), c.url)
	if err != nil {
		t.Fatal(err)
	}
	if m[metrics.DownlinkCaps] == 0 {
		t.Errorf("%s is 0 after the player's link was capped", metrics.DownlinkCaps)
	}
}

// capCall caps link at 300 kbit/s for 20 s, then frees it. The publisher's
// send rate follows the cap within 5 s (from then on it averages under the
// cap, and no second goes past half as much again: the estimator's sawtooth
// probes a little above). The picture never stops for more than maxStall,
// at the onset (while the estimate comes down through the losses) or after
// (docs/media.md, Congestion control). Within 10 s of the cap's end the
// rate climbs a quarter past its capped average.
func capCall(t *testing.T, c *call, link *netsim.Conn, maxStall time.Duration) {
	t.Helper()
	c.waitFrames(t)
	p := newRateProbe(c)
	time.Sleep(3 * time.Second)
	before, _ := p.window(2 * time.Second)
	t.Logf("free link: %.0f kbit/s sent", before)
	if before < 500 {
		t.Fatalf("only %.0f kbit/s sent on a free link; the cap would not bite", before)
	}

	const capKbps = 300
	link.Set(netsim.Link{RateBps: capKbps * 1000})
	var onset, worst time.Duration
	var sum float64
	for i := range 20 {
		kbps, stall := p.window(time.Second)
		if i < 2 {
			onset = max(onset, stall)
		} else {
			worst = max(worst, stall)
		}
		t.Logf("capped, second %2d: %4.0f kbit/s sent, longest frame wait %v", i+1, kbps, stall.Round(10*time.Millisecond))
		if i >= 5 {
			sum += kbps
			if kbps > capKbps*1.5 {
				t.Errorf("second %d of the cap: %.0f kbit/s sent, want the rate to follow the %d kbit/s cap within 5 s", i+1, kbps, capKbps)
			}
		}
	}
	avg := sum / 15
	if avg > capKbps {
		t.Errorf("%.0f kbit/s sent on average from 5 s into the cap, want at most %d", avg, capKbps)
	}
	if onset > maxStall {
		t.Errorf("the picture stopped for %v as the cap came, want at most %v", onset, maxStall)
	}
	if worst > maxStall {
		t.Errorf("the picture stopped for %v 2 s or more into the cap, want at most %v", worst, maxStall)
	}

	link.Set(netsim.Link{})
	climb := avg * 5 / 4
	for i := range 10 {
		kbps, _ := p.window(time.Second)
		t.Logf("freed, second %2d: %4.0f kbit/s sent", i+1, kbps)
		if kbps > climb {
			return
		}
	}
	t.Errorf("the rate did not climb past %.0f kbit/s (a quarter past its capped average) within 10 s of the cap's end", climb)
}

// TestPlayerDownlinkLoss: 5 % random loss and 50 ± 10 ms each way on the
// player's link, the publisher's free. The picture keeps 20 fps with at
// most one freeze in the minute's half measured, and the server does not
// take the loss for a narrow link: the publisher's rate stays within a
// fifth of what it sent before (docs/media.md, Players' downlinks).
func TestPlayerDownlinkLoss(t *testing.T) {
	c := startCallWith(t, netsim.Link{}, func(a *engine.Engine) { noisySource(t, a, false) })
	c.waitFrames(t)
	p := newRateProbe(c)
	time.Sleep(3 * time.Second)
	before, _ := p.window(2 * time.Second)
	c.down.Set(netsim.Link{Loss: 0.05, Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond})
	time.Sleep(5 * time.Second)
	p.window(time.Millisecond) // restart the rate's window
	fps, breaks, _ := c.measure(30 * time.Second)
	after, _ := p.window(time.Millisecond)
	t.Logf("player's link at 5%% loss, 50±10 ms: %.1f fps, %d freezes in 30 s; publisher sent %.0f kbit/s before, %.0f during",
		fps, breaks, before, after)
	if fps < 20 {
		t.Errorf("%.1f fps rendered, want at least 20", fps)
	}
	if breaks > 1 {
		t.Errorf("%d freezes in 30 s, want at most one", breaks)
	}
	if after < before*0.8 {
		t.Errorf("the publisher sent %.0f kbit/s under the player's random loss, %.0f before: the loss was taken for a narrow link", after, before)
	}
}
