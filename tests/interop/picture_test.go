package interop

import (
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/render"
)

// picture is RGBA8, rows top-down, 4*w bytes each.
type picture struct {
	w, h int
	rgba []byte
}

// grab takes the picture a video element of the page shows (a played
// stream, or the preview of the published one; on the WHEP player, its one
// stream), through a canvas.
func (p *page) grab(streamID string) *picture {
	p.t.Helper()
	var g *struct {
		Width, Height int
		RGBA          string
	}
	p.eval(fmt.Sprintf("(window.parley ?? window.whep).grab(%q)", streamID), &g)
	if g == nil {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(g.RGBA)
	if err != nil || len(b) != g.Width*g.Height*4 {
		p.t.Fatalf("grab of %s: %d bytes for %dx%d (%v)", streamID, len(b), g.Width, g.Height, err)
	}
	return &picture{w: g.Width, h: g.Height, rgba: b}
}

// cellMeans is the mean colour of each cell of a cols x rows grid.
func (p *picture) cellMeans(cols, rows int) [][3]float64 {
	out := make([][3]float64, cols*rows)
	for r := range rows {
		for c := range cols {
			var sum [3]float64
			n := 0
			for y := r * p.h / rows; y < (r+1)*p.h/rows; y++ {
				for x := c * p.w / cols; x < (c+1)*p.w/cols; x++ {
					i := (y*p.w + x) * 4
					for k := range 3 {
						sum[k] += float64(p.rgba[i+k])
					}
					n++
				}
			}
			for k := range 3 {
				out[r*cols+c][k] = sum[k] / float64(max(n, 1))
			}
		}
	}
	return out
}

// similarCells is the share of grid cells whose mean colours are within tol
// of each other in every channel: two pictures of the same scene at any
// sizes agree in most cells, whatever moves in a few.
func similarCells(a, b *picture, cols, rows int, tol float64) float64 {
	ma, mb := a.cellMeans(cols, rows), b.cellMeans(cols, rows)
	same := 0
	for i := range ma {
		ok := true
		for k := range 3 {
			if d := ma[i][k] - mb[i][k]; d > tol || d < -tol {
				ok = false
			}
		}
		if ok {
			same++
		}
	}
	return float64(same) / float64(len(ma))
}

// changedShare is the share of pixels that differ by more than 32 in some
// channel between two pictures of the same size.
func changedShare(a, b *picture) float64 {
	changed := 0
	for i := 0; i+3 < len(a.rgba) && i+3 < len(b.rgba); i += 4 {
		for k := range 3 {
			if d := int(a.rgba[i+k]) - int(b.rgba[i+k]); d > 32 || d < -32 {
				changed++
				break
			}
		}
	}
	return float64(changed) / float64(a.w*a.h)
}

// patternI420 is frame n of the engine's test pattern at w x h.
func patternI420(w, h int, n uint32) *render.I420 {
	p := source.NewTestPattern(w, h)
	var f *render.I420
	for range n + 1 {
		f = p.Next(time.Now())
	}
	return f
}

// patternFrame is frame n of the test pattern converted to RGBA as the
// engine's views do (BT.601, limited range): what a player should show.
func patternFrame(w, h int, n uint32) *picture {
	out := &picture{w: w, h: h, rgba: make([]byte, w*h*4)}
	render.I420ToRGBA(out.rgba, w*4, patternI420(w, h, n))
	return out
}

// meanAbsDiff is the mean absolute difference per channel of two pictures
// of the same size, over the rows from y0 down.
func meanAbsDiff(a, b *picture, y0 int) float64 {
	var sum, n float64
	for i := y0 * a.w * 4; i < len(a.rgba); i += 4 {
		for k := range 3 {
			d := float64(a.rgba[i+k]) - float64(b.rgba[i+k])
			if d < 0 {
				d = -d
			}
			sum += d
			n++
		}
	}
	return sum / max(n, 1)
}

// checkShowsPattern grabs a stream's picture from the page until the
// pattern's code in it reads, then compares the picture with that frame of
// the pattern below the code band (a sixth of the height: its time bits
// differ): on average, and in the colour of every part of the gradient.
// The engine's H.264 signals BT.601 (SMPTE 170M) in its SPS, so Chromium
// converts it as the engine does.
func checkShowsPattern(t *testing.T, p *page, streamID string, w, h int) {
	t.Helper()
	var got *picture
	var frame uint32
	eventually(t, 10*time.Second, func() (bool, string) {
		got = p.grab(streamID)
		if got == nil {
			return false, "no picture to grab from the page's video of " + streamID
		}
		if got.w != w || got.h != h {
			return false, fmt.Sprintf("the page's video of %s is %dx%d, want %dx%d", streamID, got.w, got.h, w, h)
		}
		n, _, ok := source.DecodePatternRGBA(got.rgba, got.w, got.h, got.w*4)
		frame = n
		return ok, "the test pattern's code does not read in the page's picture of " + streamID
	})
	y0 := h/6 + 4
	matches := func(want *picture) (float64, float64, bool) {
		d := meanAbsDiff(got, want, y0)
		cells := similarCells(got.below(y0), want.below(y0), 8, 4, 12)
		return d, cells, d <= 6 && cells == 1
	}
	d, cells, ok := matches(patternFrame(w, h, frame))
	if ok {
		t.Logf("the page shows pattern frame %d of %s, %.1f levels off on average", frame, streamID, d)
		return
	}
	t.Fatalf("the page shows frame %d of %s %.1f levels off the pattern on average (want ≤ 6), "+
		"%.0f%% of its parts within 12 levels of the pattern's colours (want all)", frame, streamID, d, 100*cells)
}

// below is the picture from row y0 down.
func (p *picture) below(y0 int) *picture {
	return &picture{w: p.w, h: p.h - y0, rgba: p.rgba[y0*p.w*4:]}
}
