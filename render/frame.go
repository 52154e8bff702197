// Package render turns decoded I420 frames into RGBA8 pixels in caller-owned
// view buffers: scaling, cropping, mirroring and flipping with libyuv, and the
// acquire/release/seq protocol that lets a game engine upload the buffer as a
// texture while Parley keeps decoding.
package render

// I420 is one planar 4:2:0 frame. The planes may point into memory owned by
// a decoder or capture source; an I420 value is only valid for as long as its
// producer says (typically until the next frame).
type I420 struct {
	Width, Height             int
	Y, U, V                   []byte
	YStride, UStride, VStride int
}

// FrameMeta travels with a frame from the source or decoder to the view.
type FrameMeta struct {
	// CaptureTimeMs is the capture time on the sender, mapped to this host's
	// clock (Unix milliseconds); 0 when unknown.
	CaptureTimeMs int64
}
