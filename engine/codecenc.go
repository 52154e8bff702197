package engine

import (
	"image"
	"io"

	"github.com/pion/mediadevices/pkg/codec"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/render"
)

// codecEnc puts Parley's own encoders (engine/codec/vp8: the keyframe cap
// and real-time rate control settings; engine/codec/h264: BT.601 signalled
// in the stream, slices that fit a packet) behind the interface the video
// encoder's loop drives its codecs through.
type codecEnc struct {
	encode  func(f *render.I420, key bool) ([]byte, error)
	setRate func(bps int) error
	close   func()
	next    func() image.Image // the frame to encode (videoEncoder.cur)
	key     bool               // the next frame is to be a keyframe
	lastKey bool               // the last frame was a keyframe
	tid     uint8              // the last frame's temporal layer (VP8)
	layers  int                // VP8's temporal layers
	frames  int                // encoded so far
	frame   render.I420
}

// keyframeEverySeconds is the longest the encoders go without a keyframe.
// Keyframes come when they are needed: a player asks (a new player, a
// loss it could not repair: PLI/FIR, which the server forwards) and at
// each size change. The periodic one is a safety net only, as rare as
// libwebrtc's (3000 frames at 30 fps): a keyframe and the frame after it,
// which brings the picture back from the keyframe's capped quality, weigh
// 7 to 9 average frames together (hard-to-compress video at 870 kbit/s),
// and every 4 s (as before) that burst met a narrowing link's queue often
// enough to stop the picture.
const keyframeEverySeconds = 100

func newH264Enc(w, h, fps, bitrate int, next func() image.Image) (*codecEnc, error) {
	enc, err := h264.NewEncoder(h264.EncoderParams{Width: w, Height: h, FPS: float64(fps), Bitrate: bitrate,
		IntraPeriod: fps * keyframeEverySeconds})
	if err != nil {
		return nil, err
	}
	c := &codecEnc{setRate: enc.SetBitrate, close: enc.Close, next: next}
	c.encode = func(f *render.I420, key bool) ([]byte, error) {
		b, err := enc.Encode(f, key)
		// An IDR: asked for, or the first (a new size builds a new encoder).
		c.lastKey = key || c.frames == 0
		return b, err
	}
	return c, nil
}

// vp8Layers is how many temporal layers the engine's VP8 has: two, so
// every other frame is above the base layer and a player that loses one
// plays on from the next base frame without asking for a keyframe
// (docs/media.md, Receive-side buffering); one with
// Config.Without.TemporalLayers.
const vp8Layers = 2

// newVP8Enc makes a VP8 encoder; ptsMs is the capture time of the frame
// being encoded.
func newVP8Enc(w, h, fps, bitrate, layers int, next func() image.Image, ptsMs func() int64) (*codecEnc, error) {
	enc, err := vp8.NewEncoder(vp8.EncoderConfig{Width: w, Height: h, FPS: fps, BitrateBps: bitrate,
		KeyFrameEvery: fps * keyframeEverySeconds, MaxKeyFramePercent: vp8.KeyFrameCap(fps), TemporalLayers: layers})
	if err != nil {
		return nil, err
	}
	c := &codecEnc{setRate: enc.SetBitrate, close: enc.Close, next: next, layers: layers}
	c.encode = func(f *render.I420, key bool) ([]byte, error) {
		if key {
			enc.ForceKeyFrame()
		}
		out, err := enc.Encode(f, ptsMs())
		c.tid, c.lastKey = out.TID, out.Key
		return out.Data, err
	}
	return c, nil
}

// layerPayloader packetizes the VP8 encoder's frames with the temporal
// layer of each (vp8.Payloader), so players lose only the frame when one
// above the base layer is lost.
type layerPayloader struct {
	p   vp8.Payloader
	enc func() *codecEnc // the encoder whose last frame is being sent
}

func (l *layerPayloader) Payload(mtu uint16, frame []byte) [][]byte {
	tid, layered := uint8(0), false
	if c := l.enc(); c != nil {
		tid, layered = c.tid, c.layers > 1
	}
	return l.p.Payload(int(mtu), frame, tid, layered)
}

// Read encodes the next frame; an empty result is a frame rate control
// skipped.
func (c *codecEnc) Read() ([]byte, func(), error) {
	y, ok := c.next().(*image.YCbCr)
	if !ok || y == nil {
		return nil, func() {}, io.EOF
	}
	c.frame = render.I420{Width: y.Rect.Dx(), Height: y.Rect.Dy(), Y: y.Y, U: y.Cb, V: y.Cr,
		YStride: y.YStride, UStride: y.CStride, VStride: y.CStride}
	b, err := c.encode(&c.frame, c.key)
	c.key = false
	if len(b) > 0 {
		c.frames++
	}
	return b, func() {}, err
}

func (c *codecEnc) Close() error                        { c.close(); return nil }
func (c *codecEnc) Controller() codec.EncoderController { return c }
func (c *codecEnc) ForceKeyFrame() error                { c.key = true; return nil }
func (c *codecEnc) SetBitRate(bps int) error            { return c.setRate(bps) }
