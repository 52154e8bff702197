package sfu

import (
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/bwe"
)

// Downlink congestion control (docs/media.md, Players' downlinks). The
// server stamps a transport-wide sequence number on every packet it sends a
// player, and the player's engine (or browser) answers with transport-wide
// feedback; each player's PeerConnection runs pion's send-side estimator on
// it, under the same rule as a publisher's uplink (engine/bwe). A stream is
// forwarded as it was published — one encoding for every player — so each
// publication sends its publisher, as a REMB, the lowest of its players'
// estimates, and the publisher's encoder keeps under it (engine/estimator.go):
// a player on a narrow link slows the stream it plays rather than losing
// most of it. Estimates never go far above what the stream sends (a player
// of a quiet stream has shown nothing about its link).
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
)

// downlink is pion's estimator on one player's PeerConnection, with the
// rule. Its packets go out as the server forwards them: no pacing.
type downlink struct {
	*gcc.SendSideBWE
	mu     sync.Mutex
	rule   *bwe.Rule
	resent rateWindow // retransmissions to the player; only downlinkLoop uses it
}

func newDownlink() (*downlink, error) {
	pion, err := gcc.NewSendSideBWE(gcc.SendSideBWEInitialBitrate(downlinkFloor),
		gcc.SendSideBWEMinBitrate(bwe.MinBitrate), gcc.SendSideBWEPacer(gcc.NewNoOpPacer()))
	if err != nil {
		return nil, err
	}
	return &downlink{SendSideBWE: pion, rule: bwe.NewRule(bwe.MinBitrate, downlinkFloor, time.Now())}, nil
}

// WriteRTCP notes when transport-wide feedback arrives and hands the
// packets to pion's estimator.
func (d *downlink) WriteRTCP(pkts []rtcp.Packet, attrs interceptor.Attributes) error {
	for _, p := range pkts {
		if _, ok := p.(*rtcp.TransportLayerCC); ok {
			d.mu.Lock()
			d.rule.Feedback(time.Now())
			d.mu.Unlock()
			break
		}
	}
	return d.SendSideBWE.WriteRTCP(pkts, attrs)
}

// update applies the rule to pion's latest figures at now, the estimate
// held under limit, and returns it in bits per second.
func (d *downlink) update(now time.Time, limit int) int {
	delay, loss, state := bwe.Stats(d.SendSideBWE.GetStats())
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rule.SetMax(limit)
	return d.rule.Apply(now, delay, loss, state)
}

// downlinkHub hands each player's PeerConnection the estimator pion made
// for it: pion builds a PeerConnection's interceptors inside
// NewPeerConnection and names the estimator in a callback, so players'
// PeerConnections are created one at a time under mu.
type downlinkHub struct {
	factory *cc.InterceptorFactory
	mu      sync.Mutex
	last    *downlink
}

func newDownlinkHub() (*downlinkHub, error) {
	h := &downlinkHub{}
	f, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) { return newDownlink() })
	if err != nil {
		return nil, err
	}
	f.OnNewPeerConnection(func(_ string, est cc.BandwidthEstimator) { h.last, _ = est.(*downlink) })
	h.factory = f
	return h, nil
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
	var sent int
	var sentAt time.Time
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
		low := 0
		for _, s := range p.subscribers() {
			if s.down != nil {
				est := s.down.update(now, limit)
				share := max(est-s.down.resent.add(s.resent.Load()), bwe.MinBitrate)
				if low == 0 || share < low {
					low = share
				}
			}
		}
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
	}
}
