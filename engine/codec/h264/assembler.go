package h264

import (
	"encoding/binary"

	"github.com/parley-rtc/parley/engine/codec/rtpframe"
	"github.com/pion/rtp"
)

const (
	// DefaultHoldFrames is how many newer frames may complete while the
	// assembler still waits for a missing packet of an older one: about
	// 200 ms at 30 fps, enough for a NACK retransmission on a sane link;
	// it grows when retransmissions come just too late.
	DefaultHoldFrames = rtpframe.DefaultHoldFrames

	// DefaultKeyframeRetryFrames is how many frames the assembler skips
	// while waiting for an IDR before it asks for one again, so a lost PLI
	// (or IDR) is retried without flooding the sender.
	DefaultKeyframeRetryFrames = rtpframe.DefaultKeyframeRetryFrames
)

// NAL unit types (H.264 table 7-1) and RTP payload structures (RFC 6184).
const (
	nalSlice = 1
	nalIDR   = 5
	nalSEI   = 6
	nalSPS   = 7
	nalPPS   = 8
	nalAUD   = 9
	nalSTAPA = 24
	nalSTAPB = 25
	nalMTAP1 = 26
	nalMTAP2 = 27
	nalFUA   = 28
	nalFUB   = 29
)

var startCode = [4]byte{0, 0, 0, 1}

// Frame is one whole H.264 access unit, ready for Decoder.Decode.
type Frame struct {
	// Data is the access unit in Annex-B form (each NAL unit preceded by
	// 00 00 00 01). It points into the assembler's reused buffer: valid
	// only until the next Push or Reset.
	Data []byte
	// Timestamp is the frame's RTP timestamp (90 kHz).
	Timestamp uint32
	// Keyframe is true for an IDR access unit (or one that starts with a
	// sequence parameter set), which decodes on its own.
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
	FramesEmitted   uint64 // whole access units returned by Push
	FramesSkipped   uint64 // complete non-IDR access units dropped while waiting for an IDR
	LossEvents      uint64 // times a gap or broken access unit was given up
	LayerRecoveries uint64 // losses that ended without a keyframe: no base-layer frame was lost
	PacketsLate     uint64 // packets older than anything still held
	PacketsDup      uint64 // packets already held
	PacketsMalform  uint64 // payloads that are not valid packetization-mode 1 H.264
	KeyframeRequest uint64 // times Push returned needKeyframe
	HoldFrames      int    // the hold now, in frames
}

// fuState is a packet's place in a fragmented NAL unit, kept as the
// packet's rtpframe.Info.Part.
type fuState = uint8

const (
	fuNone fuState = iota
	fuStart
	fuMiddle
	fuEnd
)

// Assembler turns H.264 RTP packets (packetization-mode 1) into whole
// Annex-B access units. An access unit is emitted by the Push that completes
// it (its marker packet and everything back to its start present), without
// waiting for the next one. It handles reordering, duplicates and sequence
// wrap. On loss it holds the incomplete access unit for a bounded time, then
// drops it and everything up to the next IDR, and asks the caller for a
// keyframe (PLI).
//
// H.264 has no start-of-frame flag in its RTP payload: a packet begins an
// access unit when its first NAL unit is one that can only come first (an
// access unit delimiter, SPS, PPS or SEI) or is the first slice of a
// picture (first_mb_in_slice = 0). The end is the marker bit; a timestamp
// change before it means the end was lost.
//
// It holds up to 512 packets (access units up to ~550 KB, a 1080p IDR at a
// high bitrate, plus some reordering); the loss handling is shared with the
// VP8 assembler in package rtpframe.
//
// An Assembler is not safe for concurrent use: one goroutine per track (the
// RTP reader) owns it.
type Assembler struct {
	a      rtpframe.Assembler
	codec  codec
	frames []Frame
}

// NewAssembler returns an assembler that waits for an IDR first.
func NewAssembler(cfg AssemblerConfig) *Assembler {
	a := new(Assembler)
	a.a.Init(&a.codec, rtpframe.Config(cfg))
	return a
}

// Stats returns the counters so far.
func (a *Assembler) Stats() AssemblerStats { return AssemblerStats(a.a.Stats()) }

// Reset forgets every held packet and waits for an IDR again, as when the
// sender's SSRC changes. Counters are kept.
func (a *Assembler) Reset() { a.a.Reset() }

