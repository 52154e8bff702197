package sfu

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// publication is one published stream: the publisher's PeerConnection, the
// two local tracks subscribers attach to, and the subscribers.
type publication struct {
	sfu   *SFU
	id    uint64
	log   *slog.Logger
	pc    *webrtc.PeerConnection
	video *fanout
	audio *fanout

	counts     [2]trackCount // forwarded, by kindVideo and kindAudio
	videoSSRC  atomic.Uint32 // 0 until the publisher's video arrives
	pliPending atomic.Bool   // a keyframe was asked for before videoSSRC was known
	keyframe   chan struct{} // cap 1: requests coalesce while one is pending
	done       chan struct{} // closed by close()

	closing  atomic.Bool // set before the server closes pc: its Closed state is no news
	goneSent atomic.Bool

	mu     sync.Mutex
	closed bool
	subs   map[uint64]*subscriber
	wg     sync.WaitGroup // every goroutine this publication started
}

// Track kinds, as indexes.
const (
	kindVideo = 0
	kindAudio = 1
)

// gone reports whether a connection state means the peer's media is over:
// ICE failed, or the client closed it (a DTLS close_notify closes pion's
// PeerConnection).
func gone(st webrtc.PeerConnectionState) bool {
	return st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed
}

func newPublication(s *SFU, params PublishParams, kinds offerKinds) (*publication, error) {
	p := &publication{sfu: s, id: params.ID, log: params.Log, keyframe: make(chan struct{}, 1),
		done: make(chan struct{}), subs: map[uint64]*subscriber{}}
	label := params.Label
	var err error
	// Tracks exist before the publisher's media does, so subscribers can
	// attach at once and get the very first packets. The video track has
	// the codec the publisher sends: the first of VP8 and H.264 its offer
	// lists, which is the one the answer makes it send.
	vc := videoCodec
	if len(kinds.videoCodecs) > 0 && kinds.videoCodecs[0] == webrtc.MimeTypeH264 {
		vc = h264Codec
	}
	if p.video, err = newFanout(vc, "video", label, videoCacheSize, &s.cnt); err != nil {
		return nil, err
	}
	if p.audio, err = newFanout(audioCodec, "audio", label, audioCacheSize, &s.cnt); err != nil {
		return nil, err
	}
	if p.pc, err = s.pubAPI.NewPeerConnection(webrtc.Configuration{}); err != nil {
		return nil, protocol.Errorf(protocol.ErrInternal, "new PeerConnection: "+err.Error())
	}
	p.pc.OnTrack(p.onTrack)
	p.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		p.log.Debug("publisher connection", "state", st.String())
		if gone(st) && !p.closing.Load() && params.OnGone != nil && !p.goneSent.Swap(true) {
			p.log.Info("publisher media connection ended", "state", st.String())
			params.OnGone()
		}
	})
	p.wg.Add(2)
	go p.keyframeLoop()
	go p.downlinkLoop()
	return p, nil
}

// enter registers a goroutine of the publication, or reports false once the
// publication is closing (pion may still fire a callback then).
func (p *publication) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.wg.Add(1)
	return true
}

// onTrack runs on pion's callback goroutine for each incoming track and
// pumps it until the PeerConnection closes.
func (p *publication) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	local, kind := p.audio, kindAudio
	if remote.Kind() == webrtc.RTPCodecTypeVideo {
		local, kind = p.video, kindVideo
		p.videoSSRC.Store(uint32(remote.SSRC()))
		if p.pliPending.Swap(false) {
			p.requestKeyframe()
		}
	}
	if kind == kindAudio {
		for _, c := range recv.GetParameters().Codecs {
			if strings.EqualFold(c.MimeType, mimeRED) {
				local.redIn.Store(uint32(c.PayloadType))
			}
		}
	}
	p.log.Debug("publisher track", "kind", remote.Kind().String(), "ssrc", uint32(remote.SSRC()),
		"codec", remote.Codec().MimeType)
	if p.enter() {
		go p.readRTCP(recv, kind)
	}
	p.sfu.cnt.tracksIn.Add(1)
	defer p.sfu.cnt.tracksIn.Add(-1)
	forward(remote, local, &p.counts[kind], p.sfu)
}

