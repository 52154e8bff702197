package h264_test

import (
	"image"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/internal/picture"
	"github.com/parley-rtc/parley/render"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/openh264"
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

// h264Encoder wraps mediadevices' openh264 encoder, the one Parley sends
// with, set up as the engine sets it up.
type h264Encoder struct {
	enc  codec.ReadCloser
	next *render.I420
}

func newH264Encoder(t testing.TB, w, h, bitrate int) *h264Encoder {
	t.Helper()
	p, err := openh264.NewParams()
	if err != nil {
		t.Fatal(err)
	}
	p.BitRate = bitrate
	p.IntraPeriod = 1000 // IDRs only on request, as PLIs ask
	p.MultipleThreadIdc = 1
	e := &h264Encoder{}
	r := video.ReaderFunc(func() (image.Image, func(), error) {
		f := e.next
		return &image.YCbCr{Y: f.Y, Cb: f.U, Cr: f.V, YStride: f.YStride, CStride: f.UStride,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, f.Width, f.Height)}, func() {}, nil
	})
	e.enc, err = p.BuildVideoEncoder(r, prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: 30, FrameFormat: frame.FormatI420}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.enc.Close() })
	return e
}

// encode compresses one picture into one Annex-B access unit. The encoder
// reuses its buffer, so the result is copied.
func (e *h264Encoder) encode(t testing.TB, f *render.I420) []byte {
	t.Helper()
	au := e.encodeOrSkip(t, f)
	if len(au) == 0 {
		t.Fatal("the encoder skipped a frame")
	}
	return au
}

// encodeOrSkip is encode where the rate control may skip the frame (nil),
// as it does when a picture costs more than the bitrate allows.
func (e *h264Encoder) encodeOrSkip(t testing.TB, f *render.I420) []byte {
	t.Helper()
	e.next = f
	data, release, err := e.enc.Read()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if len(data) == 0 {
		return nil
	}
	return append([]byte(nil), data...)
}

// forceKeyframe is what the engine does on a PLI.
func (e *h264Encoder) forceKeyframe(t testing.TB) {
	t.Helper()
	if err := e.enc.Controller().(codec.KeyFrameController).ForceKeyFrame(); err != nil {
		t.Fatal(err)
	}
}

// packetizer turns access units into RTP packets the way the engine does.
type packetizer struct {
	pay codecs.H264Payloader
	seq uint16
}

func (p *packetizer) packets(au []byte, ts uint32) []*rtp.Packet {
	payloads := p.pay.Payload(1200-12, au)
	out := make([]*rtp.Packet, len(payloads))
	for i, pl := range payloads {
		out[i] = &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 102, SequenceNumber: p.seq,
			Timestamp: ts, Marker: i == len(payloads)-1, SSRC: 1}, Payload: pl}
		p.seq++
	}
	return out
}

// fakeAU builds an Annex-B access unit of about n bytes that pion's
// payloader splits like a real one: an IDR gets an SPS and a PPS (sent as a
// STAP-A) and an IDR slice; an inter frame one non-IDR slice. Both slices
// are the first of their picture (first_mb_in_slice = 0). The bytes never
// contain a start code and identify the frame by id.
func fakeAU(n int, key bool, id byte) []byte {
	var b []byte
	sc := []byte{0, 0, 0, 1}
	if key {
		b = append(b, sc...)
		b = append(b, 0x67, 0x42, 0xe0, 0x1f, id|1) // SPS
		b = append(b, sc...)
		b = append(b, 0x68, 0xce, id|1) // PPS
	}
	b = append(b, sc...)
	if key {
		b = append(b, 0x65) // IDR slice, nal_ref_idc 3
	} else {
		b = append(b, 0x41) // non-IDR slice, nal_ref_idc 2
	}
	b = append(b, 0x88) // first_mb_in_slice = 0
	for i := 0; len(b) < n; i++ {
		b = append(b, byte(i%251)+id|1) // odd: never 0, so never a start code
	}
	return b
}
