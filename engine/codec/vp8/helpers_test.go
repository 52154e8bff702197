package vp8_test

import (
	"image"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/internal/picture"
	"github.com/parley-rtc/parley/render"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

// The pictures and colour checks shared with the other codecs' tests.
type yuv = picture.YUV

var (
	palette      = picture.Palette
	rgbToYUV     = picture.RGBToYUV
	newI420      = picture.NewI420
	paintHalves  = picture.PaintHalves
	addGrain     = picture.AddGrain
	meanColour   = picture.MeanColour
	pictureHash  = picture.Hash
	near         = picture.Near
	checkPalette = picture.CheckPalette
)

// vp8Encoder wraps mediadevices' encoder, the one Parley sends with.
type vp8Encoder struct {
	enc  codec.ReadCloser
	next *render.I420
}

func newVP8Encoder(t testing.TB, w, h, bitrate int) *vp8Encoder {
	t.Helper()
	p, err := vpx.NewVP8Params()
	if err != nil {
		t.Fatal(err)
	}
	p.BitRate = bitrate
	p.KeyFrameInterval = 1000 // keyframes only on request, as PLIs ask
	e := &vp8Encoder{}
	r := video.ReaderFunc(func() (image.Image, func(), error) {
		f := e.next
		return &image.YCbCr{Y: f.Y, Cb: f.U, Cr: f.V, YStride: f.YStride, CStride: f.UStride,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, f.Width, f.Height)}, func() {}, nil
	})
	e.enc, err = p.BuildVideoEncoder(r, prop.Media{Video: prop.Video{Width: w, Height: h, FrameFormat: frame.FormatI420}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.enc.Close() })
	return e
}

// encode compresses one picture into one VP8 frame.
func (e *vp8Encoder) encode(t testing.TB, f *render.I420) []byte {
	t.Helper()
	e.next = f
	data, release, err := e.enc.Read()
	if err != nil {
		t.Fatal(err)
	}
	release()
	return data
}

// forceKeyframe is what the engine does on a PLI.
func (e *vp8Encoder) forceKeyframe(t testing.TB) {
	t.Helper()
	if err := e.enc.Controller().(codec.KeyFrameController).ForceKeyFrame(); err != nil {
		t.Fatal(err)
	}
}

// packetizer turns frames into RTP packets the way the engine's track does.
type packetizer struct {
	pay codecs.VP8Payloader
	seq uint16
}

func (p *packetizer) packets(frame []byte, ts uint32) []*rtp.Packet {
	payloads := p.pay.Payload(1200-12, frame)
	out := make([]*rtp.Packet, len(payloads))
	for i, pl := range payloads {
		out[i] = &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: p.seq,
			Timestamp: ts, Marker: i == len(payloads)-1, SSRC: 1}, Payload: pl}
		p.seq++
	}
	return out
}

// fakeFrame builds a VP8-looking bitstream of n bytes: the frame tag's P bit
// says key or inter, the rest identifies the frame.
func fakeFrame(n int, key bool, id byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = id + byte(i)
	}
	b[0] = b[0] &^ 1
	if !key {
		b[0] |= 1
	}
	return b
}
