package vp8_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/render"
)

// encodeHalves encodes n frames whose halves take palette colours i and i+3.
func encodeHalves(t testing.TB, w, h, n int) [][]byte {
	t.Helper()
	e := newVP8Encoder(t, w, h, 1_000_000)
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

func newDecoder(t testing.TB) *vp8.Decoder {
	t.Helper()
	d, err := vp8.NewDecoder()
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

func TestDecoderDecodeAllocatesNothing(t *testing.T) {
	frames := encodeHalves(t, 320, 180, 2)
	d := newDecoder(t)
	if _, err := d.Decode(frames[0]); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(50, func() {
		if _, err := d.Decode(frames[1]); err != nil {
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
		t.Fatal("an inter frame with no keyframe before it decoded")
	}
	if _, err := d.Decode(nil); !errors.Is(err, vp8.ErrEmptyFrame) {
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
		key[10+rng.IntN(len(key)-10)] ^= byte(1 + rng.IntN(255)) // damaged keyframe
		d.Decode(key[:rng.IntN(len(key))+1])
	}
	if _, err := d.Decode(frames[0][:len(frames[0])/3]); err == nil {
		t.Error("a truncated keyframe decoded without error")
	}
	for i, f := range frames { // a keyframe heals everything
		pic, err := d.Decode(f)
		if err != nil {
			t.Fatalf("frame %d after garbage: %v", i, err)
		}
		checkHalves(t, pic, i)
	}
}

func TestDecoderClose(t *testing.T) {
	d, err := vp8.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d.Close()
	if _, err := d.Decode([]byte{1, 2, 3}); !errors.Is(err, vp8.ErrClosed) {
		t.Fatalf("Decode after Close: %v", err)
	}
}

// BenchmarkDecode640x360 decodes a 30 fps stream with moving content.
func BenchmarkDecode640x360(b *testing.B) {
	e := newVP8Encoder(b, 640, 360, 1_000_000)
	f := newI420(640, 360)
	rng := rand.New(rand.NewPCG(3, 4))
	frames := make([][]byte, 60)
	for i := range frames {
		paintHalves(f, palette[i/10%6], palette[(i/10+3)%6])
		for y := range 360 { // a textured bar sliding right
			for x := i * 8; x < i*8+64; x++ {
				f.Y[y*f.YStride+x%640] = byte(rng.IntN(256))
			}
		}
		frames[i] = e.encode(b, f)
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
