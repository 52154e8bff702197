package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/internal/gather"
)

// profile is what one publisher sends.
type profile struct {
	Name         string
	VideoPPS     int // video packets per second (0: no video)
	VideoPayload int // bytes of each video packet's payload
	FPS          int
	AudioPayload int // bytes of each 20 ms Opus-like packet (0: no audio)
}

// packetRate is the packets per second a publisher of the profile sends.
func (p profile) packetRate() float64 {
	r := float64(p.VideoPPS)
	if p.AudioPayload > 0 {
		r += 50
	}
	return r
}

// profiles the tool knows. 720p is the issue's: one 720p layer of about
// 1.5 Mbit/s in about 175 packets/s. 360p+audio is a player's camera in a
// room where everyone sees everyone.
var profiles = map[string]profile{
	"720p":       {Name: "720p", VideoPPS: 175, VideoPayload: 1060, FPS: 30},
	"audio":      {Name: "audio", AudioPayload: 100},
	"360p+audio": {Name: "360p+audio", VideoPPS: 60, VideoPayload: 1000, FPS: 30, AudioPayload: 100},
}

// Synthetic payloads: the first sendTimeBytes bytes of every packet are the
// send time (Unix ns, big endian), the rest is the same filler each time.
// Nothing decodes them; a payload is not an encoded picture or sound. The
// send time rides in the payload rather than in a header extension because
// the server forwards payloads untouched and strips the publisher's header
// extensions (their IDs are negotiated per PeerConnection): carrying it
// costs the server nothing, so the figure measures forwarding alone.
const sendTimeBytes = 8

// keyframeFactor is how many times a normal frame's packets a keyframe has.
const keyframeFactor = 4

// Codecs with the server's fixed payload types (docs/protocol.md).
var (
	vp8 = webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeVP8,
		ClockRate: 90000, RTCPFeedback: []webrtc.RTCPFeedback{{Type: "nack"}, {Type: "nack", Parameter: "pli"},
			{Type: "ccm", Parameter: "fir"}, {Type: "transport-cc"}}}, PayloadType: 96}
	opus = webrtc.RTPCodecParameters{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus,
		ClockRate: 48000, Channels: 2, SDPFmtpLine: "minptime=10;useinbandfec=1"}, PayloadType: 111}
)

// newAPI is the tool's pion: VP8 and Opus, loopback UDP only, and of the
// interceptors only NACK (generator and responder), RTCP reports (sender
// and receiver) and transport-wide congestion feedback on what it receives:
// what a real client's media stack answers to (the server estimates each
// player's downlink from that feedback), without the statistics whose CPU
// the tool would only spend on itself.
func newAPI() (*webrtc.API, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(vp8, webrtc.RTPCodecTypeVideo); err != nil {
		return nil, err
	}
	if err := m.RegisterCodec(opus, webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	reg := &interceptor.Registry{}
	if err := webrtc.ConfigureNack(m, reg); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureRTCPReports(reg); err != nil {
		return nil, err
	}
	if err := webrtc.ConfigureTWCCSender(m, reg); err != nil {
		return nil, err
	}
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithInterceptorRegistry(reg), webrtc.WithSettingEngine(se)), nil
}

// offer creates an offer with every candidate in it (non-trickle).
func offer(pc *webrtc.PeerConnection) (string, error) {
	return gather.Offer(context.Background(), pc, nil)
}

func accept(pc *webrtc.PeerConnection, answer string) error {
	return pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer})
}

// sendCounts is what the publishers sent.
type sendCounts struct {
	packets, octets, dropped, plis atomic.Uint64
}

// publisher sends one stream of synthetic RTP at a profile.
type publisher struct {
	pc    *webrtc.PeerConnection
	video *webrtc.TrackLocalStaticRTP
	audio *webrtc.TrackLocalStaticRTP
	prof  profile
	cnt   *sendCounts
	// dropEvery > 0 skips every dropEvery-th sequence number of each track
	// without sending it: the loss subscribers must then report.
	dropEvery int

	keyframe atomic.Bool // a PLI or FIR arrived: the next frame is a keyframe
	stop     chan struct{}
	wg       sync.WaitGroup
	once     sync.Once
}

