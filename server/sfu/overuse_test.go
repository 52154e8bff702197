package sfu

import "testing"

// feedLink sends packets of size bytes at sendBps for ms milliseconds
// through a link of linkBps with an unbounded queue, and hands the detector
// the arrivals 100 ms of sending at a time, as feedback would. It returns
// the time it got to.
func feedLink(o *overuse, startNs int64, ms int, sendBps, linkBps float64, queueFreeAt *float64) int64 {
	const size = 1200
	gap := size * 8 / sendBps * 1e9 // ns between packets
	var batch []ack
	t := float64(startNs)
	for t < float64(startNs)+float64(ms)*1e6 {
		// the link serves packets one after another at linkBps
		start := max(t, *queueFreeAt)
		*queueFreeAt = start + size*8/linkBps*1e9
		batch = append(batch, ack{sent: int64(t), arrival: int64(*queueFreeAt/1e3) + 20_000, size: size})
		if len(batch) > 0 && int64(t)-batch[0].sent > 100e6 {
			o.add(batch)
			batch = nil
		}
		t += gap
	}
	o.add(batch)
	return int64(t)
}

// Sending under the link's rate is normal; sending above it builds a queue
// the detector calls overuse, and the received rate it reports is the
// link's.
func TestOveruseSeesAQueueBuild(t *testing.T) {
	o := newOveruse()
	var free float64
	at := feedLink(o, 1e9, 3000, 400_000, 1_000_000, &free)
	if seen, sig := o.taken(); seen || sig == overusing {
		t.Fatalf("overuse at 400 kbit/s on a 1 Mbit/s link (signal %d)", sig)
	}
	feedLink(o, at, 1000, 1_500_000, 1_000_000, &free)
	seen, _ := o.taken()
	if !seen {
		t.Fatal("no overuse while sending 1.5 Mbit/s into a 1 Mbit/s link for a second")
	}
	if got := o.receivedBps(); got < 900_000 || got > 1_100_000 {
		t.Errorf("received rate %d bit/s, want about the link's 1000000", got)
	}
}
