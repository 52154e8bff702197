// Package vp8 encodes and decodes VP8 with libvpx (zero-copy I420 frames
// out of the decoder) and reassembles VP8 RTP packets (RFC 7741) into whole
// frames with the least possible delay. Packetizing happens elsewhere
// (pion's codecs.VP8Payloader).
package vp8

import "errors"

// Sentinel errors. Callers compare with errors.Is; the engine maps them to
// its own codes.
var (
	// ErrClosed is returned after Close: the libvpx context is gone.
	ErrClosed = errors.New("vp8: codec closed")
	// ErrInit means libvpx refused to create an encoder or decoder (out of
	// memory or a libvpx built without VP8).
	ErrInit = errors.New("vp8: codec init failed")
	// ErrBadConfig is returned by NewEncoder and SetBitrate for a size or
	// bitrate libvpx cannot encode.
	ErrBadConfig = errors.New("vp8: bad encoder config")
	// ErrBadFrame is returned by Encode for a frame whose planes do not hold
	// its size at its strides.
	ErrBadFrame = errors.New("vp8: bad frame")
	// ErrEncode wraps libvpx's refusal to encode a frame.
	ErrEncode = errors.New("vp8: encode failed")
	// ErrEmptyFrame is returned for a zero-length frame, which libvpx would
	// otherwise take as a flush request.
	ErrEmptyFrame = errors.New("vp8: empty frame")
	// ErrDecode wraps libvpx's refusal of a frame: a corrupt or truncated
	// bitstream, or an inter frame with no keyframe before it. The decoder
	// stays usable; the next keyframe recovers.
	ErrDecode = errors.New("vp8: decode failed")
	// ErrCorruptFrame means libvpx decoded the frame but flagged it as
	// corrupt (it referenced damaged data); showing it would show garbage.
	ErrCorruptFrame = errors.New("vp8: decoded frame is corrupt")
	// ErrNoFrame means libvpx accepted the data but produced no picture
	// (for example a frame marked not to be shown).
	ErrNoFrame = errors.New("vp8: no frame produced")
)
