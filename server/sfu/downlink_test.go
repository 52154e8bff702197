package sfu

import (
	"slices"
	"testing"
	"time"
)

// A NACK the player repeats while the retransmission is on its way sends
// nothing again; once resendHold has passed, the packet goes again.
func TestResendLogDropsRepeatedNACKs(t *testing.T) {
	var l resendLog
	t0 := time.Unix(100, 0)
	if got := l.filter(t0, []uint16{7, 8}); !slices.Equal(got, []uint16{7, 8}) {
		t.Fatalf("first NACK: %v, want both", got)
	}
	if got := l.filter(t0.Add(20*time.Millisecond), []uint16{7, 8, 9}); !slices.Equal(got, []uint16{9}) {
		t.Errorf("repeat 20 ms later: %v, want only the new 9", got)
	}
	// The same slot a cache's length later is another packet.
	if got := l.filter(t0.Add(30*time.Millisecond), []uint16{7 + videoCacheSize}); len(got) != 1 {
		t.Errorf("a packet sharing a slot was held back: %v", got)
	}
	if got := l.filter(t0.Add(resendHold+20*time.Millisecond), []uint16{8}); !slices.Equal(got, []uint16{8}) {
		t.Errorf("NACK past the hold: %v, want 8 again", got)
	}
}

// The rate is over the last second of ticks, across the counter's wrap.
func TestRateWindow(t *testing.T) {
	var w rateWindow
	octets := uint32(1<<32 - 5000)
	for i := range rateTicks + 3 {
		got := w.add(octets)
		if i < rateTicks && got != 0 {
			t.Fatalf("tick %d: %d before a second was seen", i, got)
		}
		if i >= rateTicks && got != 12500*rateTicks*8 {
			t.Errorf("tick %d: %d bit/s, want %d", i, got, 12500*rateTicks*8)
		}
		octets += 12500
	}
}
