package source_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/source"
)

var epoch = time.UnixMilli(1_767_225_600_123) // 2026-01-01, ms precision

func TestPatternReadsBackAtEverySize(t *testing.T) {
	p := source.NewTestPattern(640, 360)
	views := []struct {
		name string
		w, h int
		flip bool
	}{
		{"same size", 640, 360, false}, {"half", 320, 180, false}, {"quarter", 160, 90, false},
		{"odd fit", 213, 120, false}, {"upscaled", 1280, 720, false}, {"stretched square", 400, 400, false},
		{"flip_y", 320, 180, true},
	}
	for i := range 5 {
		now := epoch.Add(time.Duration(i) * 33 * time.Millisecond)
		f := p.Next(now)
		if n, ms, ok := source.DecodePatternI420(f); !ok || n != uint32(i) || ms != now.UnixMilli() {
			t.Fatalf("frame %d I420: read %d %d %v", i, n, ms, ok)
		}
		rgba := toRGBA(f)
		for _, v := range views {
			pix := scale(rgba, 640, 360, v.w, v.h)
			if v.flip {
				pix = flipRows(pix, v.w, v.h)
			}
			n, ms, ok := source.DecodePatternRGBA(pix, v.w, v.h, 4*v.w)
			if !ok || n != uint32(i) || ms != now.UnixMilli() {
				t.Errorf("frame %d, %s view %dx%d: read %d %d %v", i, v.name, v.w, v.h, n, ms, ok)
			}
		}
	}
}

func TestPatternRowPaddingAndOddSizes(t *testing.T) {
	for _, sz := range [][2]int{{0, 0}, {10, 10}, {641, 359}, {1920, 1080}} {
		p := source.NewTestPattern(sz[0], sz[1])
		w, h := p.Size()
		f := p.Next(epoch)
		if f.Width != w || f.Height != h || w < source.MinWidth || h < source.MinHeight {
			t.Fatalf("NewTestPattern(%d, %d): frame %dx%d, Size %dx%d", sz[0], sz[1], f.Width, f.Height, w, h)
		}
		const stride = 4*1920 + 64 // a padded view row
		pix := make([]byte, stride*h)
		rgba := toRGBA(f)
		for y := range h {
			copy(pix[y*stride:], rgba[4*w*y:4*w*(y+1)])
		}
		if n, ms, ok := source.DecodePatternRGBA(pix, w, h, stride); !ok || n != 0 || ms != epoch.UnixMilli() {
			t.Errorf("%dx%d: read %d %d %v", w, h, n, ms, ok)
		}
	}
	if w, h := source.NewTestPattern(0, 0).Size(); w != 640 || h != 360 {
		t.Errorf("default size %dx%d", w, h)
	}
}

func TestPatternMoves(t *testing.T) {
	p := source.NewTestPattern(640, 360)
	a := append([]byte(nil), p.Next(epoch).Y...)
	b := p.Next(epoch).Y
	changed := 0
	for i := 640 * 120; i < len(a); i++ { // below the code band
		if a[i] != b[i] {
			changed++
		}
	}
	if changed < 640 {
		t.Fatalf("only %d luma pixels changed between frames; the picture must move", changed)
	}
}

func TestPatternNeverMisreads(t *testing.T) {
	p := source.NewTestPattern(640, 360)
	first := append([]byte(nil), p.Next(epoch).Y...)
	// Invert one block at a time: the CRC (or the magic) must refuse each.
	for r := range 4 {
		for c := range 32 {
			g := p.Next(epoch) // same picture, fresh copy each time
			for y := r*15 + 3; y < r*15+12; y++ {
				for x := c*20 + 4; x < c*20+16; x++ {
					g.Y[y*g.YStride+x] = 251 - g.Y[y*g.YStride+x]
				}
			}
			if n, ms, ok := source.DecodePatternI420(g); ok {
				t.Fatalf("block %d,%d inverted, yet read %d %d", r, c, n, ms)
			}
		}
	}
	// Two frames blended, as a torn or interpolated picture would be.
	g := p.Next(epoch.Add(time.Hour))
	for i := range g.Y {
		g.Y[i] = byte((int(g.Y[i]) + int(first[i])) / 2)
	}
	if _, _, ok := source.DecodePatternI420(g); ok {
		t.Fatal("a blend of two frames was read")
	}
	rng := rand.New(rand.NewPCG(9, 9))
	noise := make([]byte, 4*320*180)
	for range 50 {
		for i := range noise {
			noise[i] = byte(rng.IntN(2) * 255)
		}
		if _, _, ok := source.DecodePatternRGBA(noise, 320, 180, 4*320); ok {
			t.Fatal("noise was read as a pattern")
		}
	}
	if _, _, ok := source.DecodePatternRGBA(make([]byte, 100), 640, 360, 2560); ok {
		t.Fatal("short buffer accepted")
	}
	if _, _, ok := source.DecodePatternI420(nil); ok {
		t.Fatal("nil frame accepted")
	}
}
