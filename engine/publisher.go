package engine

import (
	"context"
	"sync"

	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// publisher is one published stream on one channel: a sendonly
// PeerConnection to the server carrying the channel's video and, on the main
// channel, the engine's audio.
type publisher struct {
	e        *Engine
	ch       Channel
	streamID string
	roomID   string
	room     *room // publishing waits until its login is done
	cfg      VideoConfig

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	stateDirty chan struct{} // the camera or microphone state changed

	mu       sync.Mutex
	pc       *webrtc.PeerConnection
	venc     *videoEncoder
	aenc     *audioEncoder
	est      *estimator // nil without congestion control
	audioBps int        // the audio's share of the estimate
}

// StartPublishing publishes the channel's video (and on MAIN the engine's
// audio) as streamID in the first room the engine logged in to. PUBLISH_
// REQUESTING follows at once, then PUBLISHING when media flows, or
// NO_PUBLISH with an error code.
func (e *Engine) StartPublishing(streamID string, ch Channel) error {
	return e.startPublishing(streamID, ch)
}

func (e *Engine) startPublishing(streamID string, ch Channel) error {
	if err := protocol.CheckStreamID(streamID); err != nil {
		return err
	}
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	r := e.publishRoomLocked()
	if r == nil {
		return protocol.Errorf(protocol.ErrNotLoggedIn, "log in to a room before publishing")
	}
	for c, p := range e.pubs {
		if p != nil && (Channel(c) == ch || p.streamID == streamID) {
			return protocol.Errorf(protocol.ErrPublishAlreadyPublishing, "channel already publishes "+p.streamID)
		}
	}
	e.launchPublisherLocked(streamID, ch, r)
	return nil
}

// launchPublisherLocked starts publishing streamID on ch in room r:
// PUBLISH_REQUESTING now, PUBLISHING or NO_PUBLISH later (e.mu held).
func (e *Engine) launchPublisherLocked(streamID string, ch Channel, r *room) {
	p := &publisher{e: e, ch: ch, streamID: streamID, roomID: r.id, room: r, cfg: e.videoCfg[ch], stateDirty: make(chan struct{}, 1)}
	p.ctx, p.cancel = context.WithCancel(e.ctx)
	e.pubs[ch] = p
	e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: streamID, State: PublisherPublishRequesting, Extended: "{}"})
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		err := p.run()
		if err == nil {
			return
		}
		e.mu.Lock()
		mine := e.pubs[ch] == p
		if mine {
			e.pubs[ch] = nil
			e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: streamID, State: PublisherNoPublish,
				Code: protocol.CodeOf(err), Extended: errJSON(err)})
		}
		e.mu.Unlock()
		if mine {
			p.close()
		}
	}()
}

