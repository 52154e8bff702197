package sfu

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/bwe"
)

// Downlink congestion control (docs/media.md, Players' downlinks). The
// server stamps a transport-wide sequence number on every packet it sends a
// player (twcc.go), and the player's engine (or browser) answers with
// transport-wide feedback; each player's downlink is estimated from it, by
// GCC's delay-based detector (overuse.go) and the loss the feedback shows,
// under the same rule as a publisher's uplink (engine/bwe). A stream is
// forwarded as it was published — one encoding for every player — so each
// publication sends its publisher, as a REMB, the lowest of its players'
// estimates, and the publisher's encoder keeps under it
// (engine/estimator.go): a player on a narrow link slows the stream it
// plays rather than losing most of it. An estimate's maximum follows what
// the stream sends (half as much again, at least downlinkFloor): a player
// whose estimate is at that maximum has shown no link narrower than the
// stream, and while no player has, no REMB goes out and the publisher's
// own estimate rules.
const (
	// rembEvery is how often a publication repeats its REMB; a lower
	// figure goes out at once. Publishers drop a cap 2 s after the last.
	rembEvery = 500 * time.Millisecond
	// downlinkHeadroom is how far above the stream's rate of the last
	// second a player's estimate may be, and downlinkFloor the least it is
	// allowed to climb to, in bits per second.
	downlinkHeadroom = 1.5
	downlinkFloor    = 600_000
	rateTicks        = int(time.Second / bwe.Tick)
	// A delay-based decrease goes to decreaseTo × what the player
	// received, at most once per decreaseEvery (about a round trip and
	// the detector's reaction: the next decrease must see the last one's
	// effect).
	decreaseTo    = 0.85
	decreaseEvery = 300 * time.Millisecond
	// Loss above congestedLoss over the last congestedTicks with a queue
	// of congestedQueue µs standing (one-way delay above the link's least)
	// is congestion. Random loss of a few percent passes 10 % in many a
	// tick's few dozen packets; it rarely passes 20 % over three.
	congestedLoss  = 0.2
	congestedTicks = 3
	congestedQueue = 30_000
	// feedbackStale is how long a player may send no feedback before its
	// estimate stops counting (its link is down, or it is gone).
	feedbackStale = time.Second
)

// downlink is one player's PeerConnection's estimate.
type downlink struct {
	sender twccSender

	mu         sync.Mutex
	rule       *bwe.Rule
	det        *overuse
	fed        bool // feedback has come: until then the estimate means nothing
	fedAt      time.Time
	lost, seen int // packets feedback reported since the last tick
	// the last congestedTicks ticks' lost and reported packets
	recentLost, recentSeen [congestedTicks]int
	recentI                int
	decreaseAt             time.Time
	acks                   []ack // scratch
	symbols                []uint8
	lastFb                 uint32 // the last feedback packet taken: its base sequence number and count

	resent rateWindow // retransmissions to the player; only downlinkLoop uses it
}

func newDownlink(now time.Time) *downlink {
	return &downlink{rule: bwe.NewRule(bwe.MinBitrate, downlinkFloor, now), det: newOveruse()}
}

// feedback reads the transport-wide feedback in a compound RTCP packet
// that arrived at now.
func (d *downlink) feedback(b []byte, now time.Time) {
	for len(b) >= 4 {
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			return
		}
		const transportFeedback = 205
		if b[1] == transportFeedback && b[0]&0x1f == 15 {
			d.take(b[:n], now)
		}
		b = b[n:]
	}
}

func (d *downlink) take(fb []byte, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	// A compound packet addressed to both of a player's streams reaches
	// both senders' readers: each feedback packet counts once.
	if len(fb) >= 20 {
		id := uint32(fb[12])<<24 | uint32(fb[13])<<16 | uint32(fb[19])
		if d.lastFb == id && d.fed {
			return
		}
		d.lastFb = id
	}
	acks, symbols, ok := d.sender.acks(d.acks[:0], fb, d.symbols)
	d.acks, d.symbols = acks, symbols
	if !ok {
		return
	}
	d.fed, d.fedAt = true, now
	d.rule.Feedback(now)
	for _, a := range acks {
		d.seen++
		if a.lost {
			d.lost++
		}
	}
	d.det.add(acks)
}

