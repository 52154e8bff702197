package render

import "testing"

// benchWrite measures one steady-state Write of a srcW×srcH frame into a
// viewW×viewH view: scaling (if any) plus conversion to RGBA.
func benchWrite(b *testing.B, srcW, srcH, viewW, viewH int, mode Mode) {
	f := paint(b, srcW, srcH, func(x, y int) rgb { return rgb{byte(x), byte(y), byte(x + y)} })
	pix := make([]byte, 4*viewW*viewH)
	v, err := NewView(Desc{Pixels: pix, Width: viewW, Height: viewH, Stride: 4 * viewW, Mode: mode})
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	v.Write(f, FrameMeta{}, false)
	b.SetBytes(int64(len(pix)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		v.Write(f, FrameMeta{}, false)
	}
}

func BenchmarkWrite640x360(b *testing.B)  { benchWrite(b, 640, 360, 640, 360, ModeAspectFit) }
func BenchmarkWrite1280x720(b *testing.B) { benchWrite(b, 1280, 720, 1280, 720, ModeAspectFit) }

// BenchmarkWrite1280x720To640x360Fit is the common "720p stream in a smaller
// player" case: I420Scale to the scratch frame, then conversion.
func BenchmarkWrite1280x720To640x360Fit(b *testing.B) {
	benchWrite(b, 1280, 720, 640, 360, ModeAspectFit)
}

// BenchmarkWrite1280x720To480x480Fill crops and scales by a non-integer
// ratio (720 rows to 480).
func BenchmarkWrite1280x720To480x480Fill(b *testing.B) {
	benchWrite(b, 1280, 720, 480, 480, ModeAspectFill)
}

// BenchmarkWrite1280x720To160x90Fit is a thumbnail: an 8× reduction, where
// the filter choice matters most.
func BenchmarkWrite1280x720To160x90Fit(b *testing.B) {
	benchWrite(b, 1280, 720, 160, 90, ModeAspectFit)
}

// BenchmarkWrite640x360Mirrored adds the I420 mirror pass of a preview.
func BenchmarkWrite640x360Mirrored(b *testing.B) {
	f := solid(b, 640, 360, green)
	v, _ := NewView(Desc{Pixels: make([]byte, 4*640*360), Width: 640, Height: 360, Stride: 4 * 640})
	defer v.Close()
	v.Write(f, FrameMeta{}, true)
	b.ReportAllocs()
	for b.Loop() {
		v.Write(f, FrameMeta{}, true)
	}
}
