package render

import (
	"errors"
	"fmt"
	"testing"
)

var modes = []Mode{ModeAspectFit, ModeAspectFill, ModeScaleToFill}

func TestSolidColourLandsInEveryMode(t *testing.T) {
	sizes := []struct{ srcW, srcH, viewW, viewH int }{
		{640, 360, 640, 360}, // same size: direct conversion
		{640, 360, 64, 64},   // downscale, aspect differs
		{64, 36, 300, 200},   // upscale
		{101, 57, 33, 77},    // odd sizes everywhere
	}
	for _, m := range modes {
		for _, s := range sizes {
			name := fmt.Sprintf("mode%d/%dx%d_to_%dx%d", m, s.srcW, s.srcH, s.viewW, s.viewH)
			t.Run(name, func(t *testing.T) {
				v := newTestView(t, s.viewW, s.viewH, m, false)
				mustWrite(t, v, solid(t, s.srcW, s.srcH, red), false)
				l := newLayout(m, s.srcW, s.srcH, s.viewW, s.viewH)
				if m != ModeAspectFit && !l.covers(s.viewW, s.viewH) {
					t.Fatalf("mode %d leaves bars: %+v", m, l)
				}
				v.expectRect(t, l.dstX, l.dstY, l.dstW, l.dstH, red)
				v.expectPadding(t)
			})
		}
	}
}

func TestAspectFitLetterboxesWideSource(t *testing.T) {
	// 16:9 into 100x100: the picture is 100x56 (56.25 rounded) at row 22.
	v := newTestView(t, 100, 100, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 320, 180, red), false)
	v.expectRect(t, 0, 0, 100, 22, black)
	v.expectRect(t, 0, 22, 100, 56, red)
	v.expectRect(t, 0, 78, 100, 22, black)
	v.expectPadding(t)
}

func TestAspectFitPillarboxesTallSource(t *testing.T) {
	v := newTestView(t, 100, 100, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 180, 320, blue), false)
	v.expectRect(t, 0, 0, 22, 100, black)
	v.expectRect(t, 22, 0, 56, 100, blue)
	v.expectRect(t, 78, 0, 22, 100, black)
}

// stripes is green | red | blue | green in four equal columns: only its
// centre half may show when it is cropped into a narrow view.
func stripes(t testing.TB, w, h int) *I420 {
	return paint(t, w, h, func(x, _ int) rgb {
		switch {
		case x < w/4 || x >= 3*w/4:
			return green
		case x < w/2:
			return red
		}
		return blue
	})
}

func TestAspectFillCropsTheCentre(t *testing.T) {
	// 320x180 into 40x100: the 72x180 centre of the source fills the view,
	// red on its left half, blue on its right half, no green edges.
	v := newTestView(t, 40, 100, ModeAspectFill, false)
	mustWrite(t, v, stripes(t, 320, 180), false)
	v.expectRect(t, 0, 0, 16, 100, red)
	v.expectRect(t, 24, 0, 16, 100, blue)
	v.expectPadding(t)
}

func TestScaleToFillStretchesEverything(t *testing.T) {
	// The same source stretched keeps all four stripes, 10 columns each.
	v := newTestView(t, 40, 100, ModeScaleToFill, false)
	mustWrite(t, v, stripes(t, 320, 180), false)
	v.expectRect(t, 0, 0, 8, 100, green)
	v.expectRect(t, 11, 0, 8, 100, red)
	v.expectRect(t, 21, 0, 8, 100, blue)
	v.expectRect(t, 32, 0, 8, 100, green)
}

func TestMirrorSwapsLeftAndRight(t *testing.T) {
	for _, tc := range []struct {
		name         string
		mode         Mode
		viewW, viewH int
	}{
		{"direct", ModeScaleToFill, 64, 36},
		{"scaled", ModeScaleToFill, 32, 18},
		{"fill", ModeAspectFill, 20, 36},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestView(t, tc.viewW, tc.viewH, tc.mode, false)
			f := leftRight(t, 64, 36, red, blue)
			quarter := tc.viewW / 4
			mustWrite(t, v, f, false)
			v.expectRect(t, 0, 0, quarter, tc.viewH, red)
			v.expectRect(t, tc.viewW-quarter, 0, quarter, tc.viewH, blue)
			mustWrite(t, v, f, true)
			v.expectRect(t, 0, 0, quarter, tc.viewH, blue)
			v.expectRect(t, tc.viewW-quarter, 0, quarter, tc.viewH, red)
			v.expectPadding(t)
		})
	}
}

func TestFlipYSwapsTopAndBottom(t *testing.T) {
	f := topBottom(t, 64, 36, red, blue)
	plain := newTestView(t, 64, 36, ModeScaleToFill, false)
	mustWrite(t, plain, f, false)
	plain.expectRect(t, 0, 0, 64, 16, red)
	plain.expectRect(t, 0, 20, 64, 16, blue)

	flipped := newTestView(t, 64, 36, ModeScaleToFill, true)
	mustWrite(t, flipped, f, false)
	flipped.expectRect(t, 0, 0, 64, 16, blue)
	flipped.expectRect(t, 0, 20, 64, 16, red)
	flipped.expectPadding(t)
}

