package source

import "github.com/parley-rtc/parley/render"

// DecodePatternI420 reads the frame number and capture time from a frame
// showing a whole TestPattern at any size (scaled to fill, or fitted into
// a view of the same aspect). ok is false unless every block reads clearly
// and the magic and CRC-32 match, so a damaged frame is never misread as a
// wrong number.
func DecodePatternI420(f *render.I420) (frameNo uint32, captureMs int64, ok bool) {
	if f == nil || f.Width < codeCols || f.Height < codeBandOf*codeRows ||
		f.YStride < f.Width || len(f.Y) < f.YStride*(f.Height-1)+f.Width {
		return 0, 0, false
	}
	return readCode(f.Width, f.Height, func(x, y int) int { return int(f.Y[y*f.YStride+x]) })
}

// DecodePatternRGBA is DecodePatternI420 for RGBA8 pixels, as a view's
// buffer holds them (stride in bytes). Rows may run top-down or bottom-up
// (a flip_y view): both are tried.
func DecodePatternRGBA(pix []byte, width, height, stride int) (frameNo uint32, captureMs int64, ok bool) {
	if width < codeCols || height < codeBandOf*codeRows || stride < 4*width || len(pix) < stride*(height-1)+4*width {
		return 0, 0, false
	}
	luma := func(x, y int) int {
		i := y*stride + 4*x
		return (77*int(pix[i]) + 150*int(pix[i+1]) + 29*int(pix[i+2])) >> 8
	}
	if n, ms, ok := readCode(width, height, luma); ok {
		return n, ms, true
	}
	return readCode(width, height, func(x, y int) int { return luma(x, height-1-y) })
}

// readCode averages the middle of every block, decides each against the
// midpoint of the darkest and brightest, and refuses blocks too close to
// call: blurred, half-updated or foreign pictures fail here or at the CRC.
func readCode(w, h int, luma func(x, y int) int) (uint32, int64, bool) {
	bw := float64(w) / codeCols
	bh := float64(h) / codeBandOf / codeRows
	rx, ry := int(bw*0.2), int(bh*0.2)
	var means [codeBits]int
	lo, hi := 255, 0
	for r := range codeRows {
		cy := int((float64(r) + 0.5) * bh)
		for c := range codeCols {
			cx := int((float64(c) + 0.5) * bw)
			sum, n := 0, 0
			for y := max(cy-ry, 0); y <= min(cy+ry, h-1); y++ {
				for x := max(cx-rx, 0); x <= min(cx+rx, w-1); x++ {
					sum += luma(x, y)
					n++
				}
			}
			m := sum / n
			means[r*codeCols+c] = m
			lo, hi = min(lo, m), max(hi, m)
		}
	}
	if hi-lo < 64 {
		return 0, 0, false
	}
	mid, margin := (lo+hi)/2, (hi-lo)/4
	var bits [codeBits]bool
	for i, m := range means {
		if m > mid-margin && m < mid+margin {
			return 0, 0, false
		}
		bits[i] = m > mid
	}
	return decodeBits(&bits)
}
