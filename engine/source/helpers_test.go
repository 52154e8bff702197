package source_test

import "github.com/parley-rtc/parley/render"

// toRGBA converts with plain BT.601 (limited range in, full range out), as
// a view would, so the tests do not depend on libyuv.
func toRGBA(f *render.I420) []byte {
	pix := make([]byte, 4*f.Width*f.Height)
	clamp := func(v int) byte { return byte(min(max(v, 0), 255)) }
	for y := range f.Height {
		for x := range f.Width {
			c := 298 * (int(f.Y[y*f.YStride+x]) - 16)
			d := int(f.U[y/2*f.UStride+x/2]) - 128
			e := int(f.V[y/2*f.VStride+x/2]) - 128
			i := 4 * (y*f.Width + x)
			pix[i] = clamp((c + 409*e + 128) >> 8)
			pix[i+1] = clamp((c - 100*d - 208*e + 128) >> 8)
			pix[i+2] = clamp((c + 516*d + 128) >> 8)
			pix[i+3] = 255
		}
	}
	return pix
}

// scale resizes RGBA by averaging each destination pixel's footprint (a box
// filter, like libyuv's), so down-scaling blurs block edges as a view does.
func scale(src []byte, sw, sh, dw, dh int) []byte {
	dst := make([]byte, 4*dw*dh)
	for y := range dh {
		y0, y1 := y*sh/dh, max((y+1)*sh/dh, y*sh/dh+1)
		for x := range dw {
			x0, x1 := x*sw/dw, max((x+1)*sw/dw, x*sw/dw+1)
			var sum [3]int
			for yy := y0; yy < y1; yy++ {
				for xx := x0; xx < x1; xx++ {
					for c := range 3 {
						sum[c] += int(src[4*(yy*sw+xx)+c])
					}
				}
			}
			n := (y1 - y0) * (x1 - x0)
			for c := range 3 {
				dst[4*(y*dw+x)+c] = byte(sum[c] / n)
			}
			dst[4*(y*dw+x)+3] = 255
		}
	}
	return dst
}

// flipRows turns a top-down RGBA image bottom-up (a flip_y view).
func flipRows(pix []byte, w, h int) []byte {
	out := make([]byte, len(pix))
	for y := range h {
		copy(out[4*w*(h-1-y):4*w*(h-y)], pix[4*w*y:4*w*(y+1)])
	}
	return out
}
