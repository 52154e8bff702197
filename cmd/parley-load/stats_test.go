package main

import (
	"math"
	"testing"
	"time"
)

// TestSeqCounterLoss: the loss a subscriber reports is exactly the packets
// that never came, whatever the order, duplicates and wrap-around.
func TestSeqCounterLoss(t *testing.T) {
	for _, tc := range []struct {
		name           string
		seqs           []uint16
		expected, lost uint64
	}{
		{"in order", []uint16{10, 11, 12, 13}, 4, 0},
		{"gaps", []uint16{10, 12, 13, 16}, 7, 3},
		{"wrap", []uint16{65534, 65535, 0, 2}, 5, 1},
		{"late retransmission fills a gap", []uint16{10, 12, 13, 11}, 4, 0},
		{"duplicates count once", []uint16{10, 11, 11, 12, 10}, 3, 0},
		{"before the first is ignored", []uint16{10, 9, 11}, 2, 0},
		{"far jump", []uint16{10, 5000, 5001}, 4992, 4989},
		{"too late to count", append(seqRange(100, 1200), 99+2), 1100, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c seqCounter
			for _, s := range tc.seqs {
				c.add(s)
			}
			if c.expected() != tc.expected || c.expected()-c.received != tc.lost {
				t.Errorf("expected %d lost %d, want %d and %d", c.expected(), c.expected()-c.received, tc.expected, tc.lost)
			}
		})
	}
}

func seqRange(from, to int) []uint16 {
	var s []uint16
	for i := from; i < to; i++ {
		s = append(s, uint16(i))
	}
	return s
}

// TestSeqCounterDropsEveryNth: 10 % of 100,000 packets skipped across
// several wraps is 10 % loss.
func TestSeqCounterDropsEveryNth(t *testing.T) {
	var c seqCounter
	for i := 1; i <= 100000; i++ {
		if i%10 != 0 {
			c.add(uint16(i))
		}
	}
	if got := c.expected() - c.received; got != 10000-1 { // the last one (100000) is past the highest
		t.Errorf("lost %d of %d, want 9999", got, c.expected())
	}
}

func TestHistogram(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	for _, tc := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 500 * time.Microsecond}, {0.99, 990 * time.Microsecond}, {1, 1000 * time.Microsecond}} {
		got := h.quantile(tc.q)
		if d := got - tc.want; d < -tc.want/15 || d > tc.want/15 {
			t.Errorf("q%.2f = %v, want about %v", tc.q, got, tc.want)
		}
	}
	if m := h.mean(); m < 495*time.Microsecond || m > 505*time.Microsecond {
		t.Errorf("mean %v", m)
	}
	if b := bucketOf(1 << 62); b != len(h.counts)-1 {
		t.Errorf("a century lands in bucket %d", b)
	}
}

func TestBucketQuantile(t *testing.T) {
	inf := math.Inf(1)
	a := map[float64]uint64{0.001: 5, 0.002: 5, inf: 5}
	b := map[float64]uint64{0.001: 55, 0.002: 105, inf: 105} // 50 in (0, 1 ms], 50 in (1, 2 ms]
	if got := bucketQuantile(a, b, 0.5); got != time.Millisecond {
		t.Errorf("p50 %v, want 1 ms", got)
	}
	if got := bucketQuantile(a, b, 0.75); got != 1500*time.Microsecond {
		t.Errorf("p75 %v, want 1.5 ms", got)
	}
	if got := bucketQuantile(nil, nil, 0.5); got != 0 {
		t.Errorf("no histogram: %v", got)
	}
}
