package vp8_test

import (
	"testing"

	"github.com/parley-rtc/parley/engine/codec/internal/picture"
	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/render"
	"github.com/pion/rtp"
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

// vp8Encoder is the encoder Parley sends with, as the engine sets it up,
// keyframes only on request (as PLIs ask).
type vp8Encoder struct {
	enc *vp8.Encoder
	pts int64
}

func newVP8Encoder(t testing.TB, w, h, bitrate int) *vp8Encoder {
	t.Helper()
	enc, err := vp8.NewEncoder(vp8.EncoderConfig{Width: w, Height: h, FPS: 30, BitrateBps: bitrate,
		MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(enc.Close)
	return &vp8Encoder{enc: enc}
}

// encode compresses one picture into one VP8 frame, 33 ms after the last;
// the frame is the caller's (a copy of the encoder's buffer).
func (e *vp8Encoder) encode(t testing.TB, f *render.I420) []byte {
	t.Helper()
	e.pts += 33
	out, err := e.enc.Encode(f, e.pts)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), out.Data...)
}

// forceKeyframe is what the engine does on a PLI.
func (e *vp8Encoder) forceKeyframe(testing.TB) { e.enc.ForceKeyFrame() }

// packetizer turns frames into RTP packets the way the engine's track does.
type packetizer struct {
	pay vp8.Payloader
	seq uint16
}

func (p *packetizer) packets(frame []byte, ts uint32) []*rtp.Packet {
	return p.layered(frame, ts, 0, false)
}

// layered packetizes a frame of temporal layer tid (on a layered stream if
// layered).
func (p *packetizer) layered(frame []byte, ts uint32, tid uint8, layered bool) []*rtp.Packet {
	payloads := p.pay.Payload(1200-12, frame, tid, layered)
	out := make([]*rtp.Packet, len(payloads))
	for i, pl := range payloads {
		out[i] = &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: p.seq,
			Timestamp: ts, Marker: i == len(payloads)-1, SSRC: 1}, Payload: pl}
		p.seq++
	}
	return out
}

// fakeFrame builds a VP8-looking bitstream of n bytes: the frame tag's P bit
// says key or inter, the rest identifies the frame.
func fakeFrame(n int, key bool, id byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = id + byte(i)
	}
	b[0] = b[0] &^ 1
	if !key {
		b[0] |= 1
	}
	return b
}
