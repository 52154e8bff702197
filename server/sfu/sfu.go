// Package sfu forwards RTP between PeerConnections with pion/webrtc: one
// PeerConnection per published stream (the client sends, the server
// receives) and one per played stream (the server sends). Each packet from
// a publisher is read once and written by the reading goroutine to every
// subscriber's sender of its kind (fanout.go), the writes to the socket
// batched (batch.go). All PeerConnections share one UDP socket through an
// ICE UDP mux, so a server needs one open UDP port.
//
// The package knows publications and subscribers by numbers the caller
// chooses; who may publish or play what is decided elsewhere (server/room).
package sfu

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/pion/dtls/v3"
	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// Config configures an SFU.
type Config struct {
	// Conn is the UDP socket all PeerConnections share. The SFU owns it
	// from New on and closes it in Close.
	Conn net.PacketConn
	// PublicIPs are advertised as extra host candidates (1:1 NAT).
	PublicIPs []string
	// Logger receives the SFU's and pion's logs; nil means slog.Default().
	Logger *slog.Logger
	// KeyframeInterval is the shortest time between two keyframe requests
	// sent to one publisher; 0 means 200 ms.
	KeyframeInterval time.Duration
	// NoDownlinkEstimate turns off the players' downlink estimates and
	// the REMB to publishers (downlink.go).
	NoDownlinkEstimate bool
}

// SFU is the media side of a server.
type SFU struct {
	pubAPI   *webrtc.API // publishers' PeerConnections
	subAPI   *webrtc.API // subscribers'
	down     *downlinkHub
	mux      ice.UDPMux
	batch    *batchConn // nil when Conn is not a *net.UDPConn
	conn     net.PacketConn
	log      *slog.Logger
	kfPeriod time.Duration
	cnt      counters

	mu     sync.Mutex
	closed bool
	pubs   map[uint64]*publication
}

// Codecs every Parley peer speaks. The payload types are fixed so SDPs from
// the engine, browsers and the server line up without surprises. A
// publication forwards the one video codec its publisher offers (VP8 by
// default, or H.264); subscribers offer both.
var (
	videoFeedback = []webrtc.RTCPFeedback{
		{Type: "goog-remb"}, {Type: "ccm", Parameter: "fir"}, {Type: "nack"},
		{Type: "nack", Parameter: "pli"}, {Type: "transport-cc"},
	}
	videoCodec = webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000, RTCPFeedback: videoFeedback,
	}
	// Constrained Baseline level 3.1, non-interleaved (STAP-A and FU-A).
	h264Codec = webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeH264, ClockRate: 90000, RTCPFeedback: videoFeedback,
		SDPFmtpLine: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
	}
	audioCodec = webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
		SDPFmtpLine: "minptime=10;useinbandfec=1",
	}
	// Redundant audio (RFC 2198) over Opus: forwarded as it comes to the
	// subscribers that negotiated it, its primary Opus to the others.
	redCodec = webrtc.RTPCodecCapability{MimeType: mimeRED, ClockRate: 48000, Channels: 2, SDPFmtpLine: "111/111"}
)

const mimeRED = "audio/red"

const (
	videoPayloadType = 96
	h264PayloadType  = 102
	audioPayloadType = 111
	redPayloadType   = 63
	// negotiateTimeout bounds ICE gathering; with the UDP mux it is instant.
	negotiateTimeout = 5 * time.Second
)