// newPublisher builds a sendonly PeerConnection for prof and returns its offer.
func newPublisher(api *webrtc.API, prof profile, cnt *sendCounts, dropEvery int) (*publisher, string, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	p := &publisher{pc: pc, prof: prof, cnt: cnt, dropEvery: dropEvery, stop: make(chan struct{})}
	add := func(c webrtc.RTPCodecParameters, kind string) (*webrtc.TrackLocalStaticRTP, error) {
		t, err := webrtc.NewTrackLocalStaticRTP(c.RTPCodecCapability, kind, "load")
		if err != nil {
			return nil, err
		}
		tr, err := pc.AddTransceiverFromTrack(t, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return nil, err
		}
		p.wg.Go(func() { p.readRTCP(tr.Sender()) })
		return t, nil
	}
	if prof.VideoPPS > 0 {
		if p.video, err = add(vp8, "video"); err != nil {
			p.close()
			return nil, "", err
		}
	}
	if prof.AudioPayload > 0 {
		if p.audio, err = add(opus, "audio"); err != nil {
			p.close()
			return nil, "", err
		}
	}
	o, err := offer(pc)
	if err != nil {
		p.close()
		return nil, "", err
	}
	return p, o, nil
}

// readRTCP reads a sender's RTCP, which feeds the NACK responder, and notes
// keyframe requests.
func (p *publisher) readRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		n, _, err := s.Read(buf)
		if err != nil {
			return
		}
		if k := keyframeRequests(buf[:n]); k > 0 {
			p.cnt.plis.Add(uint64(k))
			p.keyframe.Store(true)
		}
	}
}

// keyframeRequests counts the PLIs and FIRs in a compound RTCP packet.
func keyframeRequests(b []byte) int {
	k := 0
	for len(b) >= 4 {
		if b[1] == 206 && (b[0]&0x1f == 1 || b[0]&0x1f == 4) { // PSFB: PLI, FIR
			k++
		}
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			break
		}
		b = b[n:]
	}
	return k
}

// start sends until close.
func (p *publisher) start() {
	if p.video != nil {
		p.wg.Go(p.sendVideo)
	}
	if p.audio != nil {
		p.wg.Go(p.sendAudio)
	}
}

// sender writes one track's packets, reusing one packet and payload.
type sender struct {
	p       *publisher
	track   *webrtc.TrackLocalStaticRTP
	pkt     rtp.Packet
	payload []byte
}

func (p *publisher) newSender(t *webrtc.TrackLocalStaticRTP, size int) *sender {
	s := &sender{p: p, track: t, payload: make([]byte, max(size, sendTimeBytes))}
	for i := sendTimeBytes; i < len(s.payload); i++ {
		s.payload[i] = byte(i)
	}
	s.pkt.Header = rtp.Header{Version: 2, SequenceNumber: uint16(time.Now().UnixNano()), Timestamp: uint32(time.Now().UnixNano())}
	return s
}

// send writes the next packet with the send time in its payload, or skips
// its sequence number when the test asks for drops.
func (s *sender) send(marker bool) {
	h := &s.pkt.Header
	h.SequenceNumber++
	h.Marker = marker
	if d := s.p.dropEvery; d > 0 && int(h.SequenceNumber)%d == 0 {
		s.p.cnt.dropped.Add(1)
		return
	}
	binary.BigEndian.PutUint64(s.payload, uint64(time.Now().UnixNano()))
	s.pkt.Payload = s.payload
	if s.track.WriteRTP(&s.pkt) == nil {
		s.p.cnt.packets.Add(1)
		s.p.cnt.octets.Add(uint64(len(s.payload)))
	}
}

// pacer sleeps from one packet's slot to the next. A sender that fell far
// behind (a stalled machine) starts afresh instead of bursting to catch up.
type pacer struct {
	next   time.Time
	period time.Duration
	timer  *time.Timer
}

func newPacer(period time.Duration) *pacer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &pacer{next: time.Now(), period: period, timer: t}
}

// wait returns false once stop is closed.
func (pc *pacer) wait(stop <-chan struct{}) bool {
	pc.next = pc.next.Add(pc.period)
	d := time.Until(pc.next)
	if d < -100*time.Millisecond {
		pc.next = time.Now()
	}
	if d <= 0 {
		select {
		case <-stop:
			return false
		default:
			return true
		}
	}
	pc.timer.Reset(d)
	select {
	case <-stop:
		pc.timer.Stop()
		return false
	case <-pc.timer.C:
		return true
	}
}

