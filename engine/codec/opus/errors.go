// Package opus encodes and decodes Opus with libopus (cgo): the encoder
// carries in-band FEC, the decoder conceals lost packets (PLC) and recovers
// them from the next packet's FEC.
package opus

import "errors"

// Sentinel errors. They are returned unwrapped on the packet path, so a
// bad packet costs no allocation.
var (
	// ErrInvalidConfig: the sample rate is not one Opus decodes to (8000,
	// 12000, 16000, 24000, 48000) or channels is not 1 or 2.
	ErrInvalidConfig = errors.New("opus: invalid sample rate or channel count")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("opus: closed")
	// ErrEmptyPacket: a zero-length packet. Use DecodePLC for a lost one.
	ErrEmptyPacket = errors.New("opus: empty packet")
	// ErrInvalidPacket: libopus could not parse the packet (corrupt, or
	// not Opus at all). The decoder stays usable.
	ErrInvalidPacket = errors.New("opus: invalid packet")
	// ErrBufferTooSmall: pcm cannot hold the packet's samples (up to 120 ms,
	// 5760 per channel at 48 kHz).
	ErrBufferTooSmall = errors.New("opus: pcm buffer too small")
	// ErrBadDuration: a PLC or FEC duration that is not a multiple of
	// 2.5 ms, or more than pcm holds.
	ErrBadDuration = errors.New("opus: bad concealment duration")
	// ErrDecode: any other libopus failure.
	ErrDecode = errors.New("opus: decode failed")
)
