// Package testkit holds the clients Parley's server tests use: pion peers
// that publish synthetic RTP or receive it, and a raw signaling client. It
// lives under internal/ so it never becomes API.
package testkit

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/red"
	"github.com/parley-rtc/parley/internal/gather"
)

// H264 is the H.264 codec Parley peers register (payload type 102).
var H264 = webrtc.RTPCodecCapability{
	MimeType: webrtc.MimeTypeH264, ClockRate: 90000,
	SDPFmtpLine:  "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
	RTCPFeedback: []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}},
}

// RED is redundant audio over Opus (RFC 2198) as Parley peers register it
// (payload type 63).
var RED = webrtc.RTPCodecCapability{MimeType: "audio/red", ClockRate: 48000, Channels: 2, SDPFmtpLine: "111/111"}

// NewAPI returns a client-side pion API with the codecs Parley uses, bound to
// loopback only so tests connect fast and never touch the LAN. Its audio is
// Opus alone, as a browser's without RED.
func NewAPI() (*webrtc.API, error) { return NewAPIWith(false) }

// NewAPIWith is NewAPI, with RED beside Opus when red is true.
func NewAPIWith(red bool) (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
		RTCPFeedback: []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"}, {Type: "ccm", Parameter: "fir"}},
	}, PayloadType: 96}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: H264, PayloadType: 102}, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{
		MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1",
	}, PayloadType: 111}, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if red {
		if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: RED, PayloadType: 63}, webrtc.RTPCodecTypeAudio); err != nil {
			return nil, err
		}
	}
	reg := &interceptor.Registry{}
	if err := webrtc.RegisterDefaultInterceptors(m, reg); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// Payload is the synthetic payload of packet n of a kind ('v' or 'a'): the
// receiver can check every byte of what arrives.
func Payload(kind byte, n uint32) []byte {
	b := make([]byte, 120)
	b[0] = kind
	binary.BigEndian.PutUint32(b[1:], n)
	for i := 5; i < len(b); i++ {
		b[i] = byte(n) + byte(i)
	}
	return b
}

// offer creates an offer with every candidate in it (non-trickle).
func offer(pc *webrtc.PeerConnection) (string, error) { return offerWith(pc, nil) }

// RestartOffer is an offer from pc, with every candidate in it, that
// restarts ICE (restart_ice).
func RestartOffer(pc *webrtc.PeerConnection) (string, error) {
	return offerWith(pc, &webrtc.OfferOptions{ICERestart: true})
}

func offerWith(pc *webrtc.PeerConnection, opts *webrtc.OfferOptions) (string, error) {
	return gather.Offer(context.Background(), pc, opts)
}

// Publisher sends a VP8 (or H.264) and an Opus track of synthetic RTP packets.
type Publisher struct {
	PC           *webrtc.PeerConnection
	Video, Audio *webrtc.TrackLocalStaticRTP
	PLIs         atomic.Int64 // keyframe requests that reached the publisher

	red  bool // audio as RED (NewREDPublisher)
	stop chan struct{}
	wg   sync.WaitGroup
	once sync.Once
}

// NewPublisher builds a VP8 publisher and returns it with its offer.
func NewPublisher(api *webrtc.API) (*Publisher, string, error) {
	return NewPublisherWith(api, webrtc.MimeTypeVP8)
}

// NewREDPublisher builds a VP8 publisher whose audio is RED (api must be
// NewAPIWith(true)): each packet carries Payload('a', n-1) as a redundant
// block before its primary Payload('a', n).
func NewREDPublisher(api *webrtc.API) (*Publisher, string, error) {
	return newPublisher(api, webrtc.MimeTypeVP8, RED)
}

// NewPublisherWith builds a publisher whose offer lists only the video
// codec mime (webrtc.MimeTypeVP8 or webrtc.MimeTypeH264), as the engine's do.
func NewPublisherWith(api *webrtc.API, mime string) (*Publisher, string, error) {
	return newPublisher(api, mime, webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus})
}

func newPublisher(api *webrtc.API, mime string, audio webrtc.RTPCodecCapability) (*Publisher, string, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	p := &Publisher{PC: pc, stop: make(chan struct{}), red: audio.MimeType == RED.MimeType}
	fail := func(err error) (*Publisher, string, error) { p.Close(); return nil, "", err }
	// The preference keeps only the feedback it names: all of it.
	fb := append(slices.Clone(H264.RTCPFeedback), webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBTransportCC})
	vc := webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8, ClockRate: 90000,
		RTCPFeedback: fb}, PayloadType: 96}
	if mime == webrtc.MimeTypeH264 {
		vc = webrtc.RTPCodecParameters{RTPCodecCapability: H264, PayloadType: 102}
		vc.RTCPFeedback = fb
	}
	if p.Video, err = webrtc.NewTrackLocalStaticRTP(vc.RTPCodecCapability, "video", "test"); err != nil {
		return fail(err)
	}
	if p.Audio, err = webrtc.NewTrackLocalStaticRTP(audio, "audio", "test"); err != nil {
		return fail(err)
	}
	for _, t := range []*webrtc.TrackLocalStaticRTP{p.Video, p.Audio} {
		tr, err := pc.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return fail(err)
		}
		if t == p.Video {
			if err := tr.SetCodecPreferences([]webrtc.RTPCodecParameters{vc}); err != nil {
				return fail(err)
			}
		}
		p.wg.Add(1)
		go p.readRTCP(tr.Sender())
	}
	o, err := offer(pc)
	if err != nil {
		return fail(err)
	}
	return p, o, nil
}

