// Package audio mixes the decoded audio of remote streams into the one PCM
// stream a game pulls at its own pace, resamples it to the host's format,
// and measures tones so tests (in Go and through the C ABI) can say a call
// was heard.
package audio

import "errors"

// Sentinel errors returned by Mixer.Fetch. The C layer maps them to
// PARLEY_ERR_INVALID_ARGUMENT and PARLEY_ERR_BUFFER_TOO_SMALL.
var (
	// ErrUnsupportedFormat: the sample rate is not one of SupportedRates or
	// channels is not 1 or 2.
	ErrUnsupportedFormat = errors.New("audio: unsupported sample rate or channel count")
	// ErrBufferTooSmall: dst holds fewer than samplesPerChannel*channels samples.
	ErrBufferTooSmall = errors.New("audio: destination buffer too small")
)

// MixRate and MixChannels are the format of everything pushed into the
// mixer: what the Opus decoders produce in Parley.
const (
	MixRate     = 48000
	MixChannels = 2
)

// SupportedRates are the output rates Fetch accepts: the rates game audio
// systems and voice engines ask for.
var SupportedRates = [...]int{8000, 16000, 24000, 32000, 44100, 48000}