// New builds the shared webrtc.API and starts the UDP mux on cfg.Conn.
func New(cfg Config) (*SFU, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &SFU{conn: cfg.Conn, log: log, kfPeriod: cfg.KeyframeInterval, pubs: map[uint64]*publication{}}
	if s.kfPeriod <= 0 {
		s.kfPeriod = 200 * time.Millisecond
	}
	if cfg.Conn == nil {
		return nil, protocol.Errorf(protocol.ErrInternal, "sfu: no UDP socket")
	}
	lf := slogFactory{log}

	// Publishers' and subscribers' PeerConnections negotiate the same
	// codecs, feedback and header extensions, but only the publishers'
	// run pion's receiving interceptors (NACK generator, receiver reports,
	// stats, congestion feedback). A subscriber's sends get a
	// transport-wide sequence number and are recorded by its downlink
	// estimator (downlink.go), then go to SRTP: the SFU counts them
	// itself, answers NACKs from each track's packet cache (fanout.go) and
	// forwards sender reports (reports.go).
	pubMedia, reg, err := mediaEngine(lf)
	if err != nil {
		return nil, err
	}
	subMedia, _, err := mediaEngine(lf)
	if err != nil {
		return nil, err
	}

	se := webrtc.SettingEngine{LoggerFactory: lf}
	conn := cfg.Conn
	if udp, ok := conn.(*net.UDPConn); ok {
		s.batch = newBatchConn(udp)
		conn = s.batch
	}
	s.mux = webrtc.NewICEUDPMux(lf.NewLogger("udpmux"), conn)
	se.SetICEUDPMux(s.mux)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6})
	se.SetIncludeLoopbackCandidate(true) // a laptop or LAN server is often reached on 127.0.0.1
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	// AES-GCM first (docs/security.md); the last only for peers without it.
	se.SetSRTPProtectionProfiles(dtls.SRTP_AEAD_AES_256_GCM, dtls.SRTP_AEAD_AES_128_GCM, dtls.SRTP_AES128_CM_HMAC_SHA1_80)
	if len(cfg.PublicIPs) > 0 {
		// Append rather than replace: the server stays reachable on its
		// local addresses (LAN, loopback) as well as on the public one.
		if err := se.SetICEAddressRewriteRules(webrtc.ICEAddressRewriteRule{
			External: cfg.PublicIPs, AsCandidateType: webrtc.ICECandidateTypeHost,
			Mode: webrtc.ICEAddressRewriteAppend,
		}); err != nil {
			_ = s.mux.Close()
			return nil, protocol.Errorf(protocol.ErrServerConfigInvalid, "public_ips: "+err.Error())
		}
	}
	s.pubAPI = webrtc.NewAPI(webrtc.WithMediaEngine(pubMedia), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se))
	s.down = &downlinkHub{}
	subReg := &interceptor.Registry{}
	if !cfg.NoDownlinkEstimate {
		subReg.Add(twccStampFactory{s.down})
	}
	s.subAPI = webrtc.NewAPI(webrtc.WithMediaEngine(subMedia), webrtc.WithInterceptorRegistry(subReg),
		webrtc.WithSettingEngine(se))
	return s, nil
}

// mediaEngine registers the codecs Parley speaks and returns the engine with
// the interceptors that go with its feedback and header extensions.
func mediaEngine(lf slogFactory) (*webrtc.MediaEngine, *interceptor.Registry, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: videoCodec, PayloadType: videoPayloadType},
		webrtc.RTPCodecTypeVideo); err != nil {
		return nil, nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: h264Codec, PayloadType: h264PayloadType},
		webrtc.RTPCodecTypeVideo); err != nil {
		return nil, nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: audioCodec, PayloadType: audioPayloadType},
		webrtc.RTPCodecTypeAudio); err != nil {
		return nil, nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: redCodec, PayloadType: redPayloadType},
		webrtc.RTPCodecTypeAudio); err != nil {
		return nil, nil, err
	}
	reg, err := registry(m, lf)
	return m, reg, err
}

// LocalAddr is the UDP address media flows through.
func (s *SFU) LocalAddr() net.Addr { return s.conn.LocalAddr() }

// PublishParams describes one publish.
type PublishParams struct {
	ID     uint64 // the caller's name for the publication
	Label  string // media stream label (msid) of the tracks subscribers get
	Offer  string // sendonly video and/or audio, all candidates included
	Log    *slog.Logger
	OnGone func() // called once, never blocking, if the publisher's connection fails or the client closes it
}

