package h264_test

import (
	"testing"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/parley-rtc/parley/engine/codec/internal/picture"
	"github.com/parley-rtc/parley/render"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

// The pictures and colour checks shared with the other codecs' tests.
type yuv = picture.YUV

var (
	palette      = picture.Palette
	rgbToYUV     = picture.RGBToYUV
	newI420      = picture.NewI420
	paintHalves  = picture.PaintHalves
	addGrain     = picture.AddGrain
	meanColour   = picture.MeanColour
	pictureHash  = picture.Hash
	near         = picture.Near
	checkPalette = picture.CheckPalette
)

// h264Encoder is Parley's own encoder, the one the engine sends with, with
// the calls the tests make.
type h264Encoder struct {
	enc *h264.Encoder
	key bool
}

func newH264Encoder(t testing.TB, w, h, bitrate int) *h264Encoder {
	t.Helper()
	// IDRs only on request, as PLIs ask. Slices are large, so that NAL units
	// are fragmented (FU-A) as well as aggregated (STAP-A) in the tests.
	enc, err := h264.NewEncoder(h264.EncoderParams{Width: w, Height: h, FPS: 30, Bitrate: bitrate, MaxSliceBytes: 12800})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(enc.Close)
	return &h264Encoder{enc: enc}
}

// encode compresses one picture into one Annex-B access unit. The encoder
// reuses its buffer, so the result is copied.
func (e *h264Encoder) encode(t testing.TB, f *render.I420) []byte {
	t.Helper()
	au := e.encodeOrSkip(t, f)
	if len(au) == 0 {
		t.Fatal("the encoder skipped a frame")
	}
	return au
}

// encodeOrSkip is encode where the rate control may skip the frame (nil),
// as it does when a picture costs more than the bitrate allows.
func (e *h264Encoder) encodeOrSkip(t testing.TB, f *render.I420) []byte {
	t.Helper()
	data, err := e.enc.Encode(f, e.key)
	if err != nil {
		t.Fatal(err)
	}
	e.key = false
	if len(data) == 0 {
		return nil
	}
	return append([]byte(nil), data...)
}

// forceKeyframe is what the engine does on a PLI.
func (e *h264Encoder) forceKeyframe(testing.TB) { e.key = true }

// packetizer turns access units into RTP packets the way the engine does.
type packetizer struct {
	pay codecs.H264Payloader
	seq uint16
}

func (p *packetizer) packets(au []byte, ts uint32) []*rtp.Packet {
	payloads := p.pay.Payload(1200-12, au)
	out := make([]*rtp.Packet, len(payloads))
	for i, pl := range payloads {
		out[i] = &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 102, SequenceNumber: p.seq,
			Timestamp: ts, Marker: i == len(payloads)-1, SSRC: 1}, Payload: pl}
		p.seq++
	}
	return out
}

// fakeAU builds an Annex-B access unit of about n bytes that pion's
// payloader splits like a real one: an IDR gets an SPS and a PPS (sent as a
// STAP-A) and an IDR slice; an inter frame one non-IDR slice. Both slices
// are the first of their picture (first_mb_in_slice = 0). The bytes never
// contain a start code and identify the frame by id.
func fakeAU(n int, key bool, id byte) []byte {
	var b []byte
	sc := []byte{0, 0, 0, 1}
	if key {
		b = append(b, sc...)
		b = append(b, 0x67, 0x42, 0xe0, 0x1f, id|1) // SPS
		b = append(b, sc...)
		b = append(b, 0x68, 0xce, id|1) // PPS
	}
	b = append(b, sc...)
	if key {
		b = append(b, 0x65) // IDR slice, nal_ref_idc 3
	} else {
		b = append(b, 0x41) // non-IDR slice, nal_ref_idc 2
	}
	b = append(b, 0x88) // first_mb_in_slice = 0
	for i := 0; len(b) < n; i++ {
		b = append(b, byte(i%251)+id|1) // odd: never 0, so never a start code
	}
	return b
}
