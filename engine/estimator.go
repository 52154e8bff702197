package engine

import (
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/rtcp"

	"github.com/parley-rtc/parley/engine/bwe"
)

// estimator is pion's send-side bandwidth estimator under Parley's rule
// (engine/bwe; docs/media.md, Congestion control), paced (pacer.go), its
// target pushed back while the congestion window is full (cwnd.go) and
// capped by the server's estimate of the players' downlinks (remote).
type estimator struct {
	*gcc.SendSideBWE
	pacer  *pacer    // set to the target; nil without pacing
	flight *inflight // bytes in flight (cwnd.go); nil in tests
	cwnd   bool      // push the target back while the window is full

	mu       sync.Mutex
	rule     *bwe.Rule
	target   int
	pushed   int // the target, pushed back, as onChange last heard it
	remote   int // the server's cap (REMB), bits per second; 0 none
	remoteAt time.Time
	onChange func(int)

	kick chan struct{} // cap 1: update now
	done chan struct{}
	wg   sync.WaitGroup
}

// remoteFor is how long the server's cap holds after its last REMB: the
// server repeats it every remoteEvery (server/sfu/downlink.go).
const remoteFor = 2 * time.Second

// newEstimator starts an estimator at, and never above, maxBps; p (nil: no
// pacing) paces at its target; with cwnd, it pushes its target back while
// the congestion window is full (cwnd.go).
func newEstimator(maxBps int, p *pacer, cwnd bool) (*estimator, error) {
	var pp gcc.Pacer = gcc.NewNoOpPacer()
	if p != nil {
		pp = pacedByEstimator{p}
	}
	pion, err := gcc.NewSendSideBWE(gcc.SendSideBWEInitialBitrate(maxBps), gcc.SendSideBWEMinBitrate(bweMinBitrate),
		gcc.SendSideBWEMaxBitrate(maxBps), gcc.SendSideBWEPacer(pp))
	if err != nil {
		return nil, err
	}
	e := &estimator{SendSideBWE: pion, pacer: p, flight: newInflight(), cwnd: cwnd,
		rule: bwe.NewRule(bweMinBitrate, maxBps, time.Now()), target: maxBps, pushed: maxBps, kick: make(chan struct{}, 1), done: make(chan struct{})}
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
	tick := time.NewTicker(bwe.Tick)
	defer tick.Stop()
	for {
		select {
		case <-e.done:
			return
		case now := <-tick.C:
			e.update(now)
		case <-e.kick:
			e.update(time.Now())
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
		switch p := p.(type) {
		case *rtcp.TransportLayerCC:
			e.flight.feedback(p, time.Now())
			fed = true
		case *rtcp.ReceiverEstimatedMaximumBitrate:
			e.capAt(time.Now(), int(p.Bitrate))
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
	e.rule.Feedback(now)
	e.mu.Unlock()
}

// capAt records the server's estimate of its players' downlinks (a REMB),
// which caps the target until remoteFor after the last. A cap below the
// target applies at once (the estimator's goroutine updates now), a higher
// one from the next tick.
func (e *estimator) capAt(now time.Time, bps int) {
	e.mu.Lock()
	e.remote, e.remoteAt = bps, now
	lower := bps < e.target
	e.mu.Unlock()
	if lower {
		select {
		case e.kick <- struct{}{}:
		default:
		}
	}
}

// update folds in pion's latest figures and reports a new target.
func (e *estimator) update(now time.Time) {
	delay, loss, state := bwe.Stats(e.SendSideBWE.GetStats())
	e.apply(now, delay, loss, state)
}

// apply takes pion's delay-based target, its 200 ms average loss and its
// state at now (bwe.Rule.Apply), caps the target at the server's estimate
// and pushes it back while the congestion window is full.
func (e *estimator) apply(now time.Time, delay int, loss float64, state string) {
	e.mu.Lock()
	target := e.rule.Apply(now, delay, loss, state)
	if e.remote > 0 && now.Sub(e.remoteAt) < remoteFor {
		target = max(min(target, e.remote), bweMinBitrate)
	}
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
	e.rule.SetMax(max(bps, bweMinBitrate))
	e.mu.Unlock()
	if e.pacer != nil {
		e.pacer.setCeiling(max(bps, bweMinBitrate))
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
	st["targetBitrate"], st["lossCeiling"] = e.target, e.rule.Ceiling()
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
