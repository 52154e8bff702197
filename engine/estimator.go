package engine

import (
	"math"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/rtcp"
)

// estimator is pion's send-side bandwidth estimator with Parley's own rule
// for loss (docs/media.md, Congestion control). pion's delay-based part is
// kept as it is. Its loss-based part holds its rate while loss is between 2
// and 10 % and cuts it whenever a 200 ms average passes 10 %; on a link with
// a few percent of random loss — Wi-Fi, not congestion — those cuts come now
// and then and nothing ever raises the rate again, so it ratchets down to
// the floor. Here loss is averaged over a second, a second with more than
// 10 % cuts the ceiling once (by half the loss), and every second under 10 %
// raises it by a tenth: random loss leaves the rate to the delay-based part,
// and congestion that loses packets still brings it down. Clean seconds
// (under 2 %) in a row raise it faster, by 15, 20, 25 and then 30 %: near
// the rate that last lost packets the climb is gentle, and a link that
// widened again is back at full rate within seconds rather than half a
// minute (there is no probing). Heavy loss (over half in pion's 200 ms
// average: a link that just narrowed under the stream) cuts at once to what
// got through, at most every heavyCutEvery.
// The bar is that high because a 200 ms average holds few packets at low
// rates: under 20 % random loss it passes 25 % every few windows, and a
// lower bar ratcheted such a call down to the floor.
//
// pion's delay-based part also grows only additively — about a packet per
// round trip — near the rate that last congested the link, so a link that
// widens again is found only after tens of seconds. Here its decreases are
// followed, and while it is in its increase state the rate grows by
// rampPerSecond from wherever it is (or jumps to pion's figure if that is
// higher): the same sawtooth under a cap, a climb back within seconds once
// the cap is gone.
type estimator struct {
	*gcc.SendSideBWE
	pacer    *pacer    // set to the target; nil without pacing
	flight   *inflight // bytes in flight (cwnd.go); nil in tests
	cwnd     bool      // push the target back while the window is full
	min, max int       // bits per second

	mu       sync.Mutex
	ceiling  int // the loss rule's, bits per second
	delay    int // the delay rule's, bits per second
	updated  time.Time
	target   int
	pushed   int // the target, pushed back, as onChange last heard it
	lossSum  float64
	lossN    int
	windowAt time.Time
	clean    int       // clean loss windows in a row
	cutAt    time.Time // the last heavy-loss cut
	fedAt    time.Time // the last transport-wide feedback
	resumed  time.Time // when feedback came back after a gap
	onChange func(int)

	done chan struct{}
	wg   sync.WaitGroup
}

const (
	estimatorTick = 100 * time.Millisecond
	lossWindow    = time.Second
	lossCutAbove  = 0.10
	cleanBelow    = 0.02
	heavyLoss     = 0.5
	heavyCutEvery = 300 * time.Millisecond
	rampPerSecond = 0.15
	feedbackGap   = time.Second
	resumeGrace   = time.Second
)

// newEstimator starts an estimator at, and never above, maxBps; p (nil: no
// pacing) paces at its target; with cwnd, it pushes its target back while
// the congestion window is full (cwnd.go).
func newEstimator(maxBps int, p *pacer, cwnd bool) (*estimator, error) {
	var pp gcc.Pacer = gcc.NewNoOpPacer()
	if p != nil {
		pp = pacedByEstimator{p}
	}
	bwe, err := gcc.NewSendSideBWE(gcc.SendSideBWEInitialBitrate(maxBps), gcc.SendSideBWEMinBitrate(bweMinBitrate),
		gcc.SendSideBWEMaxBitrate(maxBps), gcc.SendSideBWEPacer(pp))
	if err != nil {
		return nil, err
	}
	now := time.Now()
	e := &estimator{SendSideBWE: bwe, pacer: p, flight: newInflight(), cwnd: cwnd, min: bweMinBitrate, max: maxBps, ceiling: maxBps,
		delay: maxBps, target: maxBps, pushed: maxBps, windowAt: now, updated: now, fedAt: now, done: make(chan struct{})}
	e.wg.Add(1)
	go e.run()
	return e, nil
}

// pacedByEstimator is the pacer as pion sees it: pion's own target, which
// its loss rule ratchets, is ignored; the estimator sets the pacer's.
type pacedByEstimator struct{ *pacer }

func (pacedByEstimator) SetTargetBitrate(int) {}

func (e *estimator) run() {
	defer e.wg.Done()
	tick := time.NewTicker(estimatorTick)
	defer tick.Stop()
	for {
		select {
		case <-e.done:
			return
		case now := <-tick.C:
			e.update(now)
		}
	}
}

// AddStream has pion's estimator (and pacer) send the stream's packets,
// recording them for the congestion window as they leave.
func (e *estimator) AddStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	return e.SendSideBWE.AddStream(info, e.flight.writer(info, w))
}

