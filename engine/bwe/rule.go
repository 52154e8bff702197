// Package bwe is Parley's rule over pion's send-side bandwidth estimate
// (pion/interceptor's gcc): the target a sender keeps to, from pion's
// delay-based figure and its loss, with Parley's own handling of loss
// (docs/media.md, Congestion control). Publishers' engines run it on their
// uplink; the server runs it on each player's downlink.
//
// pion's delay-based part is kept as it is. Its loss-based part holds its
// rate while loss is between 2 and 10 % and cuts it whenever a 200 ms
// average passes 10 %; on a link with a few percent of random loss — Wi-Fi,
// not congestion — those cuts come now and then and nothing ever raises the
// rate again, so it ratchets down to the floor. Here loss is averaged over a
// second, a second with more than 10 % cuts the ceiling once (by half the
// loss), and every second under 10 % raises it by a tenth: random loss
// leaves the rate to the delay-based part, and congestion that loses packets
// still brings it down. Clean seconds (under 2 %) in a row raise it faster,
// by 15, 20, 25 and then 30 %: near the rate that last lost packets the
// climb is gentle, and a link that widened again is back at full rate within
// seconds rather than half a minute (there is no probing). Heavy loss (over
// half in pion's 200 ms average: a link that just narrowed under the stream)
// cuts at once to what got through, at most every heavyCutEvery. The bar is
// that high because a 200 ms average holds few packets at low rates: under
// 20 % random loss it passes 25 % every few windows, and a lower bar
// ratcheted such a call down to the floor.
//
// pion's delay-based part also grows only additively — about a packet per
// round trip — near the rate that last congested the link, so a link that
// widens again is found only after tens of seconds. Here its decreases are
// followed, and while it is in its increase state the rate grows by
// rampPerSecond from wherever it is (or jumps to pion's figure if that is
// higher): the same sawtooth under a cap, a climb back within seconds once
// the cap is gone.
//
// Feedback that comes back after a gap (an outage) reports the outage's
// packets lost and its gap as delay: for a grace second neither counts.
package bwe

import (
	"math"
	"time"
)

const (
	// Tick is how often a sender applies the rule to pion's latest figures.
	Tick = 100 * time.Millisecond
	// MinBitrate is the lowest target, in bits per second: a call's audio
	// plus a trickle of video.
	MinBitrate = 150_000
)

const (
	lossWindow    = time.Second
	lossCutAbove  = 0.10
	cleanBelow    = 0.02
	heavyLoss     = 0.5
	heavyCutEvery = 300 * time.Millisecond
	rampPerSecond = 0.15
	feedbackGap   = time.Second
	resumeGrace   = time.Second
)

// Rule is one sender's target. It is not safe for concurrent use.
type Rule struct {
	min, max int // bits per second
	ceiling  int // the loss rule's, bits per second
	delay    int // the delay rule's, bits per second
	target   int
	updated  time.Time
	lossSum  float64
	lossN    int
	windowAt time.Time
	clean    int       // clean loss windows in a row
	cutAt    time.Time // the last heavy-loss cut
	fedAt    time.Time // the last transport-wide feedback
	resumed  time.Time // when feedback came back after a gap
}

// NewRule starts a rule at, and never above, maxBps, never below minBps,
// as of now.
func NewRule(minBps, maxBps int, now time.Time) *Rule {
	maxBps = max(maxBps, minBps)
	return &Rule{min: minBps, max: maxBps, ceiling: maxBps, delay: maxBps, target: maxBps,
		updated: now, windowAt: now, fedAt: now}
}

// Target is the rule's latest target, in bits per second.
func (r *Rule) Target() int { return r.target }

// Ceiling is the loss rule's part of it.
func (r *Rule) Ceiling() int { return r.ceiling }

// Feedback records transport-wide feedback arriving at now.
func (r *Rule) Feedback(now time.Time) {
	if now.Sub(r.fedAt) > feedbackGap {
		r.resumed = now
	}
	r.fedAt = now
}

// SetMax changes the most the target may be (a sender's configured
// bitrate changed); a lower maximum caps the target at the next Apply.
func (r *Rule) SetMax(bps int) {
	r.max = max(bps, r.min)
	r.ceiling = min(r.ceiling, r.max)
}

// Follow moves the maximum to bps like SetMax, for a sender whose rate is
// not its own to choose (a server forwarding a stream): its maximum follows
// what the stream sends. A rule at its maximum has shown no narrower link
// below it, so it goes up with a higher maximum at once.
func (r *Rule) Follow(bps int) {
	bps = max(bps, r.min)
	if r.target >= r.max && bps > r.max {
		r.delay, r.ceiling, r.target = bps, bps, bps
	}
	r.SetMax(bps)
	r.target = min(r.target, r.max)
}

// Stats reads what Apply takes from pion's estimator's GetStats.
func Stats(st map[string]any) (delay int, loss float64, state string) {
	delay, _ = st["delayTargetBitrate"].(int)
	loss, _ = st["averageLoss"].(float64)
	state, _ = st["state"].(string)
	return delay, loss, state
}

// Apply takes pion's delay-based target, its 200 ms average loss and its
// state ("increase", "decrease", "hold") at now, and returns the target.
func (r *Rule) Apply(now time.Time, delay int, loss float64, state string) int {
	grace := now.Sub(r.resumed) < resumeGrace
	if grace {
		loss = 0 // the outage's packets
	}
	if delay > 0 {
		switch state {
		case "decrease":
			if !grace { // the outage's gap in the arrival times
				r.delay = delay
			}
		case "increase":
			ramped := float64(r.delay) * math.Pow(1+rampPerSecond, now.Sub(r.updated).Seconds())
			r.delay = max(delay, int(ramped))
		}
	}
	r.updated = now
	r.lossSum += loss
	r.lossN++
	if loss > heavyLoss && now.Sub(r.cutAt) >= heavyCutEvery {
		r.ceiling = max(int(float64(r.target)*(1-loss)), r.min)
		r.cutAt = now
	}
	if now.Sub(r.windowAt) >= lossWindow {
		mean := r.lossSum / float64(r.lossN)
		switch {
		case mean > lossCutAbove:
			r.ceiling = min(r.ceiling, int(float64(r.target)*(1-mean/2))) // a heavy cut stands
			r.clean = 0
		case mean < cleanBelow:
			r.clean++
			r.ceiling = int(float64(r.ceiling) * (1 + min(0.05+0.05*float64(r.clean), 0.30)))
		default:
			r.clean = 0
			r.ceiling += r.ceiling / 10
		}
		r.ceiling = min(max(r.ceiling, r.min), r.max)
		r.lossSum, r.lossN, r.windowAt = 0, 0, now
	}
	r.delay = min(max(r.delay, r.min), r.max)
	r.target = min(max(min(r.delay, r.ceiling), r.min), r.max)
	return r.target
}
