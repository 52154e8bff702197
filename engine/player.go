package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// player plays one stream: a recvonly PeerConnection per attempt, whose
// video lands in the view and whose audio goes to the mixer. A player whose
// stream is not published (yet, or any more) waits in PLAY_REQUESTING and
// connects when the stream appears.
type player struct {
	e        *Engine
	streamID string

	mu      sync.Mutex
	view    *render.View
	att     *attempt
	waiting bool // no attempt running; start one when the stream appears

	stats playStats

	// Muted here by the host, or not sent by the publisher: no frames are
	// expected, so no break is reported.
	localVideoMuted, localAudioMuted atomic.Bool
	remoteVideoOff, remoteAudioOff   atomic.Bool
}

// updateBreakWatch tells the current attempt which media to expect.
func (p *player) updateBreakWatch() {
	p.mu.Lock()
	a := p.att
	p.mu.Unlock()
	if a != nil {
		a.video.setMuted(p.localVideoMuted.Load() || p.remoteVideoOff.Load())
		a.audio.setMuted(p.localAudioMuted.Load() || p.remoteAudioOff.Load())
	}
}

// playStats are counters read by the quality loop.
type playStats struct {
	recvFrames, decodedFrames, renderedFrames atomic.Uint64
	videoBytes, audioBytes                    atomic.Uint64
	delaySumMs, delayCount                    atomic.Int64
	width, height                             atomic.Int32
	videoBreaks                               atomic.Uint64
}

// attempt is one connection of a player; a new one replaces it when the
// stream comes back.
type attempt struct {
	p      *player
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	pc     *webrtc.PeerConnection
	pcMu   sync.Mutex

	firstRecv, firstRender bool
	lastW, lastH           int

	clock     remoteClock // the video's RTP time on this host's clock
	rtt       *rttMeter   // round trip to the server over RTCP
	probeOnce sync.Once

	video, audio breakWatch
}

// StartPlaying plays streamID into view (nil: audio only). Playing a stream
// nobody publishes yet is allowed: PLAY_REQUESTING until it appears, then
// PLAYING. Calling it again for a playing stream switches the view.
func (e *Engine) StartPlaying(streamID string, view *render.View) error {
	return e.startPlaying(streamID, view)
}

func (e *Engine) startPlaying(streamID string, view *render.View) error {
	if err := protocol.CheckStreamID(streamID); err != nil {
		return err
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	if len(e.rooms) == 0 {
		return protocol.Errorf(protocol.ErrNotLoggedIn, "log in to a room before playing")
	}
	if p := e.players[streamID]; p != nil {
		if err := attachView(view, p); err != nil {
			return err
		}
		p.mu.Lock()
		if p.view != view {
			detachView(p.view, p)
			p.view = view
		}
		p.mu.Unlock()
		return nil
	}
	p := &player{e: e, streamID: streamID, view: view}
	if err := attachView(view, p); err != nil {
		return err
	}
	e.players[streamID] = p
	e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: streamID, State: PlayerPlayRequesting, Extended: "{}"})
	p.startLocked()
	return nil
}

// startLocked begins a connection attempt (e.mu held).
func (p *player) startLocked() { p.startAfterLocked(0) }

// startAfterLocked begins a connection attempt after a pause; a retry
// pauses so that a stream that keeps failing cannot spin.
func (p *player) startAfterLocked(delay time.Duration) {
	e := p.e
	a := &attempt{p: p, rtt: newRTTMeter()}
	a.initBreaks()
	a.ctx, a.cancel = context.WithCancel(e.ctx)
	p.mu.Lock()
	p.att = a
	p.waiting = false
	p.mu.Unlock()
	p.updateBreakWatch()
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-a.ctx.Done():
				return
			}
		}
		err := a.run()
		if err == nil {
			return
		}
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.players[p.streamID] != p {
			return
		}
		p.mu.Lock()
		current := p.att == a
		if current {
			p.att = nil
			p.waiting = true
		}
		p.mu.Unlock()
		if !current {
			return
		}
		a.closeAsync()
		// Wait in PLAY_REQUESTING until the stream appears — or, while it is
		// published, try again shortly: a failure (the stream not there yet,
		// a media connection that did not come up) is not the stream's end.
		retry := time.Second
		if protocol.CodeOf(err) == protocol.ErrPlayStreamNotFound {
			retry = 100 * time.Millisecond
		} else {
			e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: p.streamID, State: PlayerPlayRequesting,
				Code: protocol.CodeOf(err), Extended: errJSON(err)})
		}
		if e.knownStreamLocked(p.streamID) {
			p.startAfterLocked(retry)
		}
	}()
}

// startWaitingPlayersLocked starts the players whose stream just appeared.
func (e *Engine) startWaitingPlayersLocked() {
	for id, p := range e.players {
		p.mu.Lock()
		w := p.waiting
		p.mu.Unlock()
		if w && e.knownStreamLocked(id) {
			p.startLocked()
		}
	}
}

// streamGone ends the current attempt because the stream stopped; the
// player goes back to PLAY_REQUESTING (e.mu held).
func (p *player) streamGone() {
	p.mu.Lock()
	a := p.att
	p.att = nil
	wasWaiting := p.waiting
	p.waiting = true
	p.mu.Unlock()
	if a != nil {
		a.closeAsync()
	}
	if !wasWaiting {
		p.e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: p.streamID, State: PlayerPlayRequesting, Extended: "{}"})
	}
}

