package network

import (
	"math"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/internal/netsim"
)

// figures is what one benchmark call measured over its impaired window.
// NaN means the figure does not apply (printed "—"); +Inf that it was not
// reached within the scenario's limit.
type figures struct {
	fps     float64 // frames rendered per second
	freezes float64 // VIDEO_BREAK_OCCUR events per minute
	g2g50   float64 // glass-to-glass p50, ms
	g2g95   float64 // glass-to-glass p95, ms
	wait    float64 // longest time without a new frame, s
	kbps    float64 // A's send rate, kbit/s
	// audio: the share of 100 ms windows holding the tone or, in a
	// melody call (the benchmark's), of 20 ms windows holding the right
	// note (notes_test.go)
	audio       float64
	recovery    float64 // s; what it measures depends on the scenario
	fullRate    float64 // s to 90 % of the free link's rate (cap only)
	freeKbps    float64 // A's send rate on the free link (cap only)
	decodedCode float64 // share of frames whose code read (g2g's sample)
}

// mark is a moment of a call, for counting B's freezes and audio windows
// between two of them.
type mark struct {
	at     time.Time
	breaks int
	audio  int
}

func (c *call) mark() mark {
	c.mu.Lock()
	n := len(c.audio)
	c.mu.Unlock()
	return mark{at: time.Now(), breaks: c.count(videoBreak), audio: n}
}

// window measures [m0, m1] from the call's marks and the probe's record.
func (c *call) window(p *probe, m0, m1 mark) figures {
	shots, bytes := p.record()
	f := figures{
		fps:      fps(shots, m0.at, m1.at),
		freezes:  float64(m1.breaks-m0.breaks) / m1.at.Sub(m0.at).Minutes(),
		wait:     longestWait(shots, m0.at, m1.at).Seconds(),
		kbps:     kbps(bytes, m0.at, m1.at),
		audio:    c.toneShare(m0.audio, m1.audio),
		recovery: math.NaN(), fullRate: math.NaN(), freeKbps: math.NaN(),
	}
	if !c.melodyStart.IsZero() {
		f.audio = c.notesRight(m0.at, m1.at)
	}
	f.g2g50, f.g2g95 = g2g(shots, m0.at, m1.at)
	read, all := 0, 0
	for _, s := range shots {
		if !s.at.Before(m0.at) && !s.at.After(m1.at) {
			all++
			if !math.IsNaN(s.g2g) {
				read++
			}
		}
	}
	if all > 0 {
		f.decodedCode = float64(read) / float64(all)
	}
	return f
}

