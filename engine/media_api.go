package engine

import (
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// StopPlaying stops playing streamID; NO_PLAY follows.
func (e *Engine) StopPlaying(streamID string) error {
	return e.stopPlaying(streamID)
}

func (e *Engine) stopPlaying(streamID string) error {
	if err := protocol.CheckStreamID(streamID); err != nil {
		return err
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	p := e.players[streamID]
	if p == nil {
		e.mu.Unlock()
		return nil
	}
	delete(e.players, streamID)
	// The view is free again when this returns, so the host may reuse it.
	p.mu.Lock()
	view := p.view
	p.view = nil
	p.mu.Unlock()
	detachView(view, p)
	conn := e.conn
	e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: streamID, State: PlayerNoPlay, Extended: "{}"})
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		p.close()
		if conn == nil {
			return
		}
		select {
		case <-conn.ready:
			if conn.err == nil {
				conn.request(e.ctx, protocol.TypeStopPlay, protocol.StopPlay{StreamID: streamID}, nil)
			}
		case <-e.ctx.Done():
		}
	}()
	return nil
}

// StartPreview shows the channel's captured video in view (nil: capture
// without showing, e.g. to warm up the source).
func (e *Engine) StartPreview(view *render.View, ch Channel) error {
	return e.startPreview(view, ch)
}

type previewOwner struct {
	e  *Engine
	ch Channel
}

func (e *Engine) startPreview(view *render.View, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	owner := previewOwner{e, ch}
	if err := attachView(view, owner); err != nil {
		return err
	}
	c := e.captureLocked(ch)
	c.mu.Lock()
	old := c.preview
	c.preview = view
	c.mu.Unlock()
	if old != nil && old != view {
		detachView(old, owner)
	}
	return nil
}

// StopPreview stops showing the channel's video; capture goes on while the
// channel publishes.
func (e *Engine) StopPreview(ch Channel) error {
	return e.stopPreview(ch)
}

func (e *Engine) stopPreview(ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	c := e.captures[ch]
	var stopped *videoCapture
	if c != nil {
		c.mu.Lock()
		old := c.preview
		c.preview = nil
		c.mu.Unlock()
		detachView(old, previewOwner{e, ch})
		stopped = e.releaseCaptureLocked(ch)
	}
	e.mu.Unlock()
	if stopped != nil {
		stopped.stop()
	}
	return nil
}

// SetVideoSource picks the channel's video source. CAMERA answers
// ErrDeviceNotFound when the selected camera (UseDevice) is not there.
func (e *Engine) SetVideoSource(src VideoSource, ch Channel) error {
	return e.setVideoSource(src, ch)
}

func (e *Engine) setVideoSource(src VideoSource, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	switch src {
	case VideoSourceTestPattern, VideoSourceCustom:
	case VideoSourceCamera:
		if err := e.checkDevice(DeviceCamera); err != nil {
			return err
		}
	default:
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown video source")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	if e.videoSrc[ch] == src {
		e.mu.Unlock()
		return nil
	}
	e.videoSrc[ch] = src
	old := e.restartCaptureLocked(ch)
	e.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return nil
}

// SetAudioSource picks the engine's audio source. MICROPHONE answers
// ErrDeviceNotFound when the selected microphone (UseDevice) is not there.
func (e *Engine) SetAudioSource(src AudioSource) error {
	return e.setAudioSource(src)
}

func (e *Engine) setAudioSource(src AudioSource) error {
	switch src {
	case AudioSourceTestTone, AudioSourceCustom:
	case AudioSourceMicrophone:
		if err := e.checkDevice(DeviceMicrophone); err != nil {
			return err
		}
	default:
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown audio source")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	if e.audioSrc == src {
		e.mu.Unlock()
		return nil
	}
	e.audioSrc = src
	old := e.replaceAudioCaptureLocked()
	e.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return nil
}

// SetVideoConfig changes the channel's capture and encode settings. Zero
// fields keep their current value. A running capture restarts with them; a
// publisher picks up a new size on its next frame.
func (e *Engine) SetVideoConfig(cfg VideoConfig, ch Channel) error {
	return e.setVideoConfig(cfg, ch)
}