// Push adds one packet and returns the access units it completed, oldest
// first (usually zero or one; more when a retransmission fills a gap). The
// frames slice and the Data it points to are reused: valid until the next
// Push.
//
// needKeyframe is true when the caller should send a PLI: a loss was given
// up on, or non-IDR access units keep arriving while an IDR is awaited
// (repeated every KeyframeRetryFrames skipped frames). The packet itself is
// copied; the caller may reuse its buffer at once.
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

// codec is the H.264 part of the assembler (RFC 6184): each payload is
// turned into Annex-B bytes as it arrives, so an access unit is the
// concatenation of its packets.
type codec struct{}

// Parse converts one RTP payload to Annex-B bytes appended to dst and
// classifies it; false for anything packetization-mode 1 does not allow or
// that is truncated. Info.Sure is set for a packet that begins with a
// sequence parameter set: surely an access unit's start.
func (codec) Parse(dst, p []byte) ([]byte, rtpframe.Info, bool) {
	var s rtpframe.Info
	if p[0]&0x80 != 0 { // forbidden_zero_bit
		return dst, s, false
	}
	switch typ := p[0] & 0x1f; {
	case typ >= 1 && typ <= 23: // single NAL unit packet
		s.Start, s.Key = classify(p)
		s.Key = s.Key && s.Start
		s.Sure = p[0]&0x1f == nalSPS
		dst = append(append(dst, startCode[:]...), p...)
		return dst, s, true
	case typ == nalSTAPA:
		rest := p[1:]
		first := true
		for len(rest) > 0 {
			if len(rest) < 2 {
				return dst, s, false
			}
			n := int(binary.BigEndian.Uint16(rest))
			rest = rest[2:]
			if n == 0 || n > len(rest) || rest[0]&0x80 != 0 {
				return dst, s, false
			}
			nal := rest[:n]
			rest = rest[n:]
			start, key := classify(nal)
			if first {
				s.Start, s.Sure, first = start, nal[0]&0x1f == nalSPS, false
			}
			s.Key = s.Key || key
			dst = append(append(dst, startCode[:]...), nal...)
		}
		if first {
			return dst, s, false // no NAL unit in it
		}
		s.Key = s.Key && s.Start
		return dst, s, true
	case typ == nalFUA:
		if len(p) < 2 {
			return dst, s, false
		}
		h := p[1]
		begin, end := h&0x80 != 0, h&0x40 != 0
		if begin && (end || len(p) < 3) { // a start carries at least one byte
			return dst, s, false
		}
		if begin {
			hdr := p[0]&0xe0 | h&0x1f
			s.Part = fuStart
			dst = append(append(dst, startCode[:]...), hdr)
			// classify needs the NAL header and the first payload byte.
			s.Start, s.Key = classify([]byte{hdr, p[2]})
			s.Key = s.Key && s.Start
		} else if end {
			s.Part = fuEnd
		} else {
			s.Part = fuMiddle
		}
		dst = append(dst, p[2:]...)
		return dst, s, true
	default: // 0, STAP-B, MTAP16/24, FU-B (interleaved mode) and 30-31
		return dst, s, false
	}
}

// Follow checks the fragmentation units of an access unit: an FU-A start
// opens a NAL unit that only middles and an end may continue, and the
// marker may not fall inside one. state is 1 inside a fragmented NAL unit.
func (codec) Follow(state uint8, info rtpframe.Info, _, marker bool) (uint8, rtpframe.Verdict) {
	inFU := state != 0
	switch fu := info.Part; {
	case fu == fuStart && !inFU:
		inFU = true
	case (fu == fuMiddle || fu == fuEnd) && inFU:
		inFU = fu == fuMiddle
	case fu == fuNone && !inFU:
	default: // a fragment out of place: the sender broke the rules
		return 0, rtpframe.Breaks
	}
	if marker && inFU {
		return 0, rtpframe.Breaks
	}
	if inFU {
		return 1, rtpframe.Fits
	}
	return 0, rtpframe.Fits
}

// classify says whether a NAL unit can begin an access unit and whether it
// makes that access unit a keyframe. Parameter sets, SEI and delimiters
// only come before the first slice; a slice begins a picture when its
// first_mb_in_slice is 0, whose ue(v) code is the single bit 1.
func classify(nal []byte) (start, key bool) {
	switch nal[0] & 0x1f {
	case nalSPS:
		return true, true
	case nalPPS, nalSEI, nalAUD:
		return true, false
	case nalSlice, nalIDR:
		first := len(nal) > 1 && nal[1]&0x80 != 0
		return first, first && nal[0]&0x1f == nalIDR
	}
	return false, false
}
