package vp8

import (
	"github.com/parley-rtc/parley/engine/codec/rtpframe"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

const (
	// DefaultHoldFrames is how many newer frames may complete while the
	// assembler still waits for a missing packet of an older one: about
	// 200 ms at 30 fps, enough for a NACK retransmission on a sane link;
	// it grows when retransmissions come just too late.
	DefaultHoldFrames = rtpframe.DefaultHoldFrames

	// DefaultKeyframeRetryFrames is how many frames the assembler skips
	// while waiting for a keyframe before it asks for one again, so a lost
	// PLI (or keyframe) is retried without flooding the sender.
	DefaultKeyframeRetryFrames = rtpframe.DefaultKeyframeRetryFrames
)

// Frame is one whole VP8 frame, ready for Decoder.Decode.
type Frame struct {
	// Data is the VP8 bitstream of the frame. It points into the
	// assembler's reused buffer: valid only until the next Push or Reset.
	Data []byte
	// Timestamp is the frame's RTP timestamp (90 kHz).
	Timestamp uint32
	// Keyframe is true for an intra frame, which decodes on its own.
	Keyframe bool
}

// AssemblerConfig tunes the loss handling; the zero value uses the defaults.
type AssemblerConfig struct {
	// HoldFrames: see DefaultHoldFrames. Larger values survive more
	// reordering at the cost of a longer freeze on real loss.
	HoldFrames int
	// MaxHoldFrames: the most the hold grows to when retransmissions
	// arrive just after it ran out (rtpframe.DefaultMaxHoldFrames).
	MaxHoldFrames int
	// KeyframeRetryFrames: see DefaultKeyframeRetryFrames.
	KeyframeRetryFrames int
}

// AssemblerStats counts what happened to the packets, for quality reports.
type AssemblerStats struct {
	FramesEmitted   uint64 // whole frames returned by Push
	FramesSkipped   uint64 // complete inter frames dropped while waiting for a keyframe
	LossEvents      uint64 // times a gap or broken frame was given up
	LayerRecoveries uint64 // losses that ended without a keyframe: no base-layer frame was lost
	PacketsLate     uint64 // packets older than anything still held
	PacketsDup      uint64 // packets already held
	PacketsMalform  uint64 // payloads without a valid VP8 descriptor
	KeyframeRequest uint64 // times Push returned needKeyframe
	HoldFrames      int    // the hold now, in frames
}

// Assembler turns VP8 RTP packets into whole frames. A frame is emitted by
// the Push that completes it (its marker packet and everything back to its
// start present), without waiting for the next frame as pion's samplebuilder
// does. It handles reordering, duplicates and sequence wrap. On loss it holds
// the incomplete frame for a bounded time, then drops it and everything up
// to the next keyframe, and asks the caller for a keyframe (PLI).
//
// It holds up to 512 packets (frames up to ~550 KB, a 1080p keyframe at a
// high bitrate, plus some reordering); the loss handling is shared with the
// H.264 assembler in package rtpframe.
//
// An Assembler is not safe for concurrent use: one goroutine per track (the
// RTP reader) owns it.
type Assembler struct {
	a      rtpframe.Assembler
	codec  codec
	frames []Frame
}

// NewAssembler returns an assembler that waits for a keyframe first.
func NewAssembler(cfg AssemblerConfig) *Assembler {
	a := new(Assembler)
	a.a.Init(&a.codec, rtpframe.Config(cfg))
	return a
}

// Stats returns the counters so far.
func (a *Assembler) Stats() AssemblerStats { return AssemblerStats(a.a.Stats()) }

// Reset forgets every held packet and waits for a keyframe again, as when
// the sender's SSRC changes. Counters are kept.
func (a *Assembler) Reset() { a.a.Reset() }

// Push adds one packet and returns the frames it completed, oldest first
// (usually zero or one; more when a retransmission fills a gap). The frames
// slice and the Data it points to are reused: valid until the next Push.
//
// needKeyframe is true when the caller should send a PLI: a loss was given
// up on, or inter frames keep arriving while a keyframe is awaited (repeated
// every KeyframeRetryFrames skipped frames). The packet itself is copied;
// the caller may reuse its buffer at once.
func (a *Assembler) Push(pkt *rtp.Packet) (frames []Frame, needKeyframe bool) {
	got, needKeyframe := a.a.Push(pkt)
	if pkt == nil {
		return nil, false
	}
	a.frames = a.frames[:0]
	for _, f := range got {
		a.frames = append(a.frames, Frame(f))
	}
	return a.frames, needKeyframe
}

// codec is the VP8 part of the assembler (RFC 7741): a packet starts a
// frame when S=1 and PID=0, the frame is a keyframe when its frame tag's P
// bit is 0, its temporal layer is in TID and TL0PICIDX when present, and
// the frame is the concatenation of the payloads without their
// descriptors.
type codec struct {
	desc codecs.VP8Packet
}

func (c *codec) Parse(dst, payload []byte) ([]byte, rtpframe.Info, bool) {
	p, err := c.desc.Unmarshal(payload)
	if err != nil || len(p) == 0 {
		return dst, rtpframe.Info{}, false
	}
	start := c.desc.S == 1 && c.desc.PID == 0
	info := rtpframe.Info{
		Start: start,
		Sure:  start,                   // the S bit says so
		Key:   start && p[0]&0x01 == 0, // VP8 frame tag: P bit 0 = keyframe
		// Temporal layers (RFC 7741 TID and TL0PICIDX): a lost frame
		// above the base layer does not need a keyframe.
		Layered: c.desc.X == 1 && c.desc.T == 1 && c.desc.L == 1,
		TID:     c.desc.TID,
		Base:    c.desc.TL0PICIDX,
	}
	return append(dst, p...), info, true
}

// Follow ends a frame before any later packet that starts one.
func (c *codec) Follow(_ uint8, info rtpframe.Info, first, _ bool) (uint8, rtpframe.Verdict) {
	if !first && info.Start {
		return 0, rtpframe.EndsBefore
	}
	return 0, rtpframe.Fits
}
