package sfu

import (
	"encoding/binary"
	"sync/atomic"
	"time"
)

// Stats are an SFU's running totals since New and its current size, for
// /metrics (server/metrics). Counting costs the packet path an atomic add
// per figure: nothing locks or allocates.
type Stats struct {
	PacketsIn, BytesIn   uint64 // RTP from publishers (bytes: header and payload)
	PacketsOut, BytesOut uint64 // RTP to players, retransmissions included
	NACKedPackets        uint64 // packets players asked for again
	Retransmits          uint64 // of those, sent again from the track's cache
	PLIsIn               uint64 // keyframe requests from players (PLI and FIR)
	PLIsOut              uint64 // PLIs sent to publishers, after merging
	DownlinkCaps         uint64 // REMBs sent to publishers: a player's downlink was narrower than the stream

	// PlayersDownlinkLimited are the players whose downlink estimate is
	// under what their stream sends, as of the last tick (downlink.go).
	PlayersDownlinkLimited int

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
	nacked, retransmits, plisIn, plisOut     atomic.Uint64
	rembsOut                                 atomic.Uint64
	tracksIn, limited                        atomic.Int64
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
		BytesOut: c.bytesOut.Load(), NACKedPackets: c.nacked.Load(),
		Retransmits: c.retransmits.Load(), PLIsIn: c.plisIn.Load(), PLIsOut: c.plisOut.Load(),
		DownlinkCaps: c.rembsOut.Load(), PlayersDownlinkLimited: int(c.limited.Load()),
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

// nextNACK finds the next generic NACK (RFC 4585) in a compound RTCP packet
// and returns the SSRC it is about, the sequence numbers it asks for
// (appended to seqs[:0]) and what follows it in b; ok is false when there
// is none.
func nextNACK(b []byte, seqs []uint16) (ssrc uint32, out []uint16, rest []byte, ok bool) {
	for len(b) >= 4 {
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			break
		}
		if b[1] == 205 && b[0]&0x1f == 1 && n >= 12 { // RTPFB, generic NACK
			out = seqs[:0]
			for fci := b[12:n]; len(fci) >= 4; fci = fci[4:] {
				pid, blp := binary.BigEndian.Uint16(fci[0:2]), binary.BigEndian.Uint16(fci[2:4])
				out = append(out, pid)
				for i := range uint16(16) {
					if blp&(1<<i) != 0 {
						out = append(out, pid+i+1)
					}
				}
			}
			return binary.BigEndian.Uint32(b[8:12]), out, b[n:], true
		}
		b = b[n:]
	}
	return 0, seqs[:0], nil, false
}