func (p *player) close() {
	p.mu.Lock()
	a := p.att
	p.att = nil
	p.waiting = false
	view := p.view
	p.view = nil
	p.mu.Unlock()
	if a != nil {
		a.close()
	}
	detachView(view, p)
}

func (p *player) currentView() *render.View {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.view
}

func (a *attempt) run() error {
	e := a.p.e
	pc, err := e.apis.play.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	a.pcMu.Lock()
	a.pc = pc
	a.pcMu.Unlock()
	connected := make(chan struct{})
	failed := make(chan struct{})
	var once, fonce sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			once.Do(func() { close(connected) })
		case webrtc.PeerConnectionStateFailed:
			fonce.Do(func() { close(failed) })
		}
	})
	pc.OnTrack(func(t *webrtc.TrackRemote, r *webrtc.RTPReceiver) {
		a.wg.Add(2)
		go a.readRTCP(r, t.Kind() == webrtc.RTPCodecTypeVideo)
		a.probeOnce.Do(func() {
			a.wg.Add(1)
			go a.probeRTT(uint32(t.SSRC()))
		})
		go func() {
			defer a.wg.Done()
			if t.Kind() == webrtc.RTPCodecTypeVideo {
				a.readVideo(t)
			} else {
				a.readAudio(t)
			}
		}()
	})
	recv := webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionRecvonly}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeVideo, recv); err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio, recv); err != nil {
		return protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	sdp, err := offerGathered(a.ctx, pc, nil)
	if err != nil {
		return protocol.Errorf(protocol.ErrPlayNetwork, err.Error())
	}
	c, err := e.getConn(a.ctx)
	if err != nil {
		return err
	}
	var ans protocol.SDPAnswer
	if err := c.request(a.ctx, protocol.TypePlay, protocol.Play{StreamID: a.p.streamID, SDP: sdp}, &ans); err != nil {
		return err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans.SDP}); err != nil {
		return protocol.Errorf(protocol.ErrPlaySDPInvalid, err.Error())
	}
	select {
	case <-connected:
	case <-failed:
		return protocol.Errorf(protocol.ErrPlayNetwork, "media connection failed")
	case <-a.ctx.Done():
		return nil
	}
	e.mu.Lock()
	a.p.mu.Lock()
	if a.p.att == a {
		e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: a.p.streamID, State: PlayerPlaying, Extended: "{}"})
		a.wg.Add(2)
		go a.watchBreaks()
		go func() { defer a.wg.Done(); e.watchICE(a.ctx, pc, a.p.streamID, true) }()
	}
	a.p.mu.Unlock()
	e.mu.Unlock()
	return nil
}

// sendPLI asks the publisher for a keyframe through the server.
func (a *attempt) sendPLI(ssrc uint32) {
	a.pcMu.Lock()
	pc := a.pc
	a.pcMu.Unlock()
	if pc != nil {
		pc.WriteRTCP([]rtcp.Packet{&rtcp.PictureLossIndication{MediaSSRC: ssrc}})
	}
}

// close stops the attempt and waits for its goroutines: PeerConnection
// first, so that the track readers return.
func (a *attempt) close() {
	a.cancel()
	a.pcMu.Lock()
	pc := a.pc
	a.pcMu.Unlock()
	if pc != nil {
		pc.Close()
	}
	a.wg.Wait()
}

func (a *attempt) closeAsync() {
	e := a.p.e
	e.wg.Add(1)
	go func() { defer e.wg.Done(); a.close() }()
}

// readRTCP reads what the server sends about one track: sender reports
// (for video they set the clock capture times are mapped with) and the
// answers to RTT probes. Reading also lets pion's report interceptor see the
// sender reports, so its receiver reports carry LSR and DLSR.
func (a *attempt) readRTCP(r *webrtc.RTPReceiver, video bool) {
	defer a.wg.Done()
	for {
		pkts, _, err := r.ReadRTCP()
		if err != nil {
			return
		}
		now := time.Now()
		for _, p := range pkts {
			switch v := p.(type) {
			case *rtcp.SenderReport:
				if video {
					a.clock.update(v, now, a.rtt.rtt())
				}
			case *rtcp.ExtendedReport:
				a.rtt.answer(v, now)
			}
		}
	}
}

// probeRTT sends a receiver reference time report every second until the
// attempt ends; the server answers each with a DLRR block.
func (a *attempt) probeRTT(mediaSSRC uint32) {
	defer a.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		a.pcMu.Lock()
		pc := a.pc
		a.pcMu.Unlock()
		if pc != nil {
			_ = pc.WriteRTCP([]rtcp.Packet{probe(mediaSSRC, time.Now())})
		}
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// rtpReader reads packets into one reused buffer and packet.
type rtpReader struct {
	buf [1500]byte
	pkt rtp.Packet
}

func (r *rtpReader) read(t *webrtc.TrackRemote) (*rtp.Packet, int, error) {
	n, _, err := t.Read(r.buf[:])
	if err != nil {
		return nil, 0, err
	}
	if err := r.pkt.Unmarshal(r.buf[:n]); err != nil {
		return nil, n, nil
	}
	return &r.pkt, n, nil
}
