package h264_test

import (
	"hash/fnv"
	"image"
	"testing"

	"github.com/parley-rtc/parley/render"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/openh264"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

// yuv is one BT.601 (limited range) colour.
type yuv struct{ y, u, v byte }

// rgbToYUV is the plain BT.601 conversion the tests use as ground truth.
func rgbToYUV(r, g, b int) yuv {
	clamp := func(x int) byte { return byte(min(max(x, 0), 255)) }
	return yuv{
		clamp((66*r+129*g+25*b+128)>>8 + 16),
		clamp((-38*r-74*g+112*b+128)>>8 + 128),
		clamp((112*r-94*g-18*b+128)>>8 + 128),
	}
}

// palette holds colours far apart in YUV so a wrong frame cannot pass.
var palette = []yuv{
	rgbToYUV(220, 30, 30), rgbToYUV(30, 200, 40), rgbToYUV(40, 50, 220),
	rgbToYUV(235, 235, 235), rgbToYUV(230, 220, 40), rgbToYUV(210, 40, 210),
}

// newI420 allocates a frame with tight strides.
func newI420(w, h int) *render.I420 {
	cw, ch := (w+1)/2, (h+1)/2
	return &render.I420{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch),
		YStride: w, UStride: cw, VStride: cw}
}

// paintHalves fills the left half with l and the right half with r.
func paintHalves(f *render.I420, l, r yuv) {
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			c := l
			if x >= f.Width/2 {
				c = r
			}
			f.Y[y*f.YStride+x] = c.y
			if x%2 == 0 && y%2 == 0 {
				f.U[y/2*f.UStride+x/2], f.V[y/2*f.VStride+x/2] = c.u, c.v
			}
		}
	}
}

// addGrain adds luma noise of ±amp so frames span many packets; it averages
// out in meanColour.
func addGrain(f *render.I420, seed uint64, amp int) {
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range f.Y[:f.YStride*f.Height] {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f.Y[i] = byte(min(max(int(f.Y[i])+int(x%uint64(2*amp+1))-amp, 0), 255))
	}
}

// meanColour averages a rectangle of f (chroma from the co-sited samples).
func meanColour(f *render.I420, x0, y0, x1, y1 int) yuv {
	var sy, su, sv, n int
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			sy += int(f.Y[y*f.YStride+x])
			su += int(f.U[y/2*f.UStride+x/2])
			sv += int(f.V[y/2*f.VStride+x/2])
			n++
		}
	}
	return yuv{byte(sy / n), byte(su / n), byte(sv / n)}
}

// pictureHash identifies the visible pixels of a picture exactly.
func pictureHash(f *render.I420) uint64 {
	h := fnv.New64a()
	for y := range f.Height {
		h.Write(f.Y[y*f.YStride : y*f.YStride+f.Width])
	}
	for y := range (f.Height + 1) / 2 {
		h.Write(f.U[y*f.UStride : y*f.UStride+(f.Width+1)/2])
		h.Write(f.V[y*f.VStride : y*f.VStride+(f.Width+1)/2])
	}
	return h.Sum64()
}

// near reports whether two colours match within tol on every component.
func near(a, b yuv, tol int) bool {
	d := func(p, q byte) int { return max(int(p)-int(q), int(q)-int(p)) }
	return d(a.y, b.y) <= tol && d(a.u, b.u) <= tol && d(a.v, b.v) <= tol
}

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