// Publish answers a publisher's offer and registers the publication under
// p.ID. The answer carries all candidates (non-trickle). Errors carry
// ErrPublishSDPInvalid for offers the server cannot use.
func (s *SFU) Publish(ctx context.Context, p PublishParams) (string, error) {
	kinds, err := checkOffer(p.Offer, "sendonly", protocol.ErrPublishSDPInvalid)
	if err != nil {
		return "", err
	}
	pub, err := newPublication(s, p, kinds)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	if s.closed || s.pubs[p.ID] != nil {
		s.mu.Unlock()
		pub.close()
		return "", protocol.Errorf(protocol.ErrPublishNetwork, "server is shutting down")
	}
	s.pubs[p.ID] = pub
	s.mu.Unlock()

	answer, err := negotiate(ctx, pub.pc, p.Offer, protocol.ErrPublishSDPInvalid, nil)
	if err != nil {
		s.Unpublish(p.ID)
		return "", err
	}
	return answer, nil
}

// Unpublish closes a publication and every subscriber of it. Unknown ids
// are ignored, so teardown can be repeated.
func (s *SFU) Unpublish(id uint64) {
	s.mu.Lock()
	p := s.pubs[id]
	delete(s.pubs, id)
	s.mu.Unlock()
	if p != nil {
		p.close()
	}
}

// PlayParams describes one play.
type PlayParams struct {
	Publication uint64 // the ID of a live publication
	Subscriber  uint64 // the caller's name for the subscriber, unique per publication
	Offer       string // recvonly video and/or audio, all candidates included
	Log         *slog.Logger
	OnGone      func() // called once, never blocking, if the subscriber's connection fails or the client closes it
}

// Play answers a subscriber's offer with the publication's tracks. A
// subscriber with the same numbers is replaced.
func (s *SFU) Play(ctx context.Context, p PlayParams) (string, error) {
	kinds, err := checkOffer(p.Offer, "recvonly", protocol.ErrPlaySDPInvalid)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	pub := s.pubs[p.Publication]
	s.mu.Unlock()
	if pub == nil {
		return "", protocol.Errorf(protocol.ErrPlayStreamNotFound, "the stream has ended")
	}
	return pub.play(ctx, p, kinds)
}

// StopPlay closes one subscriber. Unknown numbers are ignored.
func (s *SFU) StopPlay(pub, sub uint64) {
	s.mu.Lock()
	p := s.pubs[pub]
	s.mu.Unlock()
	if p != nil {
		p.removeSub(sub)
	}
}

// ClosePeers closes every PeerConnection and refuses new ones. A server
// shuts media down first, so no packet is forwarded while signaling winds
// down.
func (s *SFU) ClosePeers() {
	s.mu.Lock()
	s.closed = true
	pubs := s.pubs
	s.pubs = map[uint64]*publication{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range pubs {
		wg.Add(1)
		go func() { defer wg.Done(); p.close() }()
	}
	wg.Wait()
}

// Close closes every PeerConnection, then the UDP mux and socket.
func (s *SFU) Close() error {
	s.ClosePeers()
	return s.mux.Close()
}

// negotiate applies an offer, lets beforeAnswer attach tracks, and returns
// the answer once ICE gathering is complete.
func negotiate(ctx context.Context, pc *webrtc.PeerConnection, offer string, code protocol.Code,
	beforeAnswer func() error) (string, error) {
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		return "", protocol.Errorf(code, "offer rejected: "+err.Error())
	}
	if beforeAnswer != nil {
		if err := beforeAnswer(); err != nil {
			return "", err
		}
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return "", protocol.Errorf(code, "cannot answer the offer: "+err.Error())
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		return "", protocol.Errorf(protocol.ErrInternal, "set local description: "+err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, negotiateTimeout)
	defer cancel()
	select {
	case <-gathered:
	case <-ctx.Done():
		return "", protocol.Errorf(protocol.ErrInternal, "ICE gathering: "+ctx.Err().Error())
	}
	ld := pc.LocalDescription()
	if ld == nil {
		return "", errors.New("sfu: no local description")
	}
	return ld.SDP, nil
}