// watch polls the probe's record until done says the figure it waits for
// is in, or limit has passed since from (plus the second a trailing window
// needs).
func watch(p *probe, from time.Time, limit time.Duration, done func([]frameShot, []byteShot) bool) {
	for time.Since(from) < limit+time.Second {
		if done(p.record()) {
			return
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// seconds is d in seconds, or +Inf when it was not reached within limit.
func seconds(d time.Duration, ok bool, limit time.Duration) float64 {
	if !ok || d > limit {
		return math.Inf(1)
	}
	return d.Seconds()
}

// benchLoss: 5 % loss and 50 ± 10 ms each way, measured over 20 s.
func benchLoss(t *testing.T, o callOpts) figures {
	c := startCallOpts(t, netsim.Link{Loss: 0.05, Delay: 50 * time.Millisecond, Jitter: 10 * time.Millisecond}, o)
	p := newProbe(t, c)
	c.waitFrames(t)
	time.Sleep(2 * time.Second) // past the start
	m0 := c.mark()
	time.Sleep(20 * time.Second)
	return c.window(p, m0, c.mark())
}

// recoveryLimit is how long after an impairment ends the benchmark waits
// for the picture to recover.
const recoveryLimit = 15 * time.Second

// benchHeavyLoss: 20 % loss for 8 s, measured over those 8 s; recovery is
// the time from the loss's end until B renders at least 25 fps over a
// second.
func benchHeavyLoss(t *testing.T, o callOpts) figures {
	c := startCallOpts(t, netsim.Link{}, o)
	p := newProbe(t, c)
	c.waitFrames(t)
	time.Sleep(2 * time.Second)
	c.link.Set(netsim.Link{Loss: 0.20})
	m0 := c.mark()
	time.Sleep(8 * time.Second)
	c.link.Set(netsim.Link{})
	m1 := c.mark()
	var d time.Duration
	var ok bool
	watch(p, m1.at, recoveryLimit, func(shots []frameShot, _ []byteShot) bool {
		d, ok = sustained(shots, m1.at, 25)
		return ok
	})
	f := c.window(p, m0, m1)
	f.recovery = seconds(d, ok, recoveryLimit)
	return f
}

// Cap scenario: the link's cap, the rate that shows it no longer holds
// the stream back (a fifth above it), and how long the benchmark waits for
// the free link's rate to come back.
const (
	benchCapKbps   = 300
	benchClimbKbps = 360
	fullRateLimit  = 30 * time.Second
)

// benchCap: the noisy source, stamped with the pattern's code; 5 s of free
// link, then 300 kbit/s for 20 s, measured over those 20 s (the send rate
// over the last 15 of them); recovery is the time from the lift until the
// rate over a second exceeds 360 kbit/s, fullRate until it is back to 90 %
// of the free link's.
func benchCap(t *testing.T, o callOpts) figures { return benchCapOn(t, o, false) }

// benchDownCap is benchCap with the player's link capped, the publisher's
// free (docs/media.md, Players' downlinks).
func benchDownCap(t *testing.T, o callOpts) figures { return benchCapOn(t, o, true) }

// benchCapOn caps the publisher's link, or with down the player's.
func benchCapOn(t *testing.T, o callOpts, down bool) figures {
	o.setup = func(a *engine.Engine) { noisySource(t, a, true) }
	c := startCallOpts(t, netsim.Link{}, o)
	link := c.link
	if down {
		link = c.down
	}
	p := newProbe(t, c)
	c.waitFrames(t)
	time.Sleep(3 * time.Second)
	free0 := time.Now()
	time.Sleep(5 * time.Second)
	_, bytes := p.record()
	free := kbps(bytes, free0, time.Now())

	link.Set(netsim.Link{RateBps: benchCapKbps * 1000})
	m0 := c.mark()
	time.Sleep(20 * time.Second)
	link.Set(netsim.Link{})
	m1 := c.mark()
	var climb, full time.Duration
	var climbed, back bool
	watch(p, m1.at, fullRateLimit, func(_ []frameShot, bytes []byteShot) bool {
		if !climbed {
			climb, climbed = rateAbove(bytes, m1.at, benchClimbKbps)
		}
		full, back = rateAbove(bytes, m1.at, 0.9*free)
		return climbed && back
	})
	f := c.window(p, m0, m1)
	_, bytes = p.record()
	f.kbps = kbps(bytes, m0.at.Add(5*time.Second), m1.at)
	f.recovery = seconds(climb, climbed, fullRateLimit)
	f.fullRate = seconds(full, back, fullRateLimit)
	f.freeKbps = free
	return f
}

// benchOutage: the link is down for 5 s, then measured over the 10 s
// after it returns; recovery is the time to the first new frame.
func benchOutage(t *testing.T, o callOpts) figures {
	c := startCallOpts(t, netsim.Link{}, o)
	p := newProbe(t, c)
	c.waitFrames(t)
	time.Sleep(2 * time.Second)
	c.link.Set(netsim.Link{Down: true})
	time.Sleep(5 * time.Second)
	c.link.Set(netsim.Link{})
	m0 := c.mark()
	time.Sleep(10 * time.Second)
	m1 := c.mark()
	f := c.window(p, m0, m1)
	shots, _ := p.record()
	d, ok := firstFrame(shots, m0.at)
	f.recovery = seconds(d, ok, 10*time.Second)
	return f
}
