package opus

/*
#cgo pkg-config: opus
#include <opus.h>

// opus_encoder_ctl is variadic, which cgo cannot call: one wrapper per request.
static int parley_opus_set_bitrate(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_BITRATE(v)); }
static int parley_opus_set_fec(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(v)); }
static int parley_opus_set_loss(OpusEncoder *e, opus_int32 v) { return opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(v)); }
*/
import "C"

import "unsafe"

// EncoderParams configure an Encoder.
type EncoderParams struct {
	SampleRate int // 8000, 12000, 16000, 24000 or 48000
	Channels   int // 1 or 2
	Bitrate    int // bits per second
	// ExpectedLossPercent (0-100) makes the encoder carry in-band FEC: a
	// low-rate copy of each packet inside the next, so a receiver recovers
	// a single lost packet (Decoder.DecodeFEC) instead of concealing it.
	// 0 turns FEC off.
	ExpectedLossPercent int
}

// Encoder encodes PCM to Opus for speech and game audio (libopus's VoIP
// application). It is not safe for concurrent use.
type Encoder struct {
	enc      *C.OpusEncoder
	channels int
}

// NewEncoder returns an encoder for p.
func NewEncoder(p EncoderParams) (*Encoder, error) {
	if p.Channels < 1 || p.Channels > 2 {
		return nil, ErrInvalidConfig
	}
	var cerr C.int
	enc := C.opus_encoder_create(C.opus_int32(p.SampleRate), C.int(p.Channels), C.OPUS_APPLICATION_VOIP, &cerr)
	if cerr != C.OPUS_OK || enc == nil {
		return nil, ErrInvalidConfig
	}
	e := &Encoder{enc: enc, channels: p.Channels}
	if err := e.SetBitrate(p.Bitrate); err != nil {
		e.Close()
		return nil, err
	}
	if p.ExpectedLossPercent > 0 {
		if C.parley_opus_set_fec(enc, 1) != C.OPUS_OK ||
			C.parley_opus_set_loss(enc, C.opus_int32(min(p.ExpectedLossPercent, 100))) != C.OPUS_OK {
			e.Close()
			return nil, ErrInvalidConfig
		}
	}
	return e, nil
}

// SetBitrate changes the target bitrate in bits per second.
func (e *Encoder) SetBitrate(bps int) error {
	if e.enc == nil {
		return ErrClosed
	}
	if C.parley_opus_set_bitrate(e.enc, C.opus_int32(bps)) != C.OPUS_OK {
		return ErrInvalidConfig
	}
	return nil
}

// Encode encodes one frame of interleaved pcm (2.5, 5, 10, 20, 40 or 60 ms)
// into out and returns the packet's length.
func (e *Encoder) Encode(pcm []int16, out []byte) (int, error) {
	if e.enc == nil {
		return 0, ErrClosed
	}
	if len(pcm) < e.channels || len(out) == 0 {
		return 0, ErrBufferTooSmall
	}
	n := C.opus_encode(e.enc, (*C.opus_int16)(unsafe.Pointer(&pcm[0])), C.int(len(pcm)/e.channels),
		(*C.uchar)(unsafe.Pointer(&out[0])), C.opus_int32(len(out)))
	if n < 0 {
		return 0, errorFor(n)
	}
	return int(n), nil
}

// Close frees the encoder; later calls return ErrClosed.
func (e *Encoder) Close() {
	if e.enc != nil {
		C.opus_encoder_destroy(e.enc)
		e.enc = nil
	}
}
