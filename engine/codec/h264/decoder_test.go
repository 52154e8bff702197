package h264_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/parley-rtc/parley/render"
)

// encodeHalves encodes n frames whose halves take palette colours i and i+3;
// the first is an IDR.
func encodeHalves(t testing.TB, w, h, n int) [][]byte {
	t.Helper()
	e := newH264Encoder(t, w, h, 1_000_000)
	f := newI420(w, h)
	out := make([][]byte, n)
	for i := range out {
		paintHalves(f, palette[i%len(palette)], palette[(i+3)%len(palette)])
		out[i] = e.encode(t, f)
	}
	return out
}

// checkHalves fails unless pic shows the colours of frame i.
func checkHalves(t testing.TB, pic *render.I420, i int) {
	t.Helper()
	checkHalvesTol(t, pic, i, 12)
}

// checkHalvesTol is checkHalves with a tolerance for starved encoders.
func checkHalvesTol(t testing.TB, pic *render.I420, i, tol int) {
	t.Helper()
	w, h := pic.Width, pic.Height
	l := meanColour(pic, w/8, h/4, w*3/8, h*3/4)
	r := meanColour(pic, w*5/8, h/4, w*7/8, h*3/4)
	wl, wr := palette[i%len(palette)], palette[(i+3)%len(palette)]
	if !near(l, wl, tol) || !near(r, wr, tol) {
		t.Fatalf("frame %d: halves %v %v, want %v %v", i, l, r, wl, wr)
	}
}

func newDecoder(t testing.TB) *h264.Decoder {
	t.Helper()
	d, err := h264.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

func TestDecoderShowsTheEncodedColours(t *testing.T) {
	frames := encodeHalves(t, 640, 360, 12)
	d := newDecoder(t)
	for i, f := range frames {
		pic, err := d.Decode(f)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if pic.Width != 640 || pic.Height != 360 || pic.YStride < 640 || pic.UStride < 320 {
			t.Fatalf("frame %d: geometry %dx%d strides %d/%d", i, pic.Width, pic.Height, pic.YStride, pic.UStride)
		}
		checkHalves(t, pic, i)
	}
}

func TestDecoderFollowsASizeChange(t *testing.T) {
	d := newDecoder(t)
	for _, size := range [][2]int{{320, 180}, {640, 360}, {160, 120}} {
		frames := encodeHalves(t, size[0], size[1], 3)
		for i, f := range frames {
			pic, err := d.Decode(f)
			if err != nil {
				t.Fatalf("%v frame %d: %v", size, i, err)
			}
			if pic.Width != size[0] || pic.Height != size[1] {
				t.Fatalf("%v frame %d: decoded %dx%d", size, i, pic.Width, pic.Height)
			}
			checkHalves(t, pic, i)
		}
	}
}

func TestDecoderDecodeAllocatesNothing(t *testing.T) {
	frames := encodeHalves(t, 320, 180, 1)
	d := newDecoder(t)
	if _, err := d.Decode(frames[0]); err != nil {
		t.Fatal(err)
	}
	// The same IDR again and again (an inter frame twice would be a gap in
	// frame_num).
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := d.Decode(frames[0]); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per Decode, want 0", allocs)
	}
}

func TestDecoderRejectsBadInputAndRecovers(t *testing.T) {
	frames := encodeHalves(t, 320, 180, 3)
	d := newDecoder(t)
	if _, err := d.Decode(frames[1]); err == nil {
		t.Fatal("an inter frame with no IDR before it decoded")
	}
	if _, err := d.Decode(nil); !errors.Is(err, h264.ErrEmptyFrame) {
		t.Fatalf("empty frame: %v", err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 3000)
	for range 200 {
		for i := range garbage {
			garbage[i] = byte(rng.Uint32())
		}
		d.Decode(garbage[:1+rng.IntN(len(garbage))]) // must not crash
		key := append([]byte(nil), frames[0]...)
		key[10+rng.IntN(len(key)-10)] ^= byte(1 + rng.IntN(255)) // damaged IDR
		d.Decode(key[:rng.IntN(len(key))+1])
	}
	for i, f := range frames { // an IDR heals everything
		pic, err := d.Decode(f)
		if err != nil {
			t.Fatalf("frame %d after garbage: %v", i, err)
		}
		checkHalves(t, pic, i)
	}
}

func TestDecoderClose(t *testing.T) {
	d, err := h264.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d.Close()
	if _, err := d.Decode([]byte{0, 0, 0, 1, 0x65}); !errors.Is(err, h264.ErrClosed) {
		t.Fatalf("Decode after Close: %v", err)
	}
}

// BenchmarkDecode640x360 decodes a 30 fps stream with moving content.
func BenchmarkDecode640x360(b *testing.B) {
	e := newH264Encoder(b, 640, 360, 1_000_000)
	f := newI420(640, 360)
	rng := rand.New(rand.NewPCG(3, 4))
	var frames [][]byte // starts with an IDR, the only one
	for i := range 60 {
		paintHalves(f, palette[i/10%6], palette[(i/10+3)%6])
		for y := range 360 { // a textured bar sliding right
			for x := i * 8; x < i*8+64; x++ {
				f.Y[y*f.YStride+x%640] = byte(rng.IntN(256))
			}
		}
		if au := e.encodeOrSkip(b, f); au != nil {
			frames = append(frames, au)
		}
	}
	d := newDecoder(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := d.Decode(frames[i%len(frames)]); err != nil {
			b.Fatal(err)
		}
	}
}
