package engine

import (
	"strings"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/render"
)

// The receive side of a video codec: an assembler turning RTP packets into
// whole frames and a decoder turning frames into pictures. readVideo picks
// the pair by the track's negotiated codec; package vp8 and package h264
// have the same shape, these adapters only name it.

// videoFrame is one whole compressed frame; Data is valid until the next push.
type videoFrame struct {
	Data      []byte
	Timestamp uint32 // RTP, 90 kHz: the capture time (see encode.go)
	Keyframe  bool
}

type videoAssembler interface {
	// push adds one packet and returns the frames it completed (reused
	// until the next push) and whether a keyframe should be asked for.
	push(pkt *rtp.Packet) (frames []videoFrame, needKeyframe bool)
}

type videoDecoder interface {
	// Decode returns a picture valid until the next Decode or Close.
	Decode(frame []byte) (*render.I420, error)
	Close()
}

// newVideoReceiver returns the assembler and decoder for a negotiated codec.
func newVideoReceiver(c webrtc.RTPCodecParameters) (videoAssembler, videoDecoder, error) {
	if strings.EqualFold(c.MimeType, webrtc.MimeTypeH264) {
		dec, err := h264.NewDecoder()
		if err != nil {
			return nil, nil, err
		}
		return &h264Assembler{a: h264.NewAssembler(h264.AssemblerConfig{})}, dec, nil
	}
	dec, err := vp8.NewDecoder()
	if err != nil {
		return nil, nil, err
	}
	return &vp8Assembler{a: vp8.NewAssembler(vp8.AssemblerConfig{})}, dec, nil
}

type vp8Assembler struct {
	a   *vp8.Assembler
	out []videoFrame
}

func (v *vp8Assembler) push(pkt *rtp.Packet) ([]videoFrame, bool) {
	frames, key := v.a.Push(pkt)
	v.out = v.out[:0]
	for _, f := range frames {
		v.out = append(v.out, videoFrame{f.Data, f.Timestamp, f.Keyframe})
	}
	return v.out, key
}

type h264Assembler struct {
	a   *h264.Assembler
	out []videoFrame
}

func (v *h264Assembler) push(pkt *rtp.Packet) ([]videoFrame, bool) {
	frames, key := v.a.Push(pkt)
	v.out = v.out[:0]
	for _, f := range frames {
		v.out = append(v.out, videoFrame{f.Data, f.Timestamp, f.Keyframe})
	}
	return v.out, key
}