// sendVideo sends frames at the profile's rate, each frame's packets spread
// evenly over the frame interval as a paced sender does; a keyframe request
// makes the next frame keyframeFactor times as large (it then takes that
// many frame intervals at the same packet rate).
func (p *publisher) sendVideo() {
	s := p.newSender(p.video, p.prof.VideoPayload)
	pace := newPacer(time.Second / time.Duration(p.prof.VideoPPS))
	perFrame := float64(p.prof.VideoPPS) / float64(p.prof.FPS)
	var owed float64 // packets of frames so far not yet given to a frame
	left := 0        // packets left in the current frame
	for pace.wait(p.stop) {
		if left == 0 {
			s.pkt.Timestamp += uint32(90000 / p.prof.FPS)
			owed += perFrame
			left = max(int(owed), 1)
			owed -= float64(left)
			if p.keyframe.Swap(false) {
				left *= keyframeFactor
			}
		}
		left--
		s.send(left == 0)
	}
}

// sendAudio sends a 20 ms packet every 20 ms.
func (p *publisher) sendAudio() {
	s := p.newSender(p.audio, p.prof.AudioPayload)
	pace := newPacer(20 * time.Millisecond)
	for pace.wait(p.stop) {
		s.pkt.Timestamp += 960
		s.send(false)
	}
}

// close stops sending and closes the PeerConnection.
func (p *publisher) close() {
	p.once.Do(func() {
		close(p.stop)
		_ = p.pc.Close()
		p.wg.Wait()
	})
}

// subscriber receives one played stream on recvonly transceivers and counts
// what arrives; it decodes nothing.
type subscriber struct {
	pc        *webrtc.PeerConnection
	tracks    map[string]*trackStats // by kind, "video" and "audio"
	measuring *atomic.Bool

	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	once   sync.Once
}

// newSubscriber builds a recvonly PeerConnection for prof's kinds and
// returns its offer.
func newSubscriber(api *webrtc.API, prof profile, measuring *atomic.Bool) (*subscriber, string, error) {
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, "", err
	}
	s := &subscriber{pc: pc, tracks: map[string]*trackStats{}, measuring: measuring}
	kinds := map[string]webrtc.RTPCodecType{}
	if prof.VideoPPS > 0 {
		kinds["video"] = webrtc.RTPCodecTypeVideo
	}
	if prof.AudioPayload > 0 {
		kinds["audio"] = webrtc.RTPCodecTypeAudio
	}
	for _, name := range []string{"video", "audio"} {
		k, ok := kinds[name]
		if !ok {
			continue
		}
		if _, err := pc.AddTransceiverFromKind(k, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}); err != nil {
			s.close()
			return nil, "", err
		}
		s.tracks[name] = newTrackStats()
	}
	pc.OnTrack(s.onTrack)
	o, err := offer(pc)
	if err != nil {
		s.close()
		return nil, "", err
	}
	return s, o, nil
}

// onTrack reads a track until the PeerConnection closes. It runs on the
// goroutine pion starts for the track: the tool adds none per packet.
func (s *subscriber) onTrack(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
	st := s.tracks[t.Kind().String()]
	s.mu.Lock()
	if s.closed || st == nil {
		s.mu.Unlock()
		return
	}
	s.wg.Add(2)
	s.mu.Unlock()
	defer s.wg.Done()
	// The receiver's RTCP (the server's sender reports) is read so the
	// report interceptor sees it.
	go func() {
		defer s.wg.Done()
		buf := make([]byte, 1500)
		for {
			if _, _, err := r.Read(buf); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 1500)
	for {
		n, _, err := t.Read(buf)
		if err != nil {
			return
		}
		st.packet(buf[:n], time.Now(), s.measuring.Load())
	}
}

// waitFirst waits until every track got a packet.
func (s *subscriber) waitFirst(d time.Duration) error {
	deadline := time.After(d)
	for kind, t := range s.tracks {
		select {
		case <-t.first:
		case <-deadline:
			return fmt.Errorf("no %s packet within %v", kind, d)
		}
	}
	return nil
}

// close closes the PeerConnection and waits for the readers.
func (s *subscriber) close() {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		_ = s.pc.Close()
		s.wg.Wait()
	})
}