// forward reads RTP from the publisher and writes each packet to every
// subscriber (fanout.write), the socket writes of one packet's fan-out
// batched. The buffer and packet are reused: no allocation per packet.
// Header extensions are dropped because their IDs were negotiated with the
// publisher, not with the subscribers.
func forward(remote *webrtc.TrackRemote, local *fanout, cnt *trackCount, s *SFU) {
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := remote.Read(buf)
		if err != nil {
			return
		}
		start := time.Now()
		s.cnt.packetsIn.Add(1)
		s.cnt.bytesIn.Add(uint64(n))
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		pkt.Header.Extension = false
		pkt.Header.Extensions = pkt.Header.Extensions[:0]
		if pkt.PaddingSize != 0 && pkt.Header.PaddingSize == 0 {
			pkt.Header.PaddingSize = pkt.PaddingSize // Marshal pads to it
		}
		s.batch.hold()
		local.write(&pkt.Header, pkt.Payload)
		s.batch.release()
		cnt.add(len(pkt.Payload))
		s.cnt.observeForward(time.Since(start))
	}
}

// readRTCP reads the publisher's RTCP for one track, which also feeds
// pion's report interceptor, and forwards its sender reports to the
// subscribers (reports.go).
func (p *publication) readRTCP(recv *webrtc.RTPReceiver, kind int) {
	defer p.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := recv.Read(buf)
		if err != nil {
			return
		}
		if sr := senderReport(buf[:n]); sr != nil {
			var oneWay time.Duration
			if st, ok := recv.Transport().ICETransport().GetSelectedCandidatePairStats(); ok {
				oneWay = time.Duration(st.CurrentRoundTripTime * float64(time.Second) / 2)
			}
			p.forwardSR(kind, sr, oneWay)
		}
	}
}

// requestKeyframe asks the publisher for a keyframe soon. It never blocks;
// requests made while one is pending merge into it.
func (p *publication) requestKeyframe() {
	select {
	case p.keyframe <- struct{}{}:
	default:
	}
}

// keyframeLoop sends PLIs to the publisher, at most one per kfPeriod, so a
// crowd of subscribers joining or losing packets costs one keyframe.
func (p *publication) keyframeLoop() {
	defer p.wg.Done()
	t := time.NewTimer(0)
	<-t.C
	defer t.Stop()
	for {
		select {
		case <-p.done:
			return
		case <-p.keyframe:
		}
		ssrc := p.videoSSRC.Load()
		if ssrc == 0 {
			p.pliPending.Store(true)
			if ssrc = p.videoSSRC.Load(); ssrc == 0 || !p.pliPending.Swap(false) {
				continue // onTrack will ask again when the video arrives
			}
		}
		if err := p.pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}}); err != nil {
			p.log.Debug("send PLI", "err", err)
		} else {
			p.sfu.cnt.plisOut.Add(1)
		}
		t.Reset(p.sfu.kfPeriod)
		select {
		case <-p.done:
			return
		case <-t.C:
		}
	}
}

// play attaches a new subscriber.
func (p *publication) play(ctx context.Context, params PlayParams, kinds offerKinds) (string, error) {
	if mime := p.video.Codec().MimeType; kinds.video && !kinds.offersVideo(mime) {
		return "", protocol.Errorf(protocol.ErrPlaySDPInvalid, "the stream's video is "+mime+", which the offer does not list")
	}
	id := params.Subscriber
	sub, err := newSubscriber(p, params)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		sub.close()
		return "", protocol.Errorf(protocol.ErrPlayStreamNotFound, "the stream has ended")
	}
	old := p.subs[id]
	p.subs[id] = sub
	p.mu.Unlock()
	if old != nil {
		old.close()
	}
	answer, err := negotiate(ctx, sub.pc, params.Offer, protocol.ErrPlaySDPInvalid, func() error { return sub.attach(kinds) })
	if err != nil {
		p.removeSubIf(id, sub)
		return "", err
	}
	return answer, nil
}

// subscribers returns the subscribers as of now.
func (p *publication) subscribers() []*subscriber {
	p.mu.Lock()
	defer p.mu.Unlock()
	subs := make([]*subscriber, 0, len(p.subs))
	for _, s := range p.subs {
		subs = append(subs, s)
	}
	return subs
}

func (p *publication) removeSub(id uint64) {
	p.mu.Lock()
	sub := p.subs[id]
	delete(p.subs, id)
	p.mu.Unlock()
	if sub != nil {
		sub.close()
	}
}

// removeSubIf removes subscriber id only if it is still sub (a newer play
// with the same numbers may have replaced it).
func (p *publication) removeSubIf(id uint64, sub *subscriber) {
	p.mu.Lock()
	if p.subs[id] == sub {
		delete(p.subs, id)
	}
	p.mu.Unlock()
	sub.close()
}

// close closes the subscribers, then the publisher's PeerConnection, and
// waits for every goroutine of the publication.
func (p *publication) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	subs := p.subs
	p.subs = nil
	p.mu.Unlock()
	for _, s := range subs {
		s.close()
	}
	p.closing.Store(true)
	if err := p.pc.Close(); err != nil {
		p.log.Debug("close publisher PeerConnection", "err", err)
	}
	close(p.done)
	p.wg.Wait()
}
