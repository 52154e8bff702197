package render

import "math"

// MaxDim is the largest width or height render accepts, for frames and views
// alike. It matches the usual GPU texture limit and keeps every offset libyuv
// computes inside its 32-bit int.
const MaxDim = 16384

// NewI420 allocates a w×h frame with tightly packed planes. The chroma planes
// are (w+1)/2 × (h+1)/2: odd sizes round up, as 4:2:0 needs one chroma
// sample per started 2×2 block. Width and Height stay exactly w and h.
func NewI420(w, h int) *I420 {
	f := &I420{}
	f.resize(w, h)
	return f
}

// chromaSize is the size of the U and V planes of a w×h frame.
func chromaSize(w, h int) (int, int) { return (w + 1) / 2, (h + 1) / 2 }

// resize makes f a tightly packed w×h frame, reusing its planes when their
// capacity suffices, so buffers owned by a view grow but never churn.
func (f *I420) resize(w, h int) {
	cw, ch := chromaSize(w, h)
	f.Width, f.Height = w, h
	f.YStride, f.UStride, f.VStride = w, cw, cw
	f.Y = grow(f.Y, w*h)
	f.U = grow(f.U, cw*ch)
	f.V = grow(f.V, cw*ch)
}

func grow(b []byte, n int) []byte {
	if cap(b) >= n {
		return b[:n]
	}
	return make([]byte, n)
}

// Valid reports whether every plane holds its rows at the given strides, so
// that handing f to C cannot read or write outside its slices.
func (f *I420) Valid() bool {
	if f == nil || f.Width <= 0 || f.Height <= 0 || f.Width > MaxDim || f.Height > MaxDim {
		return false
	}
	cw, ch := chromaSize(f.Width, f.Height)
	return planeFits(f.Y, f.YStride, f.Width, f.Height) &&
		planeFits(f.U, f.UStride, cw, ch) &&
		planeFits(f.V, f.VStride, cw, ch)
}

// planeFits reports whether p holds h rows of w bytes, stride bytes apart.
func planeFits(p []byte, stride, w, h int) bool {
	return stride >= w && int64(stride)*int64(h) <= math.MaxInt32 &&
		len(p) >= stride*(h-1)+w
}

// crop returns the w×h window of f whose top-left corner is (x, y); x and y
// must be even so the chroma planes line up. The planes alias f's.
func (f *I420) crop(x, y, w, h int) I420 {
	return I420{
		Width: w, Height: h,
		Y:       f.Y[y*f.YStride+x:],
		U:       f.U[y/2*f.UStride+x/2:],
		V:       f.V[y/2*f.VStride+x/2:],
		YStride: f.YStride, UStride: f.UStride, VStride: f.VStride,
	}
}

// copyFrom makes f a packed copy of src, reusing f's planes.
func (f *I420) copyFrom(src *I420) {
	f.resize(src.Width, src.Height)
	cw, ch := chromaSize(src.Width, src.Height)
	copyPlane(f.Y, f.YStride, src.Y, src.YStride, src.Width, src.Height)
	copyPlane(f.U, f.UStride, src.U, src.UStride, cw, ch)
	copyPlane(f.V, f.VStride, src.V, src.VStride, cw, ch)
}

func copyPlane(dst []byte, dstStride int, src []byte, srcStride, w, h int) {
	for y := 0; y < h; y++ {
		copy(dst[y*dstStride:y*dstStride+w], src[y*srcStride:y*srcStride+w])
	}
}
