package engine

import (
	"image"
	"io"

	"github.com/pion/mediadevices/pkg/codec"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/parley-rtc/parley/render"
)

// h264Enc puts Parley's own H.264 encoder (engine/codec/h264: BT.601
// signalled in the stream, slices that fit a packet) behind the interface
// the video encoder's loop drives its codecs through.
type h264Enc struct {
	enc   *h264.Encoder
	next  func() image.Image // the frame to encode (videoEncoder.cur)
	key   bool
	frame render.I420
}

func newH264Enc(w, h, fps, bitrate int, next func() image.Image) (*h264Enc, error) {
	enc, err := h264.NewEncoder(h264.EncoderParams{Width: w, Height: h, FPS: float64(fps), Bitrate: bitrate,
		IntraPeriod: fps * 4})
	if err != nil {
		return nil, err
	}
	return &h264Enc{enc: enc, next: next}, nil
}

// Read encodes the next frame; an empty result is a frame rate control
// skipped.
func (c *h264Enc) Read() ([]byte, func(), error) {
	y, ok := c.next().(*image.YCbCr)
	if !ok || y == nil {
		return nil, func() {}, io.EOF
	}
	c.frame = render.I420{Width: y.Rect.Dx(), Height: y.Rect.Dy(), Y: y.Y, U: y.Cb, V: y.Cr,
		YStride: y.YStride, UStride: y.CStride, VStride: y.CStride}
	b, err := c.enc.Encode(&c.frame, c.key)
	c.key = false
	return b, func() {}, err
}

func (c *h264Enc) Close() error                        { c.enc.Close(); return nil }
func (c *h264Enc) Controller() codec.EncoderController { return c }
func (c *h264Enc) ForceKeyFrame() error                { c.key = true; return nil }
func (c *h264Enc) SetBitRate(bps int) error            { return c.enc.SetBitrate(bps) }
