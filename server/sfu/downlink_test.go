package sfu

import (
	"math/rand/v2"
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

// downlinkRun feeds a downlink ms of packets of 1,000 bytes sent at
// sendBps, each lost with probability loss (seeded), delayed by owd(t),
// spaced on arrival by linkBps (0: not at all), with feedback every
// 100 ms and a tick after each; it returns the estimate after the last.
func downlinkRun(d *downlink, at *time.Time, ms int, sendBps, linkBps int, loss float64, owd func(t time.Duration) time.Duration) int {
	const size = 1000
	rng := rand.New(rand.NewPCG(7, 8))
	gap := time.Duration(size * 8 * int64(time.Second) / int64(sendBps))
	serve := time.Duration(0)
	if linkBps > 0 {
		serve = time.Duration(size * 8 * int64(time.Second) / int64(linkBps))
	}
	origin := *at
	var free time.Duration // when the link is next free, from origin
	var est int
	for t := time.Duration(0); t < time.Duration(ms)*time.Millisecond; {
		var acks []ack
		for end := t + 100*time.Millisecond; t < end; t += gap {
			sent := origin.Add(t)
			if rng.Float64() < loss { // dropped before the link
				acks = append(acks, ack{sent: sent.UnixNano(), size: size, lost: true})
				continue
			}
			arrive := max(t+owd(t), free)
			free = arrive + serve
			acks = append(acks, ack{sent: sent.UnixNano(), size: size, arrival: origin.Add(arrive).UnixMicro()})
		}
		*at = origin.Add(t)
		d.mu.Lock()
		d.fed, d.fedAt = true, *at
		for _, a := range acks {
			d.seen++
			if a.lost {
				d.lost++
			}
		}
		d.det.add(acks)
		d.mu.Unlock()
		est, _ = d.update(*at, 3_000_000)
	}
	return est
}

// A link that narrowed under the stream — loss over a standing queue —
// brings the estimate down to what gets through within a few ticks; random
// loss on a link without a queue does not move it.
func TestDownlinkCongestionAndRandomLoss(t *testing.T) {
	at := time.Unix(1000, 0)
	flat := func(time.Duration) time.Duration { return 20 * time.Millisecond }
	d := newDownlink(at)
	downlinkRun(d, &at, 2000, 1_000_000, 0, 0, flat)
	if est, _ := d.update(at, 3_000_000); est != 3_000_000 {
		t.Fatalf("estimate %d on a clean link, want the maximum", est)
	}
	// 1 Mbit/s into a 300 kbit/s link with 50 ms of queue standing.
	queued := func(time.Duration) time.Duration { return 70 * time.Millisecond }
	est := downlinkRun(d, &at, 500, 1_000_000, 300_000, 0.6, queued)
	if est > 300_000 || est < 200_000 {
		t.Errorf("estimate %d half a second into a 300 kbit/s link's standing queue, want 0.85 × what got through", est)
	}

	at = time.Unix(2000, 0)
	d = newDownlink(at)
	downlinkRun(d, &at, 2000, 1_000_000, 0, 0, flat)
	if est := downlinkRun(d, &at, 5000, 1_000_000, 0, 0.05, flat); est < 2_500_000 {
		t.Errorf("estimate %d after 5 s of 5 %% random loss without a queue, want it near the maximum", est)
	}
}
