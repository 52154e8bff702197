package engine

import (
	"context"
	"errors"
	"io"
	"net"
	"slices"
	"time"

	"github.com/pion/dtls/v3"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/nack"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/internal/gather"
	"github.com/parley-rtc/parley/server/protocol"
)

// Payload types Parley offers; the server registers the same.
const (
	ptVP8  = 96
	ptH264 = 102
	ptOpus = 111
)

var videoFeedback = []webrtc.RTCPFeedback{
	{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"}, {Type: "nack", Parameter: "pli"},
}

func vp8Codec() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: videoFeedback}
}

// h264Codec is Constrained Baseline level 3.1 in non-interleaved mode (FU-A
// and STAP-A), what openh264 encodes and every browser decodes.
func h264Codec() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: videoFeedback,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}
}

// videoCodecFor is the RTP codec and payload type a publisher offers for
// its configured codec: only that one (SetCodecPreferences), so the server
// forwards what the encoder makes. Its feedback list names transport-cc,
// which pion's interceptors add to the registered codecs, because the
// preference keeps only the feedback both lists name.
func videoCodecFor(c VideoCodec) webrtc.RTPCodecParameters {
	cc := vp8Codec()
	pt := webrtc.PayloadType(ptVP8)
	if c == CodecH264 {
		cc, pt = h264Codec(), ptH264
	}
	cc.RTCPFeedback = append(slices.Clone(cc.RTCPFeedback), webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC})
	return webrtc.RTPCodecParameters{RTPCodecCapability: cc, PayloadType: pt}
}

func opusCodec() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}
}

// nackInterval is how often a receiver asks for the packets it misses,
// each at most maxNacksPerPacket times (200 ms): asking again and again for
// long lost packets only fills a congested link with stale retransmissions.
const (
	nackInterval      = 20 * time.Millisecond
	maxNacksPerPacket = 10
)

// srtpProfiles are the DTLS-SRTP protection profiles offered, AES-GCM
// first (docs/security.md); the last is only for peers without GCM.
var srtpProfiles = []dtls.SRTPProtectionProfile{
	dtls.SRTP_AEAD_AES_256_GCM, dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80,
}

// mediaAPIs are the pion APIs an engine's PeerConnections share: one for
// players, one for publishers (which adds the bandwidth estimator,
// bwe.go), over the same ICE settings and UDP mux.
type mediaAPIs struct {
	play, publish *webrtc.API
	bwe           *bweHub
	mux           io.Closer // the ICE UDP mux over Config.MediaConn, or nil
}

// newAPIs builds the engine's APIs: VP8, H.264 and Opus, pion's default
// interceptors (NACK, RTCP reports, TWCC) with the video sender reports on
// the capture clock (rtcpclock.go), host candidates over UDP4 including
// loopback (a local server is common in development and LAN play), no mDNS.
func newAPIs(mediaConn net.PacketConn, without Mechanisms) (mediaAPIs, error) {
	s := webrtc.SettingEngine{}
	s.SetIncludeLoopbackCandidate(true)
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetSRTPProtectionProfiles(srtpProfiles...)
	s.SetICETimeouts(iceDisconnected, iceFailed, iceKeepalive) // icerestart.go
	var a mediaAPIs
	n, err := newFreshNet()
	if err != nil {
		return a, err
	}
	s.SetNet(n)
	if mediaConn != nil {
		m := webrtc.NewICEUDPMux(nil, mediaConn)
		s.SetICEUDPMux(m)
		a.mux = m
	}
	bwe, err := newBWEHub(!without.Pacing, !without.CongestionWindow)
	if err != nil {
		return a, err
	}
	a.bwe = bwe
	if without.CongestionControl {
		bwe = nil // the hub stays, but no PeerConnection gets an estimator
	}
	if a.play, err = newAPI(s, nil, false); err == nil {
		a.publish, err = newAPI(s, bwe, without.NACK)
	}
	return a, err
}

// newAPI builds one API; with bwe, its PeerConnections estimate bandwidth;
// with noNACK, they ignore retransmission requests.
func newAPI(s webrtc.SettingEngine, bwe *bweHub, noNACK bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: vp8Codec(), PayloadType: ptVP8}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: h264Codec(), PayloadType: ptH264}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: opusCodec(), PayloadType: ptOpus}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: redCodec(), PayloadType: ptRED}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	ir := &interceptor.Registry{}
	ir.Add(captureClockFactory{}) // before pion's reports: it rewrites their video RTP time
	if bwe != nil {
		// Interceptors see outgoing packets last registered first, and
		// incoming RTCP first registered first. So the estimator records
		// each packet's departure after the interceptor that stamps its
		// transport-wide sequence number, which sees it after pion's NACK
		// responder (retransmissions get numbers of their own); and the
		// responder reads the estimate the estimator attaches to incoming
		// feedback, keeping retransmissions within it.
		bwe.register(ir)
		if err := webrtc.ConfigureTWCCHeaderExtensionSender(m, ir); err != nil {
			return nil, err
		}
	}
	// NACKs every 20 ms rather than pion's 100: a lost packet is asked for
	// again in time for the assembler, which holds a frame a few frames long.
	opts := []webrtc.InterceptorOption{
		webrtc.WithNackGeneratorOptions(nack.GeneratorInterval(nackInterval), nack.GeneratorMaxNacksPerPacket(maxNacksPerPacket)),
	}
	if noNACK {
		opts = append(opts, webrtc.WithNackResponderOptions(
			nack.ResponderStreamsFilter(func(*interceptor.StreamInfo) bool { return false })))
	}
	if err := webrtc.RegisterDefaultInterceptorsWithOptions(m, ir, opts...); err != nil {
		return nil, err
	}
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(ir), webrtc.WithSettingEngine(s)), nil
}

// offerGathered creates an offer and waits until its candidates are all in
// it: Parley's signaling is non-trickle.
func offerGathered(ctx context.Context, pc *webrtc.PeerConnection, opts *webrtc.OfferOptions) (string, error) {
	sdp, err := gather.Offer(ctx, pc, opts)
	if errors.Is(err, gather.ErrTimeout) {
		return "", protocol.Errorf(protocol.ErrInternal, "ICE gathering timed out")
	}
	return sdp, err
}

// waitConnected blocks until the PeerConnection connects or fails.
