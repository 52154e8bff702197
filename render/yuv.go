package render

// #cgo LDFLAGS: -lyuv
// #include <libyuv.h>
import "C"

import "unsafe"

// This file is the only one that calls C. Every wrapper takes slices whose
// bounds the caller has already checked (I420.valid, View geometry); C reads
// and writes only through &s[0], and the slices are plain bytes, so cgo's
// pointer rules hold. libyuv picks SIMD code paths at run time.

// scaleFilter is the filter for every resize. Down to half size libyuv
// treats Box as Bilinear (ScaleFilterReduce), so they cost the same; below
// half size Box averages every source pixel while Bilinear reads a fixed 2×2
// per output pixel: 1280x720 into 160x90 measured ~70 µs with Box and ~18 µs
// with Bilinear here. Small players of big streams are common in games, so
// Bilinear, accepting some aliasing in thumbnails.
const scaleFilter = C.kFilterBilinear

func ptr(b []byte) *C.uint8_t { return (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))) }

// scaleI420 resizes all of src into all of dst.
func scaleI420(dst, src *I420) {
	C.I420Scale(
		ptr(src.Y), C.int(src.YStride), ptr(src.U), C.int(src.UStride), ptr(src.V), C.int(src.VStride),
		C.int(src.Width), C.int(src.Height),
		ptr(dst.Y), C.int(dst.YStride), ptr(dst.U), C.int(dst.UStride), ptr(dst.V), C.int(dst.VStride),
		C.int(dst.Width), C.int(dst.Height), scaleFilter)
}

// mirrorI420 writes src mirrored left to right into dst (same size).
func mirrorI420(dst, src *I420) {
	C.I420Mirror(
		ptr(src.Y), C.int(src.YStride), ptr(src.U), C.int(src.UStride), ptr(src.V), C.int(src.VStride),
		ptr(dst.Y), C.int(dst.YStride), ptr(dst.U), C.int(dst.UStride), ptr(dst.V), C.int(dst.VStride),
		C.int(src.Width), C.int(src.Height))
}

// i420ToRGBA converts src into dst, whose first byte is the top-left pixel
// of the rows to fill. libyuv's "ABGR" is R,G,B,A in memory, i.e. RGBA8.
// With flip, libyuv itself starts at the last of the src.Height rows and
// walks up, so dst still points at the first row of the region.
func i420ToRGBA(dst []byte, stride int, src *I420, flip bool) {
	h := src.Height
	if flip {
		h = -h
	}
	C.I420ToABGR(
		ptr(src.Y), C.int(src.YStride), ptr(src.U), C.int(src.UStride), ptr(src.V), C.int(src.VStride),
		ptr(dst), C.int(stride), C.int(src.Width), C.int(h))
}

// rgbaToI420 converts a w×h RGBA8 image into dst (BT.601 limited range, the
// matrix i420ToRGBA inverts).
func rgbaToI420(dst *I420, src []byte, stride, w, h int) {
	C.ABGRToI420(ptr(src), C.int(stride),
		ptr(dst.Y), C.int(dst.YStride), ptr(dst.U), C.int(dst.UStride), ptr(dst.V), C.int(dst.VStride),
		C.int(w), C.int(h))
}

// fillOpaqueBlack paints a w×h rectangle at (x, y) with R=G=B=0, A=255.
func fillOpaqueBlack(dst []byte, stride, x, y, w, h int) {
	// ARGBRect stores the value as a little-endian uint32: bytes 00 00 00 FF.
	C.ARGBRect(ptr(dst), C.int(stride), C.int(x), C.int(y), C.int(w), C.int(h), 0xFF000000)
}
