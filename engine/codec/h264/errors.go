// Package h264 decodes H.264 with openh264 into zero-copy I420 frames and
// reassembles H.264 RTP packets (RFC 6184, packetization-mode 1: single NAL
// units, STAP-A and FU-A) into whole Annex-B access units with the least
// possible delay. Encoding and packetizing happen elsewhere (mediadevices'
// openh264 encoder and pion's codecs.H264Payloader).
//
// The API mirrors package vp8: NewDecoder/Decode/Close and
// NewAssembler/Push/Stats/Reset.
package h264

import "errors"

// Sentinel errors. Callers compare with errors.Is; the engine maps them to
// its own codes.
var (
	// ErrClosed is returned by Decode after Close: the openh264 decoder is gone.
	ErrClosed = errors.New("h264: decoder closed")
	// ErrInit means openh264 refused to create or initialise a decoder.
	ErrInit = errors.New("h264: decoder init failed")
	// ErrEmptyFrame is returned for a zero-length access unit.
	ErrEmptyFrame = errors.New("h264: empty frame")
	// ErrDecode wraps openh264's refusal of an access unit: a corrupt or
	// truncated bitstream, a missing reference or missing parameter sets
	// (an inter frame with no IDR before it). The decoder stays usable; the
	// next IDR access unit recovers. Error concealment is off, so a damaged
	// picture is never returned.
	ErrDecode = errors.New("h264: decode failed")
	// ErrNoFrame means openh264 accepted the data but produced no picture
	// (for example an access unit holding only parameter sets).
	ErrNoFrame = errors.New("h264: no frame produced")
)
