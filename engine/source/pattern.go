package source

import (
	"encoding/binary"
	"hash/crc32"
	"time"

	"github.com/parley-rtc/parley/render"
)

// The code: a band across the top of the picture, codeRows x codeCols
// black/white blocks, read row by row, most significant bit first:
//
//	16 bits magic | 32 bits frame number | 48 bits capture time (Unix ms) | 32 bits CRC-32 of the first 80
//
// Blocks are ~20x15 pixels at 640x360: still ~5x4 pixels after scaling to
// a quarter, and large against VP8's 4x4 transform, so they survive
// compression at a few hundred kbit/s.
const (
	codeCols     = 32
	codeRows     = 4
	codeBits     = codeCols * codeRows
	codeBandOf   = 6 // the band is 1/codeBandOf of the picture's height
	codeMagic    = 0x5052
	black, white = 16, 235 // BT.601 limited-range luma
)

// Default and minimum pattern sizes. Below the minimum the blocks would be
// too small to read.
const (
	DefaultWidth, DefaultHeight = 640, 360
	MinWidth, MinHeight         = 64, 48
)

// TestPattern generates the frames of the built-in TEST_PATTERN source: a
// colour gradient with a bar sliding across it (so every frame differs and
// the encoder has motion to code) under the code band.
//
// A TestPattern is not safe for concurrent use.
type TestPattern struct {
	w, h  int
	bg    render.I420 // static gradient, copied into frame each time
	frame render.I420
	n     uint32
	bits  [codeBits]bool
}

// NewTestPattern returns a pattern of w x h pixels; zero or negative sizes
// take the default 640x360, small ones are raised to 64x48.
func NewTestPattern(w, h int) *TestPattern {
	if w <= 0 || h <= 0 {
		w, h = DefaultWidth, DefaultHeight
	}
	w, h = max(w, MinWidth), max(h, MinHeight)
	p := &TestPattern{w: w, h: h, bg: newI420(w, h), frame: newI420(w, h)}
	cw, ch := (w+1)/2, (h+1)/2
	for y := range h {
		for x := range w {
			p.bg.Y[y*w+x] = byte(60 + 120*x/w)
		}
	}
	for y := range ch {
		for x := range cw {
			p.bg.U[y*cw+x] = byte(64 + 128*x/cw)
			p.bg.V[y*cw+x] = byte(192 - 128*y/ch)
		}
	}
	return p
}

// Size returns the frame size.
func (p *TestPattern) Size() (w, h int) { return p.w, p.h }

// Next returns the next frame, stamped with its number (0 first) and now
// as the capture time. The frame and its planes are reused: valid until
// the next call.
func (p *TestPattern) Next(now time.Time) *render.I420 {
	f := &p.frame
	copy(f.Y, p.bg.Y)
	copy(f.U, p.bg.U)
	copy(f.V, p.bg.V)
	// A white bar a sixteenth of the width wide, 4 px further each frame.
	bw := max(p.w/16, 2)
	x0 := int(p.n*4) % p.w
	for y := range p.h {
		for x := x0; x < x0+bw; x++ {
			f.Y[y*f.YStride+x%p.w] = white
		}
	}
	encodeBits(&p.bits, p.n, now.UnixMilli())
	drawCode(f, &p.bits)
	p.n++
	return f
}

// encodeBits lays out magic, frame number, time and CRC as code bits.
func encodeBits(bits *[codeBits]bool, frameNo uint32, captureMs int64) {
	var b [codeBits / 8]byte
	binary.BigEndian.PutUint16(b[0:], codeMagic)
	binary.BigEndian.PutUint32(b[2:], frameNo)
	binary.BigEndian.PutUint16(b[6:], uint16(captureMs>>32))
	binary.BigEndian.PutUint32(b[8:], uint32(captureMs))
	binary.BigEndian.PutUint32(b[12:], crc32.ChecksumIEEE(b[:12]))
	for i := range bits {
		bits[i] = b[i/8]>>(7-i%8)&1 == 1
	}
}

// decodeBits checks magic and CRC and extracts the numbers.
func decodeBits(bits *[codeBits]bool) (uint32, int64, bool) {
	var b [codeBits / 8]byte
	for i, on := range bits {
		if on {
			b[i/8] |= 1 << (7 - i%8)
		}
	}
	if binary.BigEndian.Uint16(b[0:]) != codeMagic || binary.BigEndian.Uint32(b[12:]) != crc32.ChecksumIEEE(b[:12]) {
		return 0, 0, false
	}
	ms := int64(binary.BigEndian.Uint16(b[6:]))<<32 | int64(binary.BigEndian.Uint32(b[8:]))
	return binary.BigEndian.Uint32(b[2:]), ms, true
}

// drawCode paints the code band: grey chroma, black or white luma blocks.
func drawCode(f *render.I420, bits *[codeBits]bool) {
	band := f.Height / codeBandOf
	for r := range codeRows {
		y0, y1 := r*band/codeRows, (r+1)*band/codeRows
		for c := range codeCols {
			x0, x1 := c*f.Width/codeCols, (c+1)*f.Width/codeCols
			v := byte(black)
			if bits[r*codeCols+c] {
				v = white
			}
			for y := y0; y < y1; y++ {
				row := f.Y[y*f.YStride:]
				for x := x0; x < x1; x++ {
					row[x] = v
				}
			}
		}
	}
	for y := range (band + 1) / 2 {
		for x := range (f.Width + 1) / 2 {
			f.U[y*f.UStride+x], f.V[y*f.VStride+x] = 128, 128
		}
	}
}

func newI420(w, h int) render.I420 {
	cw, ch := (w+1)/2, (h+1)/2
	return render.I420{Width: w, Height: h, Y: make([]byte, w*h), U: make([]byte, cw*ch), V: make([]byte, cw*ch),
		YStride: w, UStride: cw, VStride: cw}
}