// run connects the publisher; it returns nil once PUBLISHING was reported.
func (p *publisher) run() error {
	e := p.e
	// Publishing may be asked for while the login is under way, as the
	// seed's quick start does; the stream goes out once the room is in.
	e.mu.Lock()
	loginDone := p.room.loginDone // a reconnection replaces it
	e.mu.Unlock()
	select {
	case <-loginDone:
	case <-p.ctx.Done():
		return nil
	}
	e.mu.Lock()
	in := e.rooms[p.roomID] == p.room && p.room.logined
	e.mu.Unlock()
	if !in {
		return protocol.Errorf(protocol.ErrNotLoggedIn, "the login to room "+p.roomID+" failed")
	}
	audioBps := 0
	if p.ch == ChannelMain {
		audioBps = e.audioKbps * 1000
		if !e.cfg.Without.AudioRedundancy {
			audioBps *= 2 // each packet is sent again inside the next
		}
	}
	pc, est, err := e.apis.bwe.newPeerConnection(e.apis.publish, p.cfg.BitrateKbps*1000+audioBps+packetOverheadBps)
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	if est != nil {
		est.OnTargetBitrateChange(func(bps int) { p.setEstimate(videoShare(bps, audioBps)) })
	}
	p.mu.Lock()
	p.pc, p.audioBps = pc, audioBps
	p.est, _ = est.(*estimator)
	p.mu.Unlock()
	connected := make(chan struct{})
	failed := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed:
			select {
			case <-failed:
			default:
				close(failed)
			}
		}
	})

	vcodec := videoCodecFor(p.cfg.Codec) // VP8 or H.264: the offer carries only this one
	vtrack, err := webrtc.NewTrackLocalStaticRTP(vcodec.RTPCodecCapability, "video", p.streamID)
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	atrack := newAudioTrack(p.streamID, !e.cfg.Without.AudioRedundancy)
	vsender, err := pc.AddTransceiverFromTrack(vtrack, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	if err := vsender.SetCodecPreferences([]webrtc.RTPCodecParameters{vcodec}); err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	asender, err := pc.AddTransceiverFromTrack(atrack, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}

	params := encoderParams{Adapt: !e.cfg.Without.Adaptation, Layers: vp8Layers}
	if e.cfg.Without.TemporalLayers {
		params.Layers = 1
	}
	if p.est != nil {
		params.Resent = p.est.retransmitBps
	}
	venc, err := newVideoEncoder(p.cfg, vtrack, params)
	if err != nil {
		return protocol.Errorf(protocol.ErrCodecUnsupported, err.Error())
	}
	p.mu.Lock()
	p.venc = venc
	p.mu.Unlock()
	if p.ch == ChannelMain {
		aenc, err := newAudioEncoder(e.audioKbps, atrack)
		if err != nil {
			return protocol.Errorf(protocol.ErrCodecUnsupported, err.Error())
		}
		p.mu.Lock()
		p.aenc = aenc
		p.mu.Unlock()
	}
	p.wg.Add(2)
	go p.readRTCP(vsender.Sender(), true)
	go p.readRTCP(asender.Sender(), false)

	sdp, err := offerGathered(p.ctx, pc, nil)
	if err != nil {
		return protocol.Errorf(protocol.ErrPublishNetwork, err.Error())
	}
	c, err := e.getConn(p.ctx)
	if err != nil {
		return err
	}
	var ans protocol.SDPAnswer
	pub := protocol.Publish{RoomID: p.roomID, StreamID: p.streamID, SDP: sdp,
		VideoState: e.videoState(p.ch), AudioState: e.audioState(p.ch)}
	if err := c.request(p.ctx, protocol.TypePublish, pub, &ans); err != nil {
		return err
	}
	p.wg.Add(1)
	go p.announceLoop(c, pub.VideoState, pub.AudioState)
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans.SDP}); err != nil {
		return protocol.Errorf(protocol.ErrPublishSDPInvalid, err.Error())
	}
	// Start the capture now; the encoders get its frames once the
	// connection is up. Packets sent before would never arrive, and the
	// bandwidth estimator would count them as lost.
	e.mu.Lock()
	if e.pubs[p.ch] != p {
		e.mu.Unlock()
		return nil
	}
	e.captureLocked(p.ch)
	e.mu.Unlock()

	select {
	case <-connected:
	case <-failed:
		return protocol.Errorf(protocol.ErrPublishNetwork, "media connection failed")
	case <-p.ctx.Done():
		return nil
	}
	venc.requestKeyFrame()
	e.mu.Lock()
	if e.pubs[p.ch] == p {
		e.captureLocked(p.ch).setSink(venc)
		if p.aenc != nil {
			e.audioCaptureLocked().setSink(p.aenc)
		}
		e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: p.streamID, State: PublisherPublishing, Extended: "{}"})
		p.wg.Add(1)
		go func() { defer p.wg.Done(); e.watchICE(p.ctx, pc, p.streamID, false) }()
	}
	e.mu.Unlock()
	return nil
}

// readRTCP drains a sender's RTCP (which also drives pion's interceptors)
// and turns keyframe requests into forced keyframes.
func (p *publisher) readRTCP(s *webrtc.RTPSender, video bool) {
	defer p.wg.Done()
	for {
		pkts, _, err := s.ReadRTCP()
		if err != nil {
			return
		}
		if !video {
			continue
		}
		for _, pkt := range pkts {
			switch pkt.(type) {
			case *rtcp.PictureLossIndication, *rtcp.FullIntraRequest:
				p.mu.Lock()
				if p.venc != nil {
					p.venc.requestKeyFrame()
				}
				p.mu.Unlock()
			}
		}
	}
}

