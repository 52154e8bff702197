package main

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"sync/atomic"
	"time"
)

// seqWindow is how many sequence numbers behind the highest a packet may
// arrive and still count (a retransmission answering a NACK, reordering).
const seqWindow = 1024

// seqCounter counts the distinct packets of one RTP stream by sequence
// number and how many were expected: loss as a receiver sees it. A packet
// counts once, whether it came first time or as a retransmission; one older
// than seqWindow behind the highest, or from before the first, does not.
// It is owned by the one goroutine that reads the stream.
type seqCounter struct {
	started  bool
	base     uint64 // extended sequence number of the first packet
	highest  uint64 // extended sequence number of the highest packet
	received uint64 // distinct packets from base to highest
	dups     uint64
	seen     [seqWindow / 64]uint64 // bit (ext % seqWindow): arrived
}

// add counts a packet.
func (c *seqCounter) add(seq uint16) {
	if !c.started {
		// Extended numbers start at 1<<16 so a packet a little before the
		// first one does not wrap below zero.
		c.started, c.base, c.highest = true, 1<<16|uint64(seq), 1<<16|uint64(seq)
		c.mark(c.base)
		c.received = 1
		return
	}
	ext := uint64(int64(c.highest) + int64(int16(seq-uint16(c.highest))))
	switch {
	case ext > c.highest:
		if ext-c.highest >= seqWindow {
			clear(c.seen[:])
		} else {
			for e := c.highest + 1; e < ext; e++ {
				c.seen[e/64%(seqWindow/64)] &^= 1 << (e % 64)
			}
		}
		c.highest = ext
		c.mark(ext)
		c.received++
	case ext < c.base || c.highest-ext >= seqWindow:
		// Before the first packet or too late to tell: ignored.
	case c.seen[ext/64%(seqWindow/64)]&(1<<(ext%64)) != 0:
		c.dups++
	default:
		c.mark(ext)
		c.received++
	}
}

func (c *seqCounter) mark(ext uint64) { c.seen[ext/64%(seqWindow/64)] |= 1 << (ext % 64) }

// expected is how many packets there were from the first to the highest.
func (c *seqCounter) expected() uint64 {
	if !c.started {
		return 0
	}
	return c.highest - c.base + 1
}

// histogram counts durations in buckets of about 6 % width: 16 per power of
// two of microseconds. It is owned by one goroutine; merge after it ended.
type histogram struct {
	counts [16 * 40]uint32
	n      uint64
	sum    time.Duration
}

func bucketOf(d time.Duration) int {
	us := uint64(max(d, 0) / time.Microsecond)
	if us < 16 {
		return int(us)
	}
	e := bits.Len64(us) - 5 // us>>e is in [16, 32)
	return min((e+1)*16+int(us>>e&15), len(histogram{}.counts)-1)
}

// bucketValue is the middle of bucket i.
func bucketValue(i int) time.Duration {
	if i < 16 {
		return time.Duration(i)*time.Microsecond + time.Microsecond/2
	}
	e := i/16 - 1
	lo := uint64(16+i%16) << e
	return time.Duration(lo)*time.Microsecond + time.Duration(uint64(1)<<e)*time.Microsecond/2
}

func (h *histogram) add(d time.Duration) {
	h.counts[bucketOf(d)]++
	h.n++
	h.sum += d
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
}

// quantile is the value below which a fraction q of the samples lie.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n-1)) + 1
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			return bucketValue(i)
		}
	}
	return bucketValue(len(h.counts) - 1)
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// trackStats is what one subscriber saw of one track. The reader goroutine
// owns seq and lat and publishes its figures in the atomics, which the run
// reads at the start and end of the measured window.
type trackStats struct {
	seq seqCounter
	lat histogram

	expected, received, octets atomic.Uint64
	first                      chan struct{} // closed at the first packet
}

func newTrackStats() *trackStats { return &trackStats{first: make(chan struct{})} }

// packet counts one arrived RTP packet b (SRTP already removed); it records
// the forward latency while measuring is set.
func (t *trackStats) packet(b []byte, now time.Time, measuring bool) {
	seq, payload, ok := parseRTP(b)
	if !ok {
		return
	}
	if !t.seq.started {
		close(t.first)
	}
	t.seq.add(seq)
	t.expected.Store(t.seq.expected())
	t.received.Store(t.seq.received)
	t.octets.Add(uint64(len(payload)))
	if measuring && len(payload) >= sendTimeBytes {
		t.lat.add(now.Sub(time.Unix(0, int64(binary.BigEndian.Uint64(payload)))))
	}
}

// parseRTP returns an RTP packet's sequence number and payload without
// decoding the rest.
func parseRTP(b []byte) (seq uint16, payload []byte, ok bool) {
	if len(b) < 12 || b[0]>>6 != 2 {
		return 0, nil, false
	}
	off := 12 + 4*int(b[0]&0x0f)
	if b[0]&0x10 != 0 { // header extension
		if len(b) < off+4 {
			return 0, nil, false
		}
		off += 4 + 4*int(binary.BigEndian.Uint16(b[off+2:]))
	}
	end := len(b)
	if b[0]&0x20 != 0 && end > 0 { // padding
		end -= int(b[end-1])
	}
	if off > end {
		return 0, nil, false
	}
	return binary.BigEndian.Uint16(b[2:4]), b[off:end], true
}

// bucketQuantile is quantile q of what a cumulative Prometheus histogram
// (upper bound in seconds → count) gained from a to b, interpolated
// linearly within the bucket it falls in; 0 without samples.
func bucketQuantile(a, b map[float64]uint64, q float64) time.Duration {
	bounds := make([]float64, 0, len(b))
	for ub := range b {
		bounds = append(bounds, ub)
	}
	slices.Sort(bounds)
	if len(bounds) == 0 {
		return 0
	}
	total := b[bounds[len(bounds)-1]] - a[bounds[len(bounds)-1]]
	if total == 0 {
		return 0
	}
	rank := q * float64(total)
	lo, below := 0.0, uint64(0)
	for _, ub := range bounds {
		n := b[ub] - a[ub]
		if float64(n) >= rank {
			if math.IsInf(ub, 1) {
				ub = lo // past the last bound: its value is unknown, report the bound
			}
			frac := (rank - float64(below)) / float64(max(n-below, 1))
			return time.Duration((lo + frac*(ub-lo)) * float64(time.Second))
		}
		lo, below = ub, n
	}
	return time.Duration(lo * float64(time.Second))
}