// WriteRTCP notes when transport-wide feedback arrives and hands the
// packets to pion's estimator.
func (e *estimator) WriteRTCP(pkts []rtcp.Packet, attrs interceptor.Attributes) error {
	fed := false
	for _, p := range pkts {
		if fb, ok := p.(*rtcp.TransportLayerCC); ok {
			e.flight.feedback(fb, time.Now())
			fed = true
		}
	}
	if fed {
		e.feedback(time.Now())
	}
	return e.SendSideBWE.WriteRTCP(pkts, attrs)
}

// feedback records transport-wide feedback arriving at now.
func (e *estimator) feedback(now time.Time) {
	e.mu.Lock()
	if now.Sub(e.fedAt) > feedbackGap {
		e.resumed = now
	}
	e.fedAt = now
	e.mu.Unlock()
}

// update folds in pion's latest figures and reports a new target.
func (e *estimator) update(now time.Time) {
	st := e.SendSideBWE.GetStats()
	delay, _ := st["delayTargetBitrate"].(int)
	loss, _ := st["averageLoss"].(float64)
	state, _ := st["state"].(string)
	e.apply(now, delay, loss, state)
}

// apply takes pion's delay-based target, its 200 ms average loss and its
// state ("increase", "decrease", "hold") at now.
func (e *estimator) apply(now time.Time, delay int, loss float64, state string) {
	e.mu.Lock()
	grace := now.Sub(e.resumed) < resumeGrace
	if grace {
		loss = 0 // the outage's packets
	}
	if delay > 0 {
		switch state {
		case "decrease":
			if !grace { // the outage's gap in the arrival times
				e.delay = delay
			}
		case "increase":
			ramped := float64(e.delay) * math.Pow(1+rampPerSecond, now.Sub(e.updated).Seconds())
			e.delay = max(delay, int(ramped))
		}
	}
	e.updated = now
	e.lossSum += loss
	e.lossN++
	if loss > heavyLoss && now.Sub(e.cutAt) >= heavyCutEvery {
		e.ceiling = max(int(float64(e.target)*(1-loss)), e.min)
		e.cutAt = now
	}
	if now.Sub(e.windowAt) >= lossWindow {
		mean := e.lossSum / float64(e.lossN)
		switch {
		case mean > lossCutAbove:
			e.ceiling = min(e.ceiling, int(float64(e.target)*(1-mean/2))) // a heavy cut stands
			e.clean = 0
		case mean < cleanBelow:
			e.clean++
			e.ceiling = int(float64(e.ceiling) * (1 + min(0.05+0.05*float64(e.clean), 0.30)))
		default:
			e.clean = 0
			e.ceiling += e.ceiling / 10
		}
		e.ceiling = min(max(e.ceiling, e.min), e.max)
		e.lossSum, e.lossN, e.windowAt = 0, 0, now
	}
	e.delay = min(max(e.delay, e.min), e.max)
	target := min(max(min(e.delay, e.ceiling), e.min), e.max)
	changed := target != e.target
	e.target = target
	pushed := target
	if e.flight != nil && e.cwnd {
		pushed = int(float64(target) * e.flight.pushback(target))
	}
	push := pushed != e.pushed
	e.pushed = pushed
	f := e.onChange
	e.mu.Unlock()
	if changed && e.pacer != nil {
		e.pacer.SetTargetBitrate(target)
	}
	if push && f != nil {
		f(pushed)
	}
}

// retransmitBps is the rate of retransmissions the pacer sent over the
// last second (0 without a pacer).
func (e *estimator) retransmitBps() int64 {
	if e.pacer == nil {
		return 0
	}
	return int64(e.pacer.resentBps())
}

// setMax changes the most the estimate asks for (the configured bitrate
// changed). pion's own estimator keeps the maximum it was made with; above
// it, the rate grows by the estimator's climb alone.
func (e *estimator) setMax(bps int) {
	e.mu.Lock()
	e.max = max(bps, e.min)
	e.ceiling = min(e.ceiling, e.max)
	e.mu.Unlock()
	if e.pacer != nil {
		e.pacer.setCeiling(e.max)
	}
}

// GetTargetBitrate is the estimate pushed back while the congestion window
// is full, in bits per second. pion's NACK responder keeps retransmissions
// within it: when a link has just narrowed, most of what it lost belongs to
// frames the player has given up on by the time a retransmission gets
// through the standing queue, and resending all of it only keeps the
// queue standing.
func (e *estimator) GetTargetBitrate() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.pushed
}

// OnTargetBitrateChange sets what hears of a new estimate, in order, on the
// estimator's goroutine: the estimate pushed back while the congestion
// window is full (cwnd.go), which is the media encoders' to share.
func (e *estimator) OnTargetBitrateChange(f func(int)) {
	e.mu.Lock()
	e.onChange = f
	e.mu.Unlock()
}

// GetStats adds the estimator's own figures to pion's.
func (e *estimator) GetStats() map[string]any {
	st := e.SendSideBWE.GetStats()
	e.mu.Lock()
	st["targetBitrate"], st["lossCeiling"] = e.target, e.ceiling
	e.mu.Unlock()
	return st
}

// Close stops the estimator and pion's.
func (e *estimator) Close() error {
	select {
	case <-e.done:
	default:
		close(e.done)
	}
	e.wg.Wait()
	return e.SendSideBWE.Close()
}
