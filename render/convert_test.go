package render

import (
	"errors"
	"testing"
)

func TestNewI420RoundsChromaUp(t *testing.T) {
	f := NewI420(5, 3)
	if f.Width != 5 || f.Height != 3 || len(f.Y) != 15 || f.YStride != 5 ||
		len(f.U) != 3*2 || len(f.V) != 3*2 || f.UStride != 3 || f.VStride != 3 {
		t.Fatalf("NewI420(5, 3) = %+v", f)
	}
}

func TestRGBARoundTrip(t *testing.T) {
	const w, h = 7, 5 // odd, so the last chroma column and row are half blocks
	f := paint(t, w, h, func(x, _ int) rgb { return pick(x < 4, red, blue) })
	stride := 4*w + 8
	out := make([]byte, stride*h)
	I420ToRGBA(out, stride, f)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if want := pick(x < 4, red, blue); !near(out[y*stride+4*x:], want) {
				t.Fatalf("pixel (%d,%d) = %v, want %v", x, y, out[y*stride+4*x:y*stride+4*x+4], want)
			}
		}
		if pad := out[y*stride+4*w : (y+1)*stride]; string(pad) != string(make([]byte, 8)) {
			t.Fatalf("row %d padding written: %v", y, pad)
		}
	}
}

func TestRGBAToI420RejectsBadInput(t *testing.T) {
	rgba := make([]byte, 4*8*8)
	cases := map[string]func() error{
		"zero size":    func() error { return RGBAToI420(NewI420(8, 8), rgba, 0, 8, 32) },
		"short stride": func() error { return RGBAToI420(NewI420(8, 8), rgba, 8, 8, 31) },
		"short rgba":   func() error { return RGBAToI420(NewI420(8, 8), rgba[:4*8*8-1], 8, 8, 32) },
		"nil dst":      func() error { return RGBAToI420(nil, rgba, 8, 8, 32) },
		"size differs": func() error { return RGBAToI420(NewI420(8, 6), rgba, 8, 8, 32) },
		"short plane": func() error {
			d := NewI420(8, 8)
			d.U = d.U[:3]
			return RGBAToI420(d, rgba, 8, 8, 32)
		},
	}
	for name, call := range cases {
		if err := call(); !errors.Is(err, ErrInvalidFrame) {
			t.Errorf("%s: err = %v, want ErrInvalidFrame", name, err)
		}
	}
}

func TestI420ToRGBAPanicsOnShortBuffer(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a destination one byte short")
		}
	}()
	I420ToRGBA(make([]byte, 4*8*8-1), 32, NewI420(8, 8))
}

func TestMirrorI420SwapsLeftAndRight(t *testing.T) {
	const w, h = 64, 32
	rgba := make([]byte, w*h*4)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			i := (y*w + x) * 4
			if x < w/2 {
				rgba[i], rgba[i+3] = 255, 255 // red on the left
			} else {
				rgba[i+2], rgba[i+3] = 255, 255 // blue on the right
			}
		}
	}
	src, dst := NewI420(w, h), NewI420(w, h)
	if err := RGBAToI420(src, rgba, w, h, w*4); err != nil {
		t.Fatal(err)
	}
	if err := MirrorI420(dst, src); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, w*h*4)
	I420ToRGBA(out, w*4, dst)
	left, right := out[(h/2*w+4)*4:], out[(h/2*w+w-4)*4:]
	if left[2] < 200 || left[0] > 60 || right[0] < 200 || right[2] > 60 {
		t.Fatalf("after mirror left %v right %v, want blue left and red right", left[:4], right[:4])
	}
	if MirrorI420(NewI420(w, h+2), src) == nil {
		t.Fatal("mirror into a frame of another size succeeded")
	}
}

func TestScaleI420KeepsTheColour(t *testing.T) {
	const w, h = 64, 48
	rgba := make([]byte, w*h*4)
	for i := 0; i < len(rgba); i += 4 {
		rgba[i+1], rgba[i+3] = 255, 255
	}
	src, dst := NewI420(w, h), NewI420(160, 90)
	if err := RGBAToI420(src, rgba, w, h, w*4); err != nil {
		t.Fatal(err)
	}
	if err := ScaleI420(dst, src); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 160*90*4)
	I420ToRGBA(out, 160*4, dst)
	if c := out[(45*160+80)*4:]; c[1] < 230 || c[0] > 30 || c[2] > 30 {
		t.Fatalf("scaled green reads %v", c[:4])
	}
	if ScaleI420(nil, src) == nil {
		t.Fatal("scale into nil succeeded")
	}
}
