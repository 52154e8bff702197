package network

import (
	"math"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/source"
)

// probe records, for the benchmark, every frame that lands in B's view
// (when, its sequence number, its glass-to-glass time read from the test
// pattern's code) and the bytes A has written to its link every 100 ms.
// The figures are worked out from the record afterwards.
type probe struct {
	c     *call
	mu    sync.Mutex
	shots []frameShot
	bytes []byteShot
	stop  chan struct{}
	wg    sync.WaitGroup
}

// frameShot is a new frame seen in the view.
type frameShot struct {
	at  time.Time // when it landed (the view's write time, ms resolution)
	seq uint64
	g2g float64 // ms from capture to landing; NaN when the code did not read
}

// byteShot is the link's byte count at a moment.
type byteShot struct {
	at   time.Time
	sent uint64
}

// newProbe starts recording; the test's cleanup stops it.
func newProbe(t *testing.T, c *call) *probe {
	p := &probe{c: c, stop: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	t.Cleanup(func() { close(p.stop); p.wg.Wait() })
	return p
}

// run polls the view every 5 ms, well inside a 30 fps frame interval.
func (p *probe) run() {
	defer p.wg.Done()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var seq uint64
	var lastBytes time.Time
	for {
		select {
		case <-p.stop:
			return
		case now := <-tick.C:
			if now.Sub(lastBytes) >= 100*time.Millisecond {
				lastBytes = now
				b := byteShot{at: now, sent: p.c.link.Sent()}
				p.mu.Lock()
				p.bytes = append(p.bytes, b)
				p.mu.Unlock()
			}
		}
		info, err := p.c.view.Acquire()
		if err != nil {
			continue
		}
		shot := frameShot{at: time.UnixMilli(info.WriteTimeMs), seq: info.Seq, g2g: math.NaN()}
		if info.Seq != seq {
			if _, capMs, ok := source.DecodePatternRGBA(p.c.pix, p.c.viewW, p.c.viewH, p.c.viewW*4); ok {
				shot.g2g = float64(info.WriteTimeMs - capMs)
			}
		}
		p.c.view.Release()
		if info.Seq != seq {
			seq = info.Seq
			p.mu.Lock()
			p.shots = append(p.shots, shot)
			p.mu.Unlock()
		}
	}
}

// record returns copies of what was recorded so far.
func (p *probe) record() ([]frameShot, []byteShot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]frameShot(nil), p.shots...), append([]byteShot(nil), p.bytes...)
}

// seqAt is the view's sequence number at t: the last frame landed by then.
func seqAt(shots []frameShot, t time.Time) uint64 {
	i := sort.Search(len(shots), func(i int) bool { return shots[i].at.After(t) })
	if i == 0 {
		return 0
	}
	return shots[i-1].seq
}

// fps is the rate frames landed over [from, to].
func fps(shots []frameShot, from, to time.Time) float64 {
	return float64(seqAt(shots, to)-seqAt(shots, from)) / to.Sub(from).Seconds()
}

// longestWait is the longest time within [from, to] without a new frame.
func longestWait(shots []frameShot, from, to time.Time) time.Duration {
	var worst time.Duration
	prev := from
	for _, s := range shots {
		if s.at.After(from) && !s.at.After(to) {
			worst = max(worst, s.at.Sub(prev))
			prev = s.at
		}
	}
	return max(worst, to.Sub(prev))
}

// g2g is the glass-to-glass p50 and p95 of the frames landed within
// [from, to] whose code read; NaN when none did.
func g2g(shots []frameShot, from, to time.Time) (p50, p95 float64) {
	var v []float64
	for _, s := range shots {
		if !s.at.Before(from) && !s.at.After(to) && !math.IsNaN(s.g2g) {
			v = append(v, s.g2g)
		}
	}
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(v)
	return v[len(v)*50/100], v[min(len(v)*95/100, len(v)-1)]
}

// sustained is how long after from the view starts a 1 s stretch holding
// at least n frames (n fps), or false if none starts before the record
// ends.
func sustained(shots []frameShot, from time.Time, n uint64) (time.Duration, bool) {
	for _, s := range shots {
		if s.at.Before(from) {
			continue
		}
		end := s.at.Add(time.Second)
		if end.After(shots[len(shots)-1].at) {
			break
		}
		if seqAt(shots, end)-s.seq+1 >= n {
			return s.at.Sub(from), true
		}
	}
	return 0, false
}

// firstFrame is how long after from the first new frame landed.
func firstFrame(shots []frameShot, from time.Time) (time.Duration, bool) {
	for _, s := range shots {
		if !s.at.Before(from) {
			return s.at.Sub(from), true
		}
	}
	return 0, false
}

// kbps is A's send rate over [from, to], between the byte counts nearest
// inside it.
func kbps(bytes []byteShot, from, to time.Time) float64 {
	var first, last *byteShot
	for i := range bytes {
		b := &bytes[i]
		if b.at.Before(from) || b.at.After(to) {
			continue
		}
		if first == nil {
			first = b
		}
		last = b
	}
	if first == nil || last == first {
		return math.NaN()
	}
	return float64(last.sent-first.sent) * 8 / 1000 / last.at.Sub(first.at).Seconds()
}

// rateAbove is how long after from A's send rate over a trailing second,
// wholly after from, first exceeds limit kbit/s, counted to the end of
// that second; false if it does not before the record ends.
func rateAbove(bytes []byteShot, from time.Time, limit float64) (time.Duration, bool) {
	for _, b := range bytes {
		if b.at.Before(from.Add(time.Second)) {
			continue
		}
		if kbps(bytes, b.at.Add(-time.Second), b.at) > limit {
			return b.at.Sub(from), true
		}
	}
	return 0, false
}