// close tears the publisher down: PeerConnection first, then the encoders.
func (p *publisher) close() {
	p.cancel()
	p.mu.Lock()
	pc, venc, aenc := p.pc, p.venc, p.aenc
	p.mu.Unlock()
	if pc != nil {
		pc.Close()
	}
	p.wg.Wait()
	if venc != nil {
		venc.close()
	}
	if aenc != nil {
		aenc.close()
	}
}

// StopPublishing stops the channel's stream; NO_PUBLISH follows.
func (e *Engine) StopPublishing(ch Channel) error {
	return e.stopPublishing(ch)
}

func (e *Engine) stopPublishing(ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	p := e.pubs[ch]
	if p == nil {
		e.mu.Unlock()
		return nil
	}
	e.pubs[ch] = nil
	stopped := e.detachPublisherLocked(p)
	conn := e.conn
	e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: p.streamID, State: PublisherNoPublish, Extended: "{}"})
	e.mu.Unlock()
	e.finishPublisher(p, stopped, conn)
	return nil
}

// detachPublisherLocked unhooks p from the sources; it returns a capture
// that is now unused and must be stopped outside the lock.
func (e *Engine) detachPublisherLocked(p *publisher) *videoCapture {
	if c := e.captures[p.ch]; c != nil {
		c.setSink(nil)
	}
	if p.ch == ChannelMain && e.audioCap != nil {
		e.audioCap.setSink(nil)
	}
	return e.releaseCaptureLocked(p.ch)
}

// finishPublisher closes p and tells the server, off the caller's thread.
func (e *Engine) finishPublisher(p *publisher, stopped *videoCapture, conn *connection) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		p.close()
		if stopped != nil {
			stopped.stop()
		}
		if conn != nil {
			select {
			case <-conn.ready:
				if conn.err == nil {
					conn.request(e.ctx, protocol.TypeUnpublish, protocol.Unpublish{StreamID: p.streamID}, nil)
				}
			case <-e.ctx.Done():
			}
		}
	}()
}

// stopPublishersInRoomLocked takes the publishers of a room and emits
// NO_PUBLISH for each; the caller closes them outside the lock.
func (e *Engine) stopPublishersInRoomLocked(roomID string) []*publisher {
	var out []*publisher
	for ch, p := range e.pubs {
		if p != nil && p.roomID == roomID {
			e.pubs[ch] = nil
			if c := e.detachPublisherLocked(p); c != nil {
				e.wg.Add(1)
				go func() { defer e.wg.Done(); c.stop() }()
			}
			out = append(out, p)
			e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: p.streamID, State: PublisherNoPublish, Extended: "{}"})
		}
	}
	return out
}

// audioCaptureLocked returns the engine's audio capture, starting it if needed.
func (e *Engine) audioCaptureLocked() *audioCapture {
	if e.audioCap == nil {
		e.audioCap = e.newAudioCaptureLocked(e.audioSrc)
	}
	return e.audioCap
}

// setEstimate hands the video encoder its share of the bandwidth estimate.
func (p *publisher) setEstimate(bps int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.venc != nil {
		p.venc.setEstimate(bps)
	}
}

// setBitrate applies a new configured bitrate; the estimate may then grow
// to it.
func (p *publisher) setBitrate(kbps int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.est != nil {
		p.est.setMax(kbps*1000 + p.audioBps + packetOverheadBps)
	}
	if p.venc == nil {
		return
	}
	p.venc.setBitrate(kbps)
}

// announce schedules a stream_state message with the current camera and
// microphone state; it never blocks.
func (p *publisher) announce() {
	select {
	case p.stateDirty <- struct{}{}:
	default:
	}
}

// announceLoop sends the newest state whenever it differs from what the
// server last heard, one request at a time so that updates keep their order.
func (p *publisher) announceLoop(c *connection, video, audio protocol.DeviceState) {
	defer p.wg.Done()
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-p.stateDirty:
		}
		v, a := p.e.videoState(p.ch), p.e.audioState(p.ch)
		if v == video && a == audio {
			continue
		}
		if c.request(p.ctx, protocol.TypeStreamState, protocol.StreamState{StreamID: p.streamID, VideoState: v, AudioState: a}, nil) == nil {
			video, audio = v, a
		}
	}
}

func (p *publisher) requestKeyFrame() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.venc != nil {
		p.venc.requestKeyFrame()
	}
}
