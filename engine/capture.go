package engine

import (
	"sync"
	"time"

	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// videoSink receives every captured frame of a channel. The frame is only
// valid during the call.
type videoSink interface {
	offer(f *render.I420, captureMs int64, mirror bool)
}

// videoCapture produces one channel's frames — from the test pattern on its
// own goroutine, or from the host's custom frames on the host's thread — and
// hands each to the preview view and to the encoder.
type videoCapture struct {
	e      *Engine
	ch     Channel
	source VideoSource
	cfg    VideoConfig

	mu         sync.Mutex
	preview    *render.View
	sink       videoSink
	firstFrame bool
	custom     *render.I420 // conversion buffer for custom RGBA frames
	scaled     *render.I420 // frames resized to the encode size
	frames     uint64       // captured frames, read by the quality loop

	stopc chan struct{}
	wg    sync.WaitGroup
}

// newVideoCapture starts a capture that shows its frames in preview and
// hands them to sink (either may be nil).
func newVideoCapture(e *Engine, ch Channel, src VideoSource, cfg VideoConfig, preview *render.View, sink videoSink) *videoCapture {
	c := &videoCapture{e: e, ch: ch, source: src, cfg: cfg, preview: preview, sink: sink, stopc: make(chan struct{})}
	if src == VideoSourceTestPattern {
		c.wg.Add(1)
		go c.runPattern()
	}
	if src == VideoSourceCamera { // e.mu is held by every caller
		c.wg.Add(1)
		go c.runCamera(e.dev.ids[DeviceCamera])
	}
	return c
}

func (c *videoCapture) runPattern() {
	defer c.wg.Done()
	fps := c.cfg.FPS
	if fps <= 0 {
		fps = 30
	}
	pat := source.NewTestPattern(c.cfg.EncodeWidth, c.cfg.EncodeHeight)
	t := time.NewTicker(time.Second / time.Duration(fps))
	defer t.Stop()
	now := time.Now()
	c.deliver(pat.Next(now), now.UnixMilli()) // the first frame without waiting a tick
	for {
		select {
		case <-c.stopc:
			return
		case <-t.C:
			now := time.Now()
			c.deliver(pat.Next(now), now.UnixMilli())
		}
	}
}

// pushCustom converts a host RGBA frame and delivers it on the caller's thread.
func (c *videoCapture) pushCustom(rgba []byte, w, h, stride int, tsMs int64) error {
	c.mu.Lock()
	if c.custom == nil || c.custom.Width != w || c.custom.Height != h {
		c.custom = render.NewI420(w, h)
	}
	f := c.custom
	c.mu.Unlock()
	// Conversion runs outside the lock; custom frames come from one host thread
	// at a time by contract, and this buffer is used by nothing else.
	if err := render.RGBAToI420(f, rgba, w, h, stride); err != nil {
		return protocol.Errorf(protocol.ErrInvalidArgument, err.Error())
	}
	if tsMs <= 0 {
		tsMs = time.Now().UnixMilli()
	}
	c.deliver(f, tsMs)
	return nil
}

func (c *videoCapture) deliver(f *render.I420, captureMs int64) {
	sw := &c.e.sw
	if sw.cameraOff[c.ch].Load() {
		return // the camera is off: nothing is captured
	}
	mode := MirrorMode(sw.mirror[c.ch].Load())
	c.mu.Lock()
	c.frames++
	first := !c.firstFrame
	c.firstFrame = true
	view, sink := c.preview, c.sink
	if view != nil {
		view.Write(f, render.FrameMeta{CaptureTimeMs: captureMs}, mode.preview())
	}
	if sink != nil && !sw.videoMuted[c.ch].Load() {
		sink.offer(c.toEncodeSize(f), captureMs, mode.publish())
	}
	c.mu.Unlock()
	if first {
		c.e.emit(Event{Kind: EventPublisherCapturedVideoFirstFrame, Channel: c.ch})
	}
}

func (c *videoCapture) setPreview(v *render.View) {
	c.mu.Lock()
	c.preview = v
	c.mu.Unlock()
}

func (c *videoCapture) setSink(s videoSink) {
	c.mu.Lock()
	c.sink = s
	c.mu.Unlock()
}

func (c *videoCapture) captured() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frames
}

func (c *videoCapture) idle() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.preview == nil && c.sink == nil
}

func (c *videoCapture) stop() {
	select {
	case <-c.stopc:
	default:
		close(c.stopc)
	}
	c.wg.Wait()
}

// captureLocked returns the channel's capture, starting it if needed.
func (e *Engine) captureLocked(ch Channel) *videoCapture {
	if c := e.captures[ch]; c != nil {
		return c
	}
	c := newVideoCapture(e, ch, e.videoSrc[ch], e.videoCfg[ch], nil, nil)
	e.captures[ch] = c
	return c
}

// releaseCaptureLocked stops the channel's capture if nothing uses it; the
// caller stops the returned capture outside the lock.
func (e *Engine) releaseCaptureLocked(ch Channel) *videoCapture {
	c := e.captures[ch]
	if c == nil || !c.idle() {
		return nil
	}
	e.captures[ch] = nil
	return c
}

// restartCaptureLocked replaces a running capture after its source or
// config changed, keeping its preview and encoder.
func (e *Engine) restartCaptureLocked(ch Channel) *videoCapture {
	old := e.captures[ch]
	if old == nil {
		return nil
	}
	old.mu.Lock()
	preview, sink := old.preview, old.sink
	old.preview, old.sink = nil, nil
	old.mu.Unlock()
	e.captures[ch] = newVideoCapture(e, ch, e.videoSrc[ch], e.videoCfg[ch], preview, sink)
	return old
}

// toEncodeSize resizes a frame to the encode size when it differs. Custom
// frames keep their own size unless the host set an encode size with
// SetVideoConfig (a game's render target is usually sized on purpose);
// other sources always follow the encode size. c.mu is held.
func (c *videoCapture) toEncodeSize(f *render.I420) *render.I420 {
	w, h := c.cfg.EncodeWidth, c.cfg.EncodeHeight
	if w <= 0 || h <= 0 || (f.Width == w && f.Height == h) {
		return f
	}
	if c.source == VideoSourceCustom && !c.e.encodeSizeSet[c.ch].Load() {
		return f
	}
	if c.scaled == nil || c.scaled.Width != w || c.scaled.Height != h {
		c.scaled = render.NewI420(w, h)
	}
	if render.ScaleI420(c.scaled, f) != nil {
		return f
	}
	return c.scaled
}
