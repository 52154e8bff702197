package engine

import (
	"errors"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// pacer spreads a publisher's video packets over time instead of sending a
// frame's packets back to back (docs/media.md, Congestion control). A
// narrow link's queue is often shallow — a 300 kbit/s link with 50 ms of
// buffer holds two packets — and a burst overflows it: the keyframe that
// was to repair a loss is itself lost. It implements pion's gcc.Pacer: the
// estimator sets its rate.
//
// Video goes out at pacingFactor × the estimate, faster while a backlog
// would otherwise wait more than maxQueueDelay, and unpaced while the
// estimate is at its ceiling (no sign of a narrow link: pacing would only
// add latency). Audio, small and steady, is never held back.
//
// Retransmissions go out before new video: a player holds an incomplete
// frame only a few frames long, and a retransmission queued behind a
// backlog of new frames arrives after it gave up. A retransmission stays
// pending with pion's NACK responder until it has left, so the NACKs a
// player repeats every 20 ms meanwhile do not queue copies of it.
type pacer struct {
	mu      sync.Mutex
	writers map[uint32]interceptor.RTPWriter
	resends []pacedPacket // retransmissions, sent first
	resent  rateMeter     // retransmissions sent
	queue   []pacedPacket
	bytes   int     // queued
	target  int     // the estimate, bits per second
	ceiling int     // the estimate's maximum
	credit  float64 // bytes that may go out now
	last    time.Time
	closed  bool

	wake chan struct{}
	done chan struct{}
	wg   sync.WaitGroup
}

type pacedPacket struct {
	hdr     rtp.Header
	payload []byte
	attr    interceptor.Attributes
	resend  resendTracker // a retransmission's, or nil
}

// resendTracker is what pion's NACK responder attaches to a
// retransmission's attributes: the packet is pending (not sent again for
// another NACK) until its last holder releases it, saying whether it was
// sent. The key it is stored under is internal to pion, so the pacer finds
// it by its methods.
type resendTracker interface {
	Retain()
	Release(sent bool)
}

func findResend(attr interceptor.Attributes) resendTracker {
	for _, v := range attr {
		if r, ok := v.(resendTracker); ok {
			return r
		}
	}
	return nil
}

const (
	pacingFactor  = 1.25
	maxQueueDelay = 250 * time.Millisecond
	// maxBurst is the credit a pacer may save up: two full packets.
	maxBurst = 2 * rtpMTU
)

// errPacerClosed is what a write to a closed pacer returns.
var errPacerClosed = errors.New("engine: the publisher's pacer is closed")

func newPacer(ceiling int) *pacer {
	p := &pacer{writers: map[uint32]interceptor.RTPWriter{}, target: ceiling, ceiling: ceiling,
		wake: make(chan struct{}, 1), done: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

// AddStream names the writer for a stream's packets.
func (p *pacer) AddStream(ssrc uint32, w interceptor.RTPWriter) {
	p.mu.Lock()
	p.writers[ssrc] = w
	p.mu.Unlock()
}

// setCeiling changes the estimate's maximum, at which nothing is paced.
func (p *pacer) setCeiling(bps int) {
	p.mu.Lock()
	p.ceiling = bps
	p.mu.Unlock()
}

// SetTargetBitrate takes the estimator's new target.
func (p *pacer) SetTargetBitrate(bps int) {
	p.mu.Lock()
	p.target = bps
	p.mu.Unlock()
}

// Write sends audio at once and queues video (a copy: the caller reuses
// its buffers).
func (p *pacer) Write(hdr *rtp.Header, payload []byte, attr interceptor.Attributes) (int, error) {
	n := hdr.MarshalSize() + len(payload)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return 0, errPacerClosed
	}
	w := p.writers[hdr.SSRC]
	var resend resendTracker
	if !isAudioPT(hdr.PayloadType) {
		resend = findResend(attr)
	}
	if isAudioPT(hdr.PayloadType) || p.target >= p.ceiling*95/100 && len(p.queue) == 0 && len(p.resends) == 0 {
		if resend != nil {
			p.resent.add(time.Now(), n)
		}
		p.mu.Unlock()
		if w == nil {
			return 0, errPacerClosed
		}
		return w.Write(hdr, payload, attr)
	}
	pkt := pacedPacket{hdr: hdr.Clone(), payload: append([]byte(nil), payload...), attr: attr, resend: resend}
	if pkt.resend != nil {
		pkt.resend.Retain()
		p.resends = append(p.resends, pkt)
	} else {
		p.queue = append(p.queue, pkt)
	}
	p.bytes += n
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return n, nil
}

// run sends queued packets as credit allows.
func (p *pacer) run() {
	defer p.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		pkt, w, wait := p.next(time.Now())
		if w != nil {
			_, err := w.Write(&pkt.hdr, pkt.payload, pkt.attr)
			if pkt.resend != nil {
				pkt.resend.Release(err == nil)
				p.countResent(pkt.hdr.MarshalSize() + len(pkt.payload))
			}
			continue
		}
		if wait > 0 {
			timer.Reset(wait)
		}
		select {
		case <-p.done:
			return
		case <-p.wake:
		case <-timer.C:
		}
	}
}

// next takes the packet that may go out now, or says how long to wait for
// credit (0: until something is queued).
func (p *pacer) next(now time.Time) (pacedPacket, interceptor.RTPWriter, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := pacingFactor * float64(p.target) / 8 // bytes per second
	rate = max(rate, float64(p.bytes)/maxQueueDelay.Seconds())
	if !p.last.IsZero() {
		p.credit = min(p.credit+rate*now.Sub(p.last).Seconds(), maxBurst)
	}
	p.last = now
	q := &p.resends
	if len(*q) == 0 {
		q = &p.queue
	}
	if len(*q) == 0 {
		return pacedPacket{}, nil, 0
	}
	if p.credit < 0 {
		return pacedPacket{}, nil, max(time.Duration(-p.credit/rate*float64(time.Second)), time.Millisecond)
	}
	pkt := (*q)[0]
	(*q)[0] = pacedPacket{}
	*q = (*q)[1:]
	n := pkt.hdr.MarshalSize() + len(pkt.payload)
	p.bytes -= n
	p.credit -= float64(n)
	w := p.writers[pkt.hdr.SSRC]
	if w == nil { // its stream is gone: dropped
		if pkt.resend != nil {
			pkt.resend.Release(false)
		}
		return pacedPacket{}, nil, time.Millisecond
	}
	return pkt, w, 0
}

func (p *pacer) countResent(n int) {
	p.mu.Lock()
	p.resent.add(time.Now(), n)
	p.mu.Unlock()
}

// resentBps is the rate of retransmissions over the last second, which
// the video encoder leaves room for: with them on top of an encoder at the
// whole estimate, a narrow link stays overfull and loses more.
func (p *pacer) resentBps() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resent.bps(time.Now())
}

// Close stops the pacer; queued packets are dropped.
func (p *pacer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	for _, pkt := range p.resends {
		pkt.resend.Release(false)
	}
	p.queue, p.resends = nil, nil
	p.mu.Unlock()
	close(p.done)
	p.wg.Wait()
	return nil
}

// rateMeter sums bytes over the last second in ten 100 ms buckets.
type rateMeter struct {
	bytes [10]int
	slot  [10]int64 // which 100 ms since the epoch each bucket holds
}

func (m *rateMeter) add(now time.Time, n int) {
	t := now.UnixMilli() / 100
	i := t % int64(len(m.bytes))
	if m.slot[i] != t {
		m.slot[i], m.bytes[i] = t, 0
	}
	m.bytes[i] += n
}

// bps is the rate over the last second, in bits per second.
func (m *rateMeter) bps(now time.Time) int {
	t, sum := now.UnixMilli()/100, 0
	for i, b := range m.bytes {
		if t-m.slot[i] < int64(len(m.bytes)) {
			sum += b
		}
	}
	return sum * 8
}
