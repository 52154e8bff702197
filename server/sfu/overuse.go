package sfu

import "math"

// The delay-based half of the downlink estimate: Google Congestion
// Control's trendline detector (draft-ietf-rmcat-gcc-02 and libwebrtc's
// TrendlineEstimator, as pion's gcc runs it on a publisher's uplink). A
// player's packets are grouped by send time into bursts; the growth of each
// group's one-way delay over the previous one is accumulated and smoothed,
// and the slope of that curve over the last groups, against a threshold
// that adapts to the link's own noise, says whether a queue is building
// (overuse), draining (underuse) or neither.
const (
	burstSpan      = 5_000_000 // ns: packets sent within 5 ms are one group
	trendWindow    = 20        // groups in the regression
	trendSmoothing = 0.9
	trendGain      = 4.0
	overuseTime    = 10.0 // ms the trend stays above the threshold before overuse
	thresholdInit  = 12.5
	thresholdUp    = 0.0087
	thresholdDown  = 0.039
	thresholdMin   = 6.0
	thresholdMax   = 600.0
	// receiveWindow is the µs of arrivals the received rate is measured
	// over: short, so that a decrease at a link's narrowing goes to what
	// gets through now rather than to a mean with the free link before
	// (a decrease comes with a standing queue, whose arrivals are spaced
	// by the link).
	receiveWindow = 200_000
	// baseSeconds is how long the least one-way delay is remembered: the
	// link's delay without a queue.
	baseSeconds = 3
)

// signal is what the detector last concluded.
type signal int

const (
	normal signal = iota
	overusing
	underusing
)

// overuse is one player's detector. Only its downlink's RTCP reader uses
// it.
type overuse struct {
	// the open group
	groupSent, groupFirst int64 // ns: the last and first send times in it
	groupArrival          int64 // µs: the last arrival in it
	open                  bool
	// the last closed group
	prevSent, prevArrival int64
	havePrev              bool

	firstArrival int64 // µs, of the first group: the regression's origin
	accumulated  float64
	smoothed     float64
	xs, ys       [trendWindow]float64
	n            int // groups in the window
	deltas       int // groups seen, for the gain

	threshold   float64
	lastAdapt   int64 // µs
	overTime    float64
	overCount   int
	prevTrend   float64
	signal      signal
	overuseSeen bool // an overuse since taken()

	// one-way delays (the two hosts' clocks' offset included), µs: the
	// least in each of the last baseSeconds seconds of arrivals, and the
	// latest, for the queue standing on the link
	owdMin  [baseSeconds]int64
	owdSec  int64 // the arrival second owdMin[owdSlot] is for
	owdSlot int
	owdLast int64

	// received packets' arrivals and sizes for the received rate
	recvAt    [512]int64
	recvSize  [512]int32
	recvHead  int
	recvN     int
	recvBytes int64
}

func newOveruse() *overuse { return &overuse{threshold: thresholdInit, overTime: -1} }

// add takes the acknowledgments of one feedback, in sequence order.
func (o *overuse) add(acks []ack) {
	for _, a := range acks {
		if a.lost {
			continue
		}
		o.received(a.arrival, a.size)
		o.oneWay(a.arrival, a.arrival-a.sent/1000)
		switch {
		case !o.open:
			o.groupFirst, o.groupSent, o.groupArrival, o.open = a.sent, a.sent, a.arrival, true
		case a.sent-o.groupFirst <= burstSpan && a.sent >= o.groupFirst:
			o.groupSent = max(o.groupSent, a.sent)
			o.groupArrival = max(o.groupArrival, a.arrival)
		default:
			o.closeGroup()
			o.groupFirst, o.groupSent, o.groupArrival = a.sent, a.sent, a.arrival
		}
	}
}

// closeGroup compares the open group with the previous one.
func (o *overuse) closeGroup() {
	sent, arrival := o.groupSent, o.groupArrival
	if !o.havePrev {
		o.prevSent, o.prevArrival, o.havePrev = sent, arrival, true
		o.firstArrival = arrival
		return
	}
	sendDelta := float64(sent-o.prevSent) / 1e6          // ms
	arrivalDelta := float64(arrival-o.prevArrival) / 1e3 // ms
	if arrivalDelta < 0 || sendDelta <= 0 {
		return // reordered; keep the previous group
	}
	o.prevSent, o.prevArrival = sent, arrival
	o.accumulated += arrivalDelta - sendDelta
	o.smoothed = trendSmoothing*o.smoothed + (1-trendSmoothing)*o.accumulated
	x := float64(arrival-o.firstArrival) / 1e3
	if o.n < trendWindow {
		o.xs[o.n], o.ys[o.n] = x, o.smoothed
		o.n++
	} else {
		copy(o.xs[:], o.xs[1:])
		copy(o.ys[:], o.ys[1:])
		o.xs[trendWindow-1], o.ys[trendWindow-1] = x, o.smoothed
	}
	o.deltas++
	if o.n < trendWindow {
		return
	}
	trend := slope(o.xs[:], o.ys[:]) * float64(min(o.deltas, 60)) * trendGain
	o.detect(trend, sendDelta, arrival)
}