func (p *Publisher) readRTCP(s *webrtc.RTPSender) {
	defer p.wg.Done()
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		for _, pk := range pkts {
			if _, ok := pk.(*rtcp.PictureLossIndication); ok {
				p.PLIs.Add(1)
			}
		}
	}
}

// Accept applies the server's answer.
func (p *Publisher) Accept(answer string) error {
	return p.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

// Start sends video and audio packets every 10 ms until Close.
func (p *Publisher) Start() {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for n := uint32(1); ; n++ {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
			_ = p.Video.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(n),
				Timestamp: n * 3000, Marker: true}, Payload: Payload('v', n)})
			payload := Payload('a', n)
			if p.red {
				payload, _ = red.Append(nil, 111, payload, red.Block{PT: 111, Offset: 480, Data: Payload('a', n-1)})
			}
			_ = p.Audio.WriteRTP(&rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: uint16(n),
				Timestamp: n * 480}, Payload: payload})
		}
	}()
}

// Close stops sending and closes the PeerConnection (PeerConnection first,
// then its goroutines are waited for).
func (p *Publisher) Close() {
	p.once.Do(func() {
		close(p.stop)
		_ = p.PC.Close()
		p.wg.Wait()
	})
}

// Subscriber receives a stream on recvonly transceivers.
type Subscriber struct {
	PC *webrtc.PeerConnection
	// Got receives each payload as it arrives (kind byte first); when the
	// channel is full further packets are counted but not queued.
	Got chan []byte
	// Bad counts packets whose payload differed from what Payload makes.
	Bad atomic.Int64
	// RED counts audio packets that came as RED: the primary is what
	// Payload makes, the block before it the packet before's.
	RED atomic.Int64

	mu         sync.Mutex
	videoSSRC  webrtc.SSRC
	videoCodec string
	wg         sync.WaitGroup
	closed     bool
	once       sync.Once
}

// NewSubscriber builds a subscriber and returns it with its offer.
func NewSubscriber(api *webrtc.API) (*Subscriber, string, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	s := &Subscriber{PC: pc, Got: make(chan []byte, 1024)}
	for _, k := range []webrtc.RTPCodecType{webrtc.RTPCodecTypeVideo, webrtc.RTPCodecTypeAudio} {
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			s.Close()
			return nil, "", err
		}
	}
	pc.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.wg.Add(1)
		if t.Kind() == webrtc.RTPCodecTypeVideo {
			s.videoSSRC, s.videoCodec = t.SSRC(), t.Codec().MimeType
		}
		s.mu.Unlock()
		defer s.wg.Done()
		var blocks []red.Block
		for {
			pkt, _, err := t.ReadRTP()
			if err != nil {
				return
			}
			if pkt.PayloadType == 63 { // RED, as NewAPIWith(true) registers it
				if blocks, err = red.Parse(pkt.Payload, blocks[:0]); err != nil || len(blocks) != 2 ||
					len(blocks[1].Data) < 5 || string(blocks[0].Data) != string(Payload('a', binary.BigEndian.Uint32(blocks[1].Data[1:])-1)) {
					s.Bad.Add(1)
					continue
				}
				s.RED.Add(1)
				pkt.Payload = blocks[1].Data
			}
			if len(pkt.Payload) < 5 || string(Payload(pkt.Payload[0], binary.BigEndian.Uint32(pkt.Payload[1:]))) != string(pkt.Payload) {
				s.Bad.Add(1)
				continue
			}
			select {
			case s.Got <- pkt.Payload:
			default:
			}
		}
	})
	o, err := offer(pc)
	if err != nil {
		s.Close()
		return nil, "", err
	}
	return s, o, nil
}

// Accept applies the server's answer.
func (s *Subscriber) Accept(answer string) error {
	return s.PC.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

// SendPLI asks the server for a keyframe of the video track.
func (s *Subscriber) SendPLI() error {
	s.mu.Lock()
	ssrc := s.videoSSRC
	s.mu.Unlock()
	if ssrc == 0 {
		return errors.New("no video track yet")
	}
	return s.PC.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: uint32(ssrc)}})
}

// VideoCodec is the mime type of the video track that arrived ("" before).
func (s *Subscriber) VideoCodec() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.videoCodec
}

// WaitKinds waits until packets of every kind in kinds ("va") arrived.
func (s *Subscriber) WaitKinds(kinds string, d time.Duration) error {
	want := map[byte]bool{}
	for i := range len(kinds) {
		want[kinds[i]] = true
	}
	deadline := time.After(d)
	for len(want) > 0 {
		select {
		case p := <-s.Got:
			delete(want, p[0])
		case <-deadline:
			return fmt.Errorf("no packets of kinds %q within %v", kinds, d)
		}
	}
	return nil
}

// Close closes the PeerConnection and waits for its readers.
func (s *Subscriber) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		_ = s.PC.Close()
		s.wg.Wait()
	})
}

// RemotePort is the remote UDP port of pc's selected ICE candidate pair.
func RemotePort(pc *webrtc.PeerConnection) (int, error) {
	for _, tr := range pc.GetTransceivers() {
		var dt *webrtc.DTLSTransport
		if s := tr.Sender(); s != nil {
			dt = s.Transport()
		} else if r := tr.Receiver(); r != nil {
			dt = r.Transport()
		}
		if dt == nil {
			continue
		}
		pair, err := dt.ICETransport().GetSelectedCandidatePair()
		if err != nil || pair == nil {
			return 0, fmt.Errorf("no selected candidate pair: %v", err)
		}
		return int(pair.Remote.Port), nil
	}
	return 0, errors.New("no transport")
}
