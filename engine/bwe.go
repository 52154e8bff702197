package engine

import (
	"sync"

	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/bwe"
)

// Congestion control (docs/media.md, Congestion control). Every publishing
// PeerConnection runs pion's send-side bandwidth estimator (Google
// Congestion Control: delay- and loss-based, fed by the server's
// transport-wide feedback on the publisher's packets). Its target drives
// the video encoder: when the uplink narrows the stream goes on at a lower
// rate, and lower frame rate, rather than queueing and losing into a stall.
// Players' PeerConnections, which only receive, run no estimator: the
// server estimates each player's downlink and caps the publisher with a
// REMB (server/sfu/downlink.go; estimator.go).

// Estimator limits, in bits per second, beside the configured bitrate.
const (
	bweMinBitrate = bwe.MinBitrate
	minVideoBps   = 30_000
	// packetOverheadBps is what RTP, SRTP, UDP and IP headers and RTCP
	// add to the codecs' own bitrates at a call's packet rates.
	packetOverheadBps = 40_000
)

// bweHub hands each publisher the estimator pion made for its
// PeerConnection. pion builds a PeerConnection's interceptors inside
// NewPeerConnection and names the estimator in a callback; publishers
// create their PeerConnections one at a time under mu, so the callback's
// estimator is the caller's.
type bweHub struct {
	factory *cc.InterceptorFactory
	mu      sync.Mutex
	initial int // the next estimator's start and ceiling, in bits per second
	last    cc.BandwidthEstimator
}

// newBWEHub makes the estimators' factory; without pace, packets go out
// as they are made (Config.Without.Pacing); without cwnd, the estimate is
// not pushed back (Config.Without.CongestionWindow).
func newBWEHub(pace, cwnd bool) (*bweHub, error) {
	h := &bweHub{}
	f, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		var p *pacer
		if pace {
			p = newPacer(h.initial)
		}
		return newEstimator(h.initial, p, cwnd)
	})
	if err != nil {
		return nil, err
	}
	f.OnNewPeerConnection(func(_ string, est cc.BandwidthEstimator) { h.last = est })
	h.factory = f
	return h, nil
}

// register adds the estimator to a publishing API's interceptors.
func (h *bweHub) register(ir *interceptor.Registry) { ir.Add(h.factory) }

// newPeerConnection creates a publishing PeerConnection and returns it with
// its estimator, which starts at, and never asks for more than, maxBps.
func (h *bweHub) newPeerConnection(api *webrtc.API, maxBps int) (*webrtc.PeerConnection, cc.BandwidthEstimator, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.initial, h.last = maxBps, nil
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, nil, err
	}
	return pc, h.last, nil
}

// videoShare is the video encoder's part of an estimate: what is left after
// the audio and the packets' overhead, never below a trickle.
func videoShare(estimateBps, audioBps int) int {
	return max(estimateBps-audioBps-packetOverheadBps, minVideoBps)
}