// detect compares the trend with the threshold and adapts the threshold.
func (o *overuse) detect(trend, sendDelta float64, now int64) {
	switch {
	case trend > o.threshold:
		if o.overTime < 0 {
			o.overTime = sendDelta / 2
		} else {
			o.overTime += sendDelta
		}
		o.overCount++
		if o.overTime > overuseTime && o.overCount > 1 && trend >= o.prevTrend {
			o.overTime, o.overCount = 0, 0
			o.signal, o.overuseSeen = overusing, true
		}
	case trend < -o.threshold:
		o.overTime, o.overCount = -1, 0
		o.signal = underusing
	default:
		o.overTime, o.overCount = -1, 0
		o.signal = normal
	}
	o.prevTrend = trend
	// The threshold follows the trend's size, slowly up and faster down,
	// but not after a spike far above it.
	abs := math.Abs(trend)
	if o.lastAdapt == 0 {
		o.lastAdapt = now
	}
	if abs <= o.threshold+15 {
		k := thresholdUp
		if abs < o.threshold {
			k = thresholdDown
		}
		dt := math.Min(float64(now-o.lastAdapt)/1e3, 100)
		o.threshold = math.Min(math.Max(o.threshold+k*(abs-o.threshold)*dt, thresholdMin), thresholdMax)
	}
	o.lastAdapt = now
}

// oneWay notes a packet's one-way delay owd, arrived at at.
func (o *overuse) oneWay(at, owd int64) {
	sec := at / 1e6
	if o.owdSec == 0 {
		o.owdSec = sec
		for i := range o.owdMin {
			o.owdMin[i] = math.MaxInt64
		}
	}
	for n := 0; sec > o.owdSec && n < baseSeconds; n++ {
		o.owdSec++
		o.owdSlot = (o.owdSlot + 1) % baseSeconds
		o.owdMin[o.owdSlot] = math.MaxInt64
	}
	o.owdSec = max(o.owdSec, sec)
	o.owdMin[o.owdSlot] = min(o.owdMin[o.owdSlot], owd)
	o.owdLast = owd
}

// queueDelay is how much longer the latest packet took than the quickest
// of the last baseSeconds: the queue standing on the link, in µs.
func (o *overuse) queueDelay() int64 {
	base := int64(math.MaxInt64)
	for _, m := range o.owdMin {
		base = min(base, m)
	}
	if base == math.MaxInt64 {
		return 0
	}
	return o.owdLast - base
}

// received notes a packet's arrival for the received rate.
func (o *overuse) received(at int64, size int) {
	i := (o.recvHead + o.recvN) % len(o.recvAt)
	if o.recvN == len(o.recvAt) {
		o.recvBytes -= int64(o.recvSize[o.recvHead])
		o.recvHead = (o.recvHead + 1) % len(o.recvAt)
		o.recvN--
	}
	o.recvAt[i], o.recvSize[i] = at, int32(size)
	o.recvN++
	o.recvBytes += int64(size)
	for o.recvN > 1 && at-o.recvAt[o.recvHead] > receiveWindow {
		o.recvBytes -= int64(o.recvSize[o.recvHead])
		o.recvHead = (o.recvHead + 1) % len(o.recvAt)
		o.recvN--
	}
}

// receivedBps is the rate the player received at over its last
// receiveWindow of arrivals, in bits per second; 0 before there is one.
func (o *overuse) receivedBps() int {
	if o.recvN < 2 {
		return 0
	}
	last := o.recvAt[(o.recvHead+o.recvN-1)%len(o.recvAt)]
	span := max(last-o.recvAt[o.recvHead], receiveWindow/2)
	return int(float64(o.recvBytes-int64(o.recvSize[o.recvHead])) * 8 * 1e6 / float64(span))
}

// taken reports whether an overuse was seen since the last call, and the
// detector's current signal.
func (o *overuse) taken() (seen bool, s signal) {
	seen, o.overuseSeen = o.overuseSeen, false
	return seen, o.signal
}

// slope is the least-squares slope of ys over xs.
func slope(xs, ys []float64) float64 {
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return 0
	}
	return num / den
}
