// Package picture holds the test pictures and colour checks shared by the
// codec packages' tests: solid and split colours, grain, mean colours and a
// picture hash, with a plain BT.601 conversion as the ground truth.
package picture

import (
	"hash/fnv"
	"testing"

	"github.com/parley-rtc/parley/render"
)

// YUV is one BT.601 (limited range) colour.
type YUV struct{ Y, U, V byte }

// RGBToYUV is the plain BT.601 conversion the tests use as ground truth.
func RGBToYUV(r, g, b int) YUV {
	clamp := func(x int) byte { return byte(min(max(x, 0), 255)) }
	return YUV{
		clamp((66*r+129*g+25*b+128)>>8 + 16),
		clamp((-38*r-74*g+112*b+128)>>8 + 128),
		clamp((112*r-94*g-18*b+128)>>8 + 128),
	}
}

// Palette holds colours far apart in YUV so a wrong frame cannot pass.
var Palette = []YUV{
	RGBToYUV(220, 30, 30), RGBToYUV(30, 200, 40), RGBToYUV(40, 50, 220),
	RGBToYUV(235, 235, 235), RGBToYUV(230, 220, 40), RGBToYUV(210, 40, 210),
}

// NewI420 allocates a frame with tight strides.
func NewI420(w, h int) *render.I420 {
	cw, ch := (w+1)/2, (h+1)/2
	return &render.I420{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch),
		YStride: w, UStride: cw, VStride: cw}
}

// PaintHalves fills the left half with l and the right half with r.
func PaintHalves(f *render.I420, l, r YUV) {
	for y := 0; y < f.Height; y++ {
		for x := 0; x < f.Width; x++ {
			c := l
			if x >= f.Width/2 {
				c = r
			}
			f.Y[y*f.YStride+x] = c.Y
			if x%2 == 0 && y%2 == 0 {
				f.U[y/2*f.UStride+x/2], f.V[y/2*f.VStride+x/2] = c.U, c.V
			}
		}
	}
}

// AddGrain adds luma noise of ±amp so frames span many packets; it averages
// out in MeanColour.
func AddGrain(f *render.I420, seed uint64, amp int) {
	x := seed*0x9E3779B97F4A7C15 + 1
	for i := range f.Y[:f.YStride*f.Height] {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f.Y[i] = byte(min(max(int(f.Y[i])+int(x%uint64(2*amp+1))-amp, 0), 255))
	}
}

// MeanColour averages a rectangle of f (chroma from the co-sited samples).
func MeanColour(f *render.I420, x0, y0, x1, y1 int) YUV {
	var sy, su, sv, n int
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			sy += int(f.Y[y*f.YStride+x])
			su += int(f.U[y/2*f.UStride+x/2])
			sv += int(f.V[y/2*f.VStride+x/2])
			n++
		}
	}
	return YUV{byte(sy / n), byte(su / n), byte(sv / n)}
}

// Hash identifies the visible pixels of a picture exactly.
func Hash(f *render.I420) uint64 {
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

// Near reports whether two colours match within tol on every component.
func Near(a, b YUV, tol int) bool {
	d := func(p, q byte) int { return max(int(p)-int(q), int(q)-int(p)) }
	return d(a.Y, b.Y) <= tol && d(a.U, b.U) <= tol && d(a.V, b.V) <= tol
}

// Nearest returns the index of the palette colour closest to c.
func Nearest(c YUV) int {
	best, bestD := 0, 1<<30
	for i, p := range Palette {
		dy, du, dv := int(c.Y)-int(p.Y), int(c.U)-int(p.U), int(c.V)-int(p.V)
		if d := dy*dy + du*du + dv*dv; d < bestD {
			best, bestD = i, d
		}
	}
	return best
}

// CheckPalette fails t unless the centres of f's halves are nearer to
// palette colours i and i+3 than to any other palette colour: the right
// picture, even from an encoder starved of bits or time, which only blurs
// colours. frame names the picture in the message.
func CheckPalette(t testing.TB, f *render.I420, frame, i int) {
	t.Helper()
	w, h := f.Width, f.Height
	l := MeanColour(f, w/8, h/4, w*3/8, h*3/4)
	r := MeanColour(f, w*5/8, h/4, w*7/8, h*3/4)
	wl, wr := i%len(Palette), (i+3)%len(Palette)
	if Nearest(l) != wl || Nearest(r) != wr {
		t.Fatalf("frame %d: halves %v %v look like palette %d %d, want %d %d (%v %v)",
			frame, l, r, Nearest(l), Nearest(r), wl, wr, Palette[wl], Palette[wr])
	}
}