// update applies the rule at now to what feedback showed since the last
// tick, the estimate's maximum following limit, and returns the estimate
// in bits per second; ok is false while the player's feedback is missing
// (none yet, or none for feedbackStale: its estimate is stale).
func (d *downlink) update(now time.Time, limit int) (bps int, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen == 0 {
		d.rule.Follow(limit)
		return d.rule.Target(), d.fed && now.Sub(d.fedAt) < feedbackStale
	}
	loss := float64(d.lost) / float64(d.seen)
	d.recentLost[d.recentI], d.recentSeen[d.recentI] = d.lost, d.seen
	d.recentI = (d.recentI + 1) % congestedTicks
	var recentLost, recentSeen int
	for i := range congestedTicks {
		recentLost += d.recentLost[i]
		recentSeen += d.recentSeen[i]
	}
	d.lost, d.seen = 0, 0
	rate := d.det.receivedBps()
	if t := d.rule.Target(); rate > 0 && t > 0 {
		// What arrived measures the link better than what was lost of a
		// burst sent before the link narrowed: no loss cut goes below
		// decreaseTo × it (at a 300 kbit/s cap's onset, the loss alone
		// cut to the floor, half the link).
		loss = min(loss, max(1-decreaseTo*float64(rate)/float64(t), 0))
	}
	overused, sig := d.det.taken()
	// Loss over a standing queue is congestion as surely as a growing
	// queue: a link that narrowed under the stream stays full at a
	// constant delay, which the detector no longer sees as overuse, while
	// loss alone cuts slowly (random loss must not ratchet the rate down).
	// What arrives then is what the link carries, so each tick of it
	// decreases to decreaseTo × that, without waiting decreaseEvery.
	congested := float64(recentLost) > congestedLoss*float64(recentSeen) && d.det.queueDelay() > congestedQueue
	state, delay := "increase", 1 // the rule climbs from where it is
	lower := int(decreaseTo * float64(rate))
	switch {
	case lower > 0 && lower < d.rule.Target() && (congested || (overused && now.Sub(d.decreaseAt) >= decreaseEvery)):
		state, delay = "decrease", lower
		d.decreaseAt = now
	case overused || sig != normal:
		state = "hold"
	}
	d.rule.Follow(limit)
	return d.rule.Apply(now, delay, loss, state), true
}

// downlinkHub hands each player's PeerConnection its downlink: pion builds
// a PeerConnection's interceptors inside NewPeerConnection, where the
// stamping interceptor's factory makes the downlink, so players'
// PeerConnections are created one at a time under mu.
type downlinkHub struct {
	mu   sync.Mutex
	last *downlink
}

func (h *downlinkHub) newPeerConnection(api *webrtc.API) (*webrtc.PeerConnection, *downlink, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = nil
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	return pc, h.last, err
}

// rateWindow is a publication's forwarded rate over the last second, from
// its octet counts at each tick.
type rateWindow struct {
	octets [rateTicks]uint32
	i, n   int
}

// add records the count at a tick and returns the rate over the second
// before it in bits per second (0 in the first second).
func (w *rateWindow) add(octets uint32) int {
	oldest := w.octets[w.i]
	w.octets[w.i] = octets
	w.i = (w.i + 1) % rateTicks
	if w.n < rateTicks {
		w.n++
		return 0
	}
	return int(octets-oldest) * 8
}

// downlinkLoop updates the players' estimates every tick and sends the
// publisher the lowest.
func (p *publication) downlinkLoop() {
	defer p.wg.Done()
	tick := time.NewTicker(bwe.Tick)
	defer tick.Stop()
	var rate rateWindow
	var sent, limited int
	var sentAt time.Time
	defer func() { p.sfu.cnt.limited.Add(int64(-limited)) }()
	for {
		var now time.Time
		select {
		case <-p.done:
			return
		case now = <-tick.C:
		}
		fwd := rate.add(p.counts[kindVideo].octets.Load() + p.counts[kindAudio].octets.Load())
		limit := max(int(float64(fwd)*downlinkHeadroom), downlinkFloor)
		// A player's share of the stream is its estimate less what the
		// server retransmits to it, as an encoder's is (engine/encode.go).
		// Only players whose estimate is under its maximum count: the
		// others have shown no link narrower than the stream.
		low, n := 0, 0
		for _, s := range p.subscribers() {
			if s.down == nil {
				continue
			}
			resent := s.down.resent.add(s.resent.Load())
			if est, ok := s.down.update(now, limit); ok && est < limit {
				n++
				share := max(est-resent, bwe.MinBitrate)
				if low == 0 || share < low {
					low = share
				}
			}
		}
		p.sfu.cnt.limited.Add(int64(n - limited))
		limited = n
		ssrc := p.videoSSRC.Load()
		if low == 0 || ssrc == 0 || (low >= sent*19/20 && now.Sub(sentAt) < rembEvery) {
			continue
		}
		if err := p.pc.WriteRTCP([]rtcp.Packet{&rtcp.ReceiverEstimatedMaximumBitrate{
			Bitrate: float32(low), SSRCs: []uint32{ssrc}}}); err != nil {
			p.log.Debug("send REMB", "err", err)
			continue
		}
		sent, sentAt = low, now
		p.sfu.cnt.rembsOut.Add(1)
	}
}
