package render

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type rgb struct{ R, G, B byte }

var (
	red   = rgb{220, 30, 40}
	green = rgb{40, 200, 60}
	blue  = rgb{30, 40, 220}
	black = rgb{0, 0, 0}
)

// tolerance is the per-channel error allowed after a YUV round trip.
const tolerance = 6

// paint makes a w×h frame whose pixel (x, y) has colour at(x, y), going
// through RGBAToI420 like a custom video source would.
func paint(t testing.TB, w, h int, at func(x, y int) rgb) *I420 {
	t.Helper()
	rgba := make([]byte, 4*w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := at(x, y)
			copy(rgba[4*(y*w+x):], []byte{c.R, c.G, c.B, 255})
		}
	}
	f := NewI420(w, h)
	if err := RGBAToI420(f, rgba, w, h, 4*w); err != nil {
		t.Fatal(err)
	}
	return f
}

func solid(t testing.TB, w, h int, c rgb) *I420 {
	return paint(t, w, h, func(int, int) rgb { return c })
}

// leftRight is left half a, right half b; topBottom is top half a, bottom b.
func leftRight(t testing.TB, w, h int, a, b rgb) *I420 {
	return paint(t, w, h, func(x, _ int) rgb { return pick(x < w/2, a, b) })
}

func topBottom(t testing.TB, w, h int, a, b rgb) *I420 {
	return paint(t, w, h, func(_, y int) rgb { return pick(y < h/2, a, b) })
}

func pick(cond bool, a, b rgb) rgb {
	if cond {
		return a
	}
	return b
}

// testView is a view over a buffer whose rows carry 12 padding bytes and
// which has 7 bytes past Stride*Height, all set to a canary value, so tests
// can also check that nothing outside the picture is written.
type testView struct {
	*View
	pix           []byte
	width, height int
	stride        int
}

const canary = 0xAB

func newTestView(t testing.TB, w, h int, mode Mode, flipY bool) *testView {
	t.Helper()
	stride := 4*w + 12
	pix := make([]byte, stride*h+7)
	for i := range pix {
		pix[i] = canary
	}
	v, err := NewView(Desc{Pixels: pix, Width: w, Height: h, Stride: stride, Mode: mode, FlipY: flipY})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return &testView{View: v, pix: pix, width: w, height: h, stride: stride}
}

func (tv *testView) at(x, y int) []byte {
	o := y*tv.stride + 4*x
	return tv.pix[o : o+4]
}

// expect checks that pixel (x, y) is c within tolerance and fully opaque.
func (tv *testView) expect(t testing.TB, x, y int, c rgb) {
	t.Helper()
	p := tv.at(x, y)
	if !near(p, c) {
		t.Fatalf("pixel (%d,%d) = %v, want %v ±%d, alpha 255", x, y, p, c, tolerance)
	}
}

// expectRect checks every pixel of the w×h rectangle at (x, y).
func (tv *testView) expectRect(t testing.TB, x, y, w, h int, c rgb) {
	t.Helper()
	for j := y; j < y+h; j++ {
		for i := x; i < x+w; i++ {
			tv.expect(t, i, j, c)
		}
	}
}

// expectPadding checks that no byte outside the picture was written.
func (tv *testView) expectPadding(t testing.TB) {
	t.Helper()
	for y := 0; y < tv.height; y++ {
		for o := y*tv.stride + 4*tv.width; o < (y+1)*tv.stride; o++ {
			if tv.pix[o] != canary {
				t.Fatalf("row %d padding byte %d written", y, o-y*tv.stride)
			}
		}
	}
	for o := tv.stride * tv.height; o < len(tv.pix); o++ {
		if tv.pix[o] != canary {
			t.Fatalf("byte %d past stride*height written", o)
		}
	}
}

func near(p []byte, c rgb) bool {
	return p[3] == 255 && diff(p[0], c.R) <= tolerance &&
		diff(p[1], c.G) <= tolerance && diff(p[2], c.B) <= tolerance
}

func diff(a, b byte) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func mustWrite(t testing.TB, v *testView, f *I420, mirror bool) {
	t.Helper()
	if !v.Write(f, FrameMeta{}, mirror) {
		t.Fatal("Write on a free view did not land")
	}
}