func (e *Engine) setVideoConfig(cfg VideoConfig, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	switch cfg.Codec {
	case CodecVP8, CodecH264:
	default:
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown codec")
	}
	for _, v := range []int{cfg.CaptureWidth, cfg.CaptureHeight, cfg.EncodeWidth, cfg.EncodeHeight} {
		if v < 0 || v > 4096 || v%2 != 0 {
			return protocol.Errorf(protocol.ErrInvalidArgument, "sizes must be even and at most 4096")
		}
	}
	if cfg.FPS < 0 || cfg.FPS > 60 || cfg.BitrateKbps < 0 || cfg.BitrateKbps > 20000 {
		return protocol.Errorf(protocol.ErrInvalidArgument, "fps must be 0-60 and bitrate 0-20000 kbps")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	cur := e.videoCfg[ch]
	merge := func(dst *int, v int) {
		if v != 0 {
			*dst = v
		}
	}
	merge(&cur.CaptureWidth, cfg.CaptureWidth)
	merge(&cur.CaptureHeight, cfg.CaptureHeight)
	merge(&cur.EncodeWidth, cfg.EncodeWidth)
	merge(&cur.EncodeHeight, cfg.EncodeHeight)
	if cfg.EncodeWidth != 0 || cfg.EncodeHeight != 0 {
		e.encodeSizeSet[ch].Store(true)
	}
	merge(&cur.FPS, cfg.FPS)
	merge(&cur.BitrateKbps, cfg.BitrateKbps)
	cur.Codec = cfg.Codec // always applies (0 is VP8), from the next start of publishing
	e.videoCfg[ch] = cur
	if p := e.pubs[ch]; p != nil {
		p.setBitrate(cur.BitrateKbps)
	}
	old := e.restartCaptureLocked(ch)
	e.mu.Unlock()
	if old != nil {
		old.stop()
	}
	return nil
}

// SendCustomVideoFrame publishes one RGBA8 frame on a CUSTOM channel.
func (e *Engine) SendCustomVideoFrame(rgba []byte, w, h, stride int, tsMs int64, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if w < 2 || h < 2 || w > 4096 || h > 4096 || w%2 != 0 || h%2 != 0 || stride < 4*w || len(rgba) < stride*(h-1)+4*w {
		return protocol.Errorf(protocol.ErrInvalidArgument, "bad frame geometry")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	if e.videoSrc[ch] != VideoSourceCustom {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrCustomCaptureNotEnabled, "")
	}
	c := e.captures[ch]
	e.mu.Unlock()
	if c == nil {
		return nil // neither previewing nor publishing: the frame has nowhere to go
	}
	return c.pushCustom(rgba, w, h, stride, tsMs)
}

// SendCustomAudioPCM publishes host PCM when the audio source is CUSTOM.
func (e *Engine) SendCustomAudioPCM(pcm []int16, samplesPerChannel, rate, channels int) error {
	if err := e.lockLive(); err != nil {
		return err
	}
	if e.audioSrc != AudioSourceCustom {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrCustomCaptureNotEnabled, "")
	}
	c := e.audioCaptureLocked()
	e.mu.Unlock()
	return c.pushCustom(pcm, samplesPerChannel, rate, channels)
}

// FetchAudioPCM pulls the mix of every played stream's audio. It is refused
// while the mix plays to a speaker (AudioOutputDevice).
func (e *Engine) FetchAudioPCM(pcm []int16, samplesPerChannel, rate, channels int) error {
	if err := e.lockLive(); err != nil {
		return err
	}
	e.mu.Unlock()
	if AudioOutput(e.dev.output.Load()) == AudioOutputDevice {
		return protocol.Errorf(protocol.ErrInvalidArgument, "the audio output is DEVICE: the engine plays the mix to the speaker")
	}
	if err := e.mixer.Fetch(pcm, samplesPerChannel, rate, channels); err != nil {
		return protocol.Errorf(protocol.ErrInvalidArgument, err.Error())
	}
	if e.sw.speakerMuted.Load() {
		clear(pcm[:samplesPerChannel*channels]) // the mix keeps its pace, unheard
	}
	return nil
}
