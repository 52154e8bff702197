package sfu

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// Stats are an SFU's running totals since New and its current size, for
// /metrics (server/metrics). Counting costs the packet path an atomic add
// per figure: nothing locks or allocates.
type Stats struct {
	PacketsIn, BytesIn   uint64 // RTP from publishers (bytes: header and payload)
	PacketsOut, BytesOut uint64 // RTP to players, retransmissions included
	NACKedPackets        uint64 // packets players asked for again
	PLIsIn               uint64 // keyframe requests from players (PLI and FIR)
	PLIsOut              uint64 // PLIs sent to publishers, after merging

	Publications, Subscribers int // live PeerConnections
	TracksIn, TracksOut       int // tracks received from publishers, forwarded to players

	// Forward latency: from reading a packet of a publisher's track to
	// having written it to the last player. LatencyCounts[i] counts
	// packets of at most LatencyBounds[i] (the last one: more than all).
	LatencyBounds []time.Duration
	LatencyCounts []uint64
	LatencySum    time.Duration
}

// LatencyBounds are the upper bounds of the forward latency buckets.
var latencyBounds = []time.Duration{
	10 * time.Microsecond, 25 * time.Microsecond, 50 * time.Microsecond, 100 * time.Microsecond,
	250 * time.Microsecond, 500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond,
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
}

// counters are the atomics behind Stats.
type counters struct {
	packetsIn, bytesIn, packetsOut, bytesOut atomic.Uint64
	nacked, plisIn, plisOut                  atomic.Uint64
	tracksIn                                 atomic.Int64
	latency                                  [14]atomic.Uint64 // len(latencyBounds)+1
	latencySum                               atomic.Int64
}

func (c *counters) observeForward(d time.Duration) {
	i := 0
	for i < len(latencyBounds) && d > latencyBounds[i] {
		i++
	}
	c.latency[i].Add(1)
	c.latencySum.Add(int64(d))
}

// Stats reads the counters and counts the live PeerConnections and tracks.
func (s *SFU) Stats() Stats {
	c := &s.cnt
	st := Stats{PacketsIn: c.packetsIn.Load(), BytesIn: c.bytesIn.Load(), PacketsOut: c.packetsOut.Load(),
		BytesOut: c.bytesOut.Load(), NACKedPackets: c.nacked.Load(), PLIsIn: c.plisIn.Load(), PLIsOut: c.plisOut.Load(),
		TracksIn: int(c.tracksIn.Load()), LatencyBounds: latencyBounds, LatencySum: time.Duration(c.latencySum.Load())}
	for i := range c.latency {
		st.LatencyCounts = append(st.LatencyCounts, c.latency[i].Load())
	}
	s.mu.Lock()
	pubs := make([]*publication, 0, len(s.pubs))
	for _, p := range s.pubs {
		pubs = append(pubs, p)
	}
	s.mu.Unlock()
	st.Publications = len(pubs)
	var subs []*subscriber
	for _, p := range pubs {
		p.mu.Lock()
		for _, sub := range p.subs {
			subs = append(subs, sub)
		}
		p.mu.Unlock()
	}
	st.Subscribers = len(subs)
	for _, sub := range subs {
		sub.mu.Lock()
		for _, has := range sub.has {
			if has {
				st.TracksOut++
			}
		}
		sub.mu.Unlock()
	}
	return st
}

// outCounter is an interceptor that counts every RTP packet the SFU sends
// to a player.
type outCounter struct {
	interceptor.NoOp
	cnt *counters
}

func (o *outCounter) NewInterceptor(string) (interceptor.Interceptor, error) { return o, nil }

func (o *outCounter) BindLocalStream(_ *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	return interceptor.RTPWriterFunc(func(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
		n, err := w.Write(h, payload, a)
		if err == nil {
			o.cnt.packetsOut.Add(1)
			o.cnt.bytesOut.Add(uint64(h.MarshalSize() + len(payload)))
		}
		return n, err
	})
}

// nackedPackets counts the packets the generic NACKs of a compound RTCP
// packet ask for (RFC 4585: each item names one packet and a bitmask of
// the 16 after it).
func nackedPackets(b []byte) int {
	k := 0
	for len(b) >= 4 {
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			break
		}
		if b[1] == 205 && b[0]&0x1f == 1 && n >= 12 { // RTPFB, generic NACK
			for fci := b[12:n]; len(fci) >= 4; fci = fci[4:] {
				k += 1 + bitCount16(binary.BigEndian.Uint16(fci[2:4]))
			}
		}
		b = b[n:]
	}
	return k
}

func bitCount16(v uint16) int {
	n := 0
	for ; v != 0; v &= v - 1 {
		n++
	}
	return n
}