func TestFlipYWithLetterbox(t *testing.T) {
	// The picture rect (rows 22..77) is symmetric, so the bars stay put and
	// only the picture turns upside down.
	v := newTestView(t, 100, 100, ModeAspectFit, true)
	mustWrite(t, v, topBottom(t, 320, 180, red, blue), false)
	v.expectRect(t, 0, 0, 100, 22, black)
	v.expectRect(t, 0, 24, 100, 24, blue)
	v.expectRect(t, 0, 52, 100, 24, red)
	v.expectRect(t, 0, 78, 100, 22, black)
	v.expectPadding(t)
}

func TestFlipYWithAsymmetricLetterbox(t *testing.T) {
	// 16:9 into 100x101: picture rows 22..77 top-down, so 23 bar rows
	// below it; flipped, the picture moves to rows 23..78.
	v := newTestView(t, 100, 101, ModeAspectFit, true)
	mustWrite(t, v, solid(t, 320, 180, red), false)
	v.expectRect(t, 0, 0, 100, 23, black)
	v.expectRect(t, 0, 23, 100, 56, red)
	v.expectRect(t, 0, 79, 100, 22, black)
}

func TestSizeChangeRepaintsBars(t *testing.T) {
	v := newTestView(t, 100, 100, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 50, 50, red), false) // fills the view
	v.expectRect(t, 0, 0, 100, 100, red)

	mustWrite(t, v, solid(t, 320, 180, blue), false) // letterbox
	v.expectRect(t, 0, 0, 100, 22, black)
	v.expectRect(t, 0, 22, 100, 56, blue)
	v.expectRect(t, 0, 78, 100, 22, black)

	mustWrite(t, v, solid(t, 180, 320, green), false) // pillarbox
	v.expectRect(t, 0, 0, 22, 100, black)
	v.expectRect(t, 22, 0, 56, 100, green)
	v.expectRect(t, 78, 0, 22, 100, black)
}

func TestMalformedFrameIsIgnored(t *testing.T) {
	v := newTestView(t, 16, 16, ModeAspectFit, false)
	short := solid(t, 16, 16, red)
	short.V = short.V[:len(short.V)-1]
	bad := []*I420{nil, short, {Width: 0, Height: 16}, {Width: 16, Height: 16}}
	for i, f := range bad {
		if v.Write(f, FrameMeta{}, false) {
			t.Fatalf("malformed frame %d landed", i)
		}
	}
	info, _ := v.Acquire()
	if info.Seq != 0 {
		t.Fatalf("seq %d after only malformed frames", info.Seq)
	}
	for i, b := range v.pix {
		if b != canary {
			t.Fatalf("byte %d written by a malformed frame", i)
		}
	}
}

func TestNewViewRejectsBadDesc(t *testing.T) {
	ok := Desc{Pixels: make([]byte, 40*10), Width: 10, Height: 10, Stride: 40}
	bad := map[string]func(d *Desc){
		"zero width":      func(d *Desc) { d.Width = 0 },
		"negative height": func(d *Desc) { d.Height = -1 },
		"huge width":      func(d *Desc) { d.Width, d.Stride = MaxDim+1, 4*(MaxDim+1) },
		"short stride":    func(d *Desc) { d.Stride = 39 },
		"short pixels":    func(d *Desc) { d.Pixels = d.Pixels[:399] },
		"nil pixels":      func(d *Desc) { d.Pixels = nil },
		"unknown mode":    func(d *Desc) { d.Mode = 3 },
		"negative mode":   func(d *Desc) { d.Mode = -1 },
	}
	if _, err := NewView(ok); err != nil {
		t.Fatalf("valid desc rejected: %v", err)
	}
	for name, spoil := range bad {
		d := ok
		spoil(&d)
		if _, err := NewView(d); !errors.Is(err, ErrInvalidDesc) {
			t.Errorf("%s: err = %v, want ErrInvalidDesc", name, err)
		}
	}
}

func TestSteadyStateWriteDoesNotAllocate(t *testing.T) {
	cases := []struct {
		name         string
		srcW, srcH   int
		viewW, viewH int
		mode         Mode
		mirror, flip bool
	}{
		{"direct", 64, 36, 64, 36, ModeAspectFit, false, false},
		{"fit scaled", 128, 72, 50, 50, ModeAspectFit, false, false},
		{"fill mirrored flipped", 128, 72, 30, 50, ModeAspectFill, true, true},
		{"stretch up", 32, 18, 70, 70, ModeScaleToFill, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestView(t, tc.viewW, tc.viewH, tc.mode, tc.flip)
			f := solid(t, tc.srcW, tc.srcH, green)
			v.Write(f, FrameMeta{}, tc.mirror) // first frame sizes the scratch buffers
			if n := testing.AllocsPerRun(50, func() { v.Write(f, FrameMeta{}, tc.mirror) }); n != 0 {
				t.Fatalf("%v allocations per Write", n)
			}
			v.expectRect(t, 0, tc.viewH/2, tc.viewW, 1, green)

			// While held, Write copies into the pending buffer: also free.
			acquire(t, v)
			v.Write(f, FrameMeta{}, tc.mirror)
			if n := testing.AllocsPerRun(50, func() { v.Write(f, FrameMeta{}, tc.mirror) }); n != 0 {
				t.Fatalf("%v allocations per Write on a held view", n)
			}
			release(t, v)
		})
	}
}
