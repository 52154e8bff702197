package opus

/*
#cgo pkg-config: opus
#include <opus.h>
*/
import "C"

import "unsafe"

// MaxFrameSamples is the largest packet duration Opus allows (120 ms), in
// samples per channel at 48 kHz: the pcm size that fits any packet.
const MaxFrameSamples = 5760

// Decoder decodes one Opus stream. It keeps libopus state between packets
// (needed for concealment), so one stream has one decoder.
//
// A Decoder is not safe for concurrent use.
type Decoder struct {
	dec        *C.OpusDecoder
	sampleRate int
	channels   int
}

// NewDecoder returns a decoder producing interleaved int16 PCM at
// sampleRate (8000, 12000, 16000, 24000 or 48000) with channels 1 or 2.
// Parley decodes at 48000 stereo, the mixer's format.
func NewDecoder(sampleRate, channels int) (*Decoder, error) {
	switch sampleRate {
	case 8000, 12000, 16000, 24000, 48000:
	default:
		return nil, ErrInvalidConfig
	}
	if channels != 1 && channels != 2 {
		return nil, ErrInvalidConfig
	}
	var cerr C.int
	dec := C.opus_decoder_create(C.opus_int32(sampleRate), C.int(channels), &cerr)
	if cerr != C.OPUS_OK || dec == nil {
		return nil, ErrInvalidConfig
	}
	return &Decoder{dec: dec, sampleRate: sampleRate, channels: channels}, nil
}

// Decode decodes one packet into pcm (interleaved) and returns the samples
// written per channel. Size pcm for MaxFrameSamples*channels (scaled to the
// sample rate) to accept any packet. It allocates nothing.
func (d *Decoder) Decode(packet []byte, pcm []int16) (samplesPerChannel int, err error) {
	if len(packet) == 0 {
		return 0, ErrEmptyPacket
	}
	return d.decode(packet, pcm, len(pcm)/max(d.channels, 1), 0)
}

// DecodePLC conceals one lost packet: it writes samplesPerChannel samples of
// plausible audio continuing what came before (fading to silence over
// longer gaps). samplesPerChannel must be a multiple of 2.5 ms, normally the
// lost packet's duration (960 for 20 ms at 48 kHz).
func (d *Decoder) DecodePLC(pcm []int16, samplesPerChannel int) (int, error) {
	if err := d.checkDuration(pcm, samplesPerChannel); err != nil {
		return 0, err
	}
	return d.decode(nil, pcm, samplesPerChannel, 0)
}

// DecodeFEC recovers a lost packet from the forward error correction data
// carried in the packet after it (next). Call it with next before decoding
// next itself. When next carries no FEC data libopus falls back to PLC, so
// the result is always usable audio.
func (d *Decoder) DecodeFEC(next []byte, pcm []int16, samplesPerChannel int) (int, error) {
	if len(next) == 0 {
		return 0, ErrEmptyPacket
	}
	if err := d.checkDuration(pcm, samplesPerChannel); err != nil {
		return 0, err
	}
	return d.decode(next, pcm, samplesPerChannel, 1)
}

// PacketSamples returns how many samples per channel packet decodes to at
// this decoder's rate, without decoding it: the duration to conceal when
// the packet before it was lost.
func (d *Decoder) PacketSamples(packet []byte) (int, error) {
	if d.dec == nil {
		return 0, ErrClosed
	}
	if len(packet) == 0 {
		return 0, ErrEmptyPacket
	}
	n := C.opus_decoder_get_nb_samples(d.dec, (*C.uchar)(unsafe.Pointer(&packet[0])), C.opus_int32(len(packet)))
	if n < 0 {
		return 0, errorFor(n)
	}
	return int(n), nil
}

// Close frees the libopus state. Close is idempotent.
func (d *Decoder) Close() {
	if d.dec != nil {
		C.opus_decoder_destroy(d.dec)
		d.dec = nil
	}
}

func (d *Decoder) checkDuration(pcm []int16, n int) error {
	step := d.sampleRate / 400 // 2.5 ms
	if n <= 0 || n%step != 0 || n*d.channels > len(pcm) {
		return ErrBadDuration
	}
	return nil
}

func (d *Decoder) decode(packet []byte, pcm []int16, frameSize int, fec C.int) (int, error) {
	if d.dec == nil {
		return 0, ErrClosed
	}
	if frameSize <= 0 || len(pcm) == 0 {
		return 0, ErrBufferTooSmall
	}
	var data *C.uchar
	if len(packet) > 0 {
		data = (*C.uchar)(unsafe.Pointer(&packet[0]))
	}
	n := C.opus_decode(d.dec, data, C.opus_int32(len(packet)), (*C.opus_int16)(unsafe.Pointer(&pcm[0])), C.int(frameSize), fec)
	if n < 0 {
		return 0, errorFor(n)
	}
	return int(n), nil
}

func errorFor(code C.int) error {
	switch code {
	case C.OPUS_BUFFER_TOO_SMALL:
		return ErrBufferTooSmall
	case C.OPUS_INVALID_PACKET, C.OPUS_BAD_ARG:
		return ErrInvalidPacket
	default:
		return ErrDecode
	}
}
