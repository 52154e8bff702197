package engine

import (
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
)

// Congestion window pushback (docs/media.md, Congestion control), after
// libwebrtc's: the publisher counts the bytes it sent that transport-wide
// feedback has not yet accounted for. More than a window of them — the
// estimate over the shortest round trip plus cwndQueue — means a queue is
// standing in the network: the estimate came down too late, or is too high
// for a link whose queue is deep. The delay-based estimator sees a queue
// grow, not one that stands, and while it stands each retransmission waits
// behind it and comes too late for the player. So the video encoder's
// share is pushed back below the estimate until the queue drains.
const (
	// cwndQueue is the queueing a window allows above the shortest round
	// trip: transport-wide feedback comes every 100 ms, so a window's worth
	// of data in flight means about 150 ms queued.
	cwndQueue = 250 * time.Millisecond
	// flightRing bounds the packets tracked (several seconds at any rate a
	// call sends): older ones count as delivered.
	flightRing = 4096
	// rttSamples is how many feedback round trips the shortest is taken
	// over: about 3 s of feedback.
	rttSamples = 32
)

type sentPacket struct {
	ext  int64 // unwrapped transport-wide sequence number
	size int
	at   time.Time
}

// inflight tracks the bytes sent and not yet reported on by feedback, and
// the pushback ratio that follows from them.
type inflight struct {
	mu    sync.Mutex
	ring  [flightRing]sentPacket
	last  int64 // the highest sequence number sent, unwrapped; -1 none
	acked int64 // feedback accounted for every packet up to here
	bytes int   // in flight
	rtts  [rttSamples]time.Duration
	nRTT  int
	ratio float64
}

func newInflight() *inflight { return &inflight{last: -1, acked: -1, ratio: 1} }

// unwrap extends a 16-bit sequence number near the highest sent.
func (f *inflight) unwrap(seq uint16) int64 {
	if f.last < 0 {
		return int64(seq)
	}
	return f.last + int64(int16(seq-uint16(f.last)))
}

// sent records a packet leaving with transport-wide sequence number seq.
func (f *inflight) sent(seq uint16, size int, now time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ext := f.unwrap(seq)
	if ext <= f.last {
		return // not a new packet
	}
	if f.last < 0 {
		f.acked = ext - 1
	}
	f.last = ext
	f.ackTo(ext-flightRing, time.Time{}) // the oldest leave the ring
	f.ring[ext%flightRing] = sentPacket{ext: ext, size: size, at: now}
	f.bytes += size
}

// feedback takes a transport-wide feedback packet arriving at now: every
// packet up to the last it reports on has arrived or is lost.
func (f *inflight) feedback(fb *rtcp.TransportLayerCC, now time.Time) {
	if fb.PacketStatusCount == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last < 0 {
		return
	}
	end := f.unwrap(fb.BaseSequenceNumber + fb.PacketStatusCount - 1)
	f.ackTo(min(end, f.last), now)
}

// ackTo counts every packet up to end as no longer in flight; with a time,
// the last one's round trip is a sample.
func (f *inflight) ackTo(end int64, now time.Time) {
	if end <= f.acked {
		return
	}
	for e := max(f.acked+1, end-flightRing+1); e <= end; e++ {
		if p := &f.ring[e%flightRing]; p.ext == e {
			f.bytes -= p.size
			if e == end && !now.IsZero() {
				f.rtts[f.nRTT%rttSamples] = now.Sub(p.at)
				f.nRTT++
			}
			p.ext = -1
		}
	}
	f.acked = end
}

// minRTT is the shortest of the recent feedback round trips; ok is false
// before the first.
func (f *inflight) minRTT() (rtt time.Duration, ok bool) {
	n := min(f.nRTT, rttSamples)
	for i := range n {
		if i == 0 || f.rtts[i] < rtt {
			rtt = f.rtts[i]
		}
	}
	return rtt, n > 0
}

// pushback updates and returns the share of targetBps the video encoder
// may use, once per estimator tick: down by 10 % a tick while more than
// one and a half windows are in flight, by 5 % over one window, back up by
// 5 % a tick under it, and at once to all of it when the network is nearly
// empty.
func (f *inflight) pushback(targetBps int) float64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	rtt, ok := f.minRTT()
	if !ok { // no feedback on a tracked packet yet
		return 1
	}
	window := float64(targetBps) / 8 * (rtt + cwndQueue).Seconds()
	fill := float64(f.bytes) / window
	switch {
	case fill > 1.5:
		f.ratio *= 0.9
	case fill > 1:
		f.ratio *= 0.95
	case fill < 0.1:
		f.ratio = 1
	default:
		f.ratio = min(f.ratio*1.05, 1)
	}
	f.ratio = max(f.ratio, 0.1)
	return f.ratio
}

// writer wraps the writer of a stream's packets as they leave (after
// pacing) to record them; streams without the transport-wide sequence
// number extension are not tracked.
func (f *inflight) writer(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	id := 0
	for _, ext := range info.RTPHeaderExtensions {
		if ext.URI == sdp.TransportCCURI {
			id = ext.ID
		}
	}
	if id == 0 {
		return w
	}
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		if b := h.GetExtension(uint8(id)); len(b) >= 2 {
			f.sent(uint16(b[0])<<8|uint16(b[1]), h.MarshalSize()+len(payload), time.Now())
		}
		return w.Write(h, payload, a)
	})
}
