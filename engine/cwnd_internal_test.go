package engine

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// ack is transport-wide feedback on the count packets from base.
func ack(base uint16, count uint16) *rtcp.TransportLayerCC {
	return &rtcp.TransportLayerCC{BaseSequenceNumber: base, PacketStatusCount: count}
}

// Bytes sent count as in flight until feedback reports on them, across the
// sequence number's wrap; the feedback's round trip is measured.
func TestInflightCountsUntilFeedback(t *testing.T) {
	f := newInflight()
	at := time.Unix(100, 0)
	for i := range 10 {
		f.sent(uint16(65530+i), 1000, at.Add(time.Duration(i)*time.Millisecond))
	}
	if f.bytes != 10_000 {
		t.Fatalf("%d bytes in flight after 10 packets of 1000, want 10000", f.bytes)
	}
	f.feedback(ack(65530, 8), at.Add(47*time.Millisecond)) // up to 65537 = 1 after the wrap
	if f.bytes != 2000 {
		t.Errorf("%d bytes in flight after feedback on 8 of them, want 2000", f.bytes)
	}
	if rtt, ok := f.minRTT(); !ok || rtt != 40*time.Millisecond {
		t.Errorf("round trip %v (%v), want 40ms: the last reported packet left at 7 ms", rtt, ok)
	}
	f.feedback(ack(65530, 3), at.Add(60*time.Millisecond)) // stale: changes nothing
	f.feedback(ack(0, 4), at.Add(60*time.Millisecond))     // up to 3 (= the 10th packet)
	if f.bytes != 0 {
		t.Errorf("%d bytes in flight after feedback on all, want 0", f.bytes)
	}
}

// A standing queue — more than a window in flight — pushes the video share
// back tick by tick; once the network has drained, it is all back.
func TestPushbackFollowsTheWindow(t *testing.T) {
	f := newInflight()
	at := time.Unix(100, 0)
	const target = 400_000 // window: 50 kB/s × (10 ms + cwndQueue) = 13 kB
	seq := uint16(0)
	send := func(n int) {
		for range n {
			f.sent(seq, 1000, at)
			seq++
		}
	}
	send(1)
	at = at.Add(10 * time.Millisecond)
	f.feedback(ack(0, 1), at) // round trip 10 ms
	if r := f.pushback(target); r != 1 {
		t.Fatalf("ratio %.2f with nothing in flight, want 1", r)
	}
	send(30) // 30 kB: over twice the window
	r := 1.0
	for range 5 {
		r = f.pushback(target)
	}
	if r > 0.6 || r < 0.5 {
		t.Errorf("ratio %.2f after five ticks with two windows in flight, want 0.9^5 = 0.59", r)
	}
	f.feedback(ack(1, 30), at.Add(500*time.Millisecond))
	if r = f.pushback(target); r != 1 {
		t.Errorf("ratio %.2f once the network drained, want 1", r)
	}
}

// Without transport-wide sequence numbers nothing is pushed back.
func TestPushbackNeedsFeedback(t *testing.T) {
	f := newInflight()
	if r := f.pushback(300_000); r != 1 {
		t.Errorf("ratio %.2f before any packet, want 1", r)
	}
	f.sent(1, 50_000, time.Unix(100, 0))
	if r := f.pushback(300_000); r != 1 {
		t.Errorf("ratio %.2f before any round trip is known, want 1", r)
	}
}
