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
