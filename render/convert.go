package render

import "fmt"

// RGBAToI420 converts a width×height RGBA8 image (R,G,B,A bytes, rows stride
// bytes apart) into dst, for sources that hand Parley RGBA such as a game's
// render target. dst must already be width×height with planes long enough
// for its strides (NewI420 makes one), so the call never allocates. Alpha is
// ignored. Errors wrap ErrInvalidFrame.
func RGBAToI420(dst *I420, rgba []byte, width, height, stride int) error {
	switch {
	case width <= 0 || height <= 0 || width > MaxDim || height > MaxDim:
		return fmt.Errorf("%w: size %dx%d", ErrInvalidFrame, width, height)
	case !planeFits(rgba, stride, 4*width, height):
		return fmt.Errorf("%w: %d RGBA bytes at stride %d for %dx%d",
			ErrInvalidFrame, len(rgba), stride, width, height)
	case dst == nil || dst.Width != width || dst.Height != height:
		return fmt.Errorf("%w: destination is not %dx%d", ErrInvalidFrame, width, height)
	case !dst.Valid():
		return fmt.Errorf("%w: destination planes too short", ErrInvalidFrame)
	}
	rgbaToI420(dst, rgba, stride, width, height)
	return nil
}

// I420ToRGBA converts f at its full size into dst (RGBA8, alpha 255, rows
// dstStride bytes apart), with no scaling, mirroring or locking. Like a slice
// index out of range, it panics if f is malformed or dst is too short: a
// programming error, never a property of the video.
func I420ToRGBA(dst []byte, dstStride int, f *I420) {
	if !f.Valid() {
		panic("render: I420ToRGBA: malformed frame")
	}
	if !planeFits(dst, dstStride, 4*f.Width, f.Height) {
		panic(fmt.Sprintf("render: I420ToRGBA: %d bytes at stride %d too short for %dx%d",
			len(dst), dstStride, f.Width, f.Height))
	}
	i420ToRGBA(dst, dstStride, f, false)
}

// MirrorI420 writes src flipped left to right into dst, which must be the
// same size (NewI420 makes one); a publisher mirrors what it sends this way.
// Errors wrap ErrInvalidFrame.
func MirrorI420(dst, src *I420) error {
	if !src.Valid() || dst == nil || !dst.Valid() || dst.Width != src.Width || dst.Height != src.Height {
		return fmt.Errorf("%w: mirror needs two valid frames of one size", ErrInvalidFrame)
	}
	mirrorI420(dst, src)
	return nil
}

// ScaleI420 resizes all of src into all of dst (bilinear), e.g. a custom or
// camera frame to the configured encode size. Errors wrap ErrInvalidFrame.
func ScaleI420(dst, src *I420) error {
	if !src.Valid() || dst == nil || !dst.Valid() {
		return fmt.Errorf("%w: scale needs two valid frames", ErrInvalidFrame)
	}
	scaleI420(dst, src)
	return nil
}
