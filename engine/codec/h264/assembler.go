package h264

import (
	"encoding/binary"

	"github.com/pion/rtp"
)

const (
	// ringSize bounds how many packets the assembler holds: 512 packets of
	// 1200 bytes, so access units up to ~550 KB (a 1080p IDR at a high
	// bitrate) plus some reordering. Slot buffers grow lazily.
	ringSize = 512
	ringMask = ringSize - 1
	// ringSlack is kept free: a window this close to full is given up on.
	ringSlack = 32

	// DefaultHoldFrames is how many newer frames may complete while the
	// assembler still waits for a missing packet of an older one: about
	// 100 ms at 30 fps, enough for a NACK retransmission on a sane link.
	DefaultHoldFrames = 3

	// DefaultKeyframeRetryFrames is how many frames the assembler skips
	// while waiting for an IDR before it asks for one again, so a lost PLI
	// (or IDR) is retried without flooding the sender.
	DefaultKeyframeRetryFrames = 15
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
	// KeyframeRetryFrames: see DefaultKeyframeRetryFrames.
	KeyframeRetryFrames int
}

// AssemblerStats counts what happened to the packets, for quality reports.
type AssemblerStats struct {
	FramesEmitted   uint64 // whole access units returned by Push
	FramesSkipped   uint64 // complete non-IDR access units dropped while waiting for an IDR
	LossEvents      uint64 // times a gap or broken access unit was given up
	PacketsLate     uint64 // packets older than anything still held
	PacketsDup      uint64 // packets already held
	PacketsMalform  uint64 // payloads that are not valid packetization-mode 1 H.264
	KeyframeRequest uint64 // times Push returned needKeyframe
}

// fuState is a packet's place in a fragmented NAL unit.
type fuState uint8

const (
	fuNone fuState = iota
	fuStart
	fuMiddle
	fuEnd
)

// slot holds one packet of the ring, its payload already turned into
// Annex-B bytes in a buffer that is reused, so that steady state allocates
// nothing per packet.
type slot struct {
	ext     int64 // extended sequence number
	present bool
	filler  bool // padding or unparsable: consumes a number, carries no frame data
	start   bool // may begin an access unit (see classify)
	key     bool // begins an IDR access unit
	sps     bool // begins with a sequence parameter set: surely an access unit's start
	marker  bool // last packet of an access unit
	fu      fuState
	ts      uint32
	payload []byte
}

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
// An Assembler is not safe for concurrent use: one goroutine per track (the
// RTP reader) owns it.
type Assembler struct {
	cfg  AssemblerConfig
	ring [ringSize]slot

	started bool  // a packet has been seen
	fixed   bool  // a frame was emitted: the head no longer moves back
	head    int64 // oldest sequence number not yet consumed
	highest int64 // newest sequence number seen

	waitKey      bool // after loss (and at start) only an IDR may pass
	requested    bool // a keyframe was asked for since waitKey was set
	sinceRequest int  // frames skipped since the last request

	needKey bool // result of the current Push
	frames  []Frame
	buf     []byte
	stats   AssemblerStats
}

// NewAssembler returns an assembler that waits for an IDR first.
func NewAssembler(cfg AssemblerConfig) *Assembler {
	if cfg.HoldFrames <= 0 {
		cfg.HoldFrames = DefaultHoldFrames
	}
	if cfg.KeyframeRetryFrames <= 0 {
		cfg.KeyframeRetryFrames = DefaultKeyframeRetryFrames
	}
	return &Assembler{cfg: cfg, waitKey: true}
}

// Stats returns the counters so far.
func (a *Assembler) Stats() AssemblerStats { return a.stats }

// Reset forgets every held packet and waits for an IDR again, as when the
// sender's SSRC changes. Counters are kept.
func (a *Assembler) Reset() {
	for i := range a.ring {
		a.ring[i].present = false
	}
	a.started, a.fixed = false, false
	a.waitKey, a.requested, a.sinceRequest = true, false, 0
}

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
	a.frames = a.frames[:0]
	a.buf = a.buf[:0]
	a.needKey = false
	if pkt == nil {
		return nil, false
	}
	if !a.accept(pkt) {
		return a.frames, a.needKey
	}
	a.drain()
	return a.frames, a.needKey
}

// accept stores the packet in the ring; false when it is late or a duplicate.
func (a *Assembler) accept(pkt *rtp.Packet) bool {
	var ext int64
	if !a.started {
		ext = int64(pkt.SequenceNumber)
		a.started, a.head, a.highest = true, ext, ext
	} else {
		ext = a.highest + int64(int16(pkt.SequenceNumber-uint16(a.highest)))
	}
	switch {
	case ext < a.head && !a.fixed && a.highest-ext < ringSize:
		// Before the first frame, an earlier packet may still belong to
		// the first IDR: let the window grow backwards.
		a.head = ext
	case ext < a.head:
		a.stats.PacketsLate++
		return false
	case ext-a.head >= ringSize:
		// A jump beyond the window: everything held is hopeless.
		a.dropTo(a.highest + 1)
		a.head, a.fixed = ext, true
		a.lost(true)
	}
	s := &a.ring[ext&ringMask]
	if s.present && s.ext == ext {
		a.stats.PacketsDup++
		return false
	}
	*s = slot{ext: ext, present: true, ts: pkt.Timestamp, marker: pkt.Marker, payload: s.payload[:0]}
	if len(pkt.Payload) == 0 {
		s.filler = true // padding-only packet
	} else if !s.parse(pkt.Payload) {
		s.filler, s.start, s.key, s.sps, s.fu = true, false, false, false, fuNone
		s.payload = s.payload[:0]
		a.stats.PacketsMalform++
	}
	if ext > a.highest {
		a.highest = ext
	}
	return true
}

// parse converts one RTP payload to Annex-B bytes and classifies it; false
// for anything packetization-mode 1 does not allow or that is truncated.
func (s *slot) parse(p []byte) bool {
	if p[0]&0x80 != 0 { // forbidden_zero_bit
		return false
	}
	switch typ := p[0] & 0x1f; {
	case typ >= 1 && typ <= 23: // single NAL unit packet
		s.start, s.key = classify(p)
		s.key = s.key && s.start
		s.sps = p[0]&0x1f == nalSPS
		s.payload = append(append(s.payload, startCode[:]...), p...)
		return true
	case typ == nalSTAPA:
		rest := p[1:]
		first := true
		for len(rest) > 0 {
			if len(rest) < 2 {
				return false
			}
			n := int(binary.BigEndian.Uint16(rest))
			rest = rest[2:]
			if n == 0 || n > len(rest) || rest[0]&0x80 != 0 {
				return false
			}
			nal := rest[:n]
			rest = rest[n:]
			start, key := classify(nal)
			if first {
				s.start, s.sps, first = start, nal[0]&0x1f == nalSPS, false
			}
			s.key = s.key || key
			s.payload = append(append(s.payload, startCode[:]...), nal...)
		}
		if first {
			return false // no NAL unit in it
		}
		s.key = s.key && s.start
		return true
	case typ == nalFUA:
		if len(p) < 2 {
			return false
		}
		h := p[1]
		begin, end := h&0x80 != 0, h&0x40 != 0
		if begin && (end || len(p) < 3) { // a start carries at least one byte
			return false
		}
		if begin {
			hdr := p[0]&0xe0 | h&0x1f
			s.fu = fuStart
			s.payload = append(append(s.payload, startCode[:]...), hdr)
			// classify needs the NAL header and the first payload byte.
			s.start, s.key = classify([]byte{hdr, p[2]})
			s.key = s.key && s.start
		} else if end {
			s.fu = fuEnd
		} else {
			s.fu = fuMiddle
		}
		s.payload = append(s.payload, p[2:]...)
		return true
	default: // 0, STAP-B, MTAP16/24, FU-B (interleaved mode) and 30-31
		return false
	}
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

// frameState is what scan found at the head of the window.
type frameState int

const (
	frameIncomplete frameState = iota // a packet is missing or not yet here
	frameComplete                     // start..marker all present
	frameBroken                       // the frame ran into another one, or its fragments do not fit
)

// drain emits or drops frames from the head of the window while it can.
func (a *Assembler) drain() {
	for a.head <= a.highest {
		s := a.at(a.head)
		if s.present && s.filler {
			a.dropTo(a.head + 1)
			continue
		}
		if s.present && !s.start && a.fixed {
			a.dropTo(a.head + 1) // its access unit's start is gone for good
			a.lost(true)
			continue
		}
		// (Before the first frame, a non-start head may still be preceded
		// by a reordered start: it waits like a gap.)
		if s.present && s.start {
			end, st := a.scan(a.head)
			if st == frameComplete {
				a.emit(a.head, end)
				continue
			}
			if st == frameBroken {
				a.dropTo(end)
				a.lost(true)
				continue
			}
		}
		// The head frame is incomplete. A complete IDR later on makes
		// waiting pointless; otherwise wait, but only for so long.
		if k, ok := a.nextKeyframe(a.head + 1); ok {
			a.dropTo(k)
			a.lost(false)
			continue
		}
		if a.newerFrames() > a.cfg.HoldFrames || a.highest-a.head >= ringSize-ringSlack {
			a.dropTo(a.nextStart(a.head + 1))
			a.lost(true)
			continue
		}
		return
	}
}

// scan walks from a start packet to its marker. end is the marker packet
// when complete, and the first packet not of this frame when broken.
func (a *Assembler) scan(start int64) (end int64, st frameState) {
	ts := a.at(start).ts
	inFU := false
	for e := start; e <= a.highest; e++ {
		s := a.at(e)
		if !s.present {
			return e, frameIncomplete
		}
		if e != start && (s.filler || s.ts != ts) {
			return e, frameBroken
		}
		switch {
		case s.fu == fuStart && !inFU:
			inFU = true
		case (s.fu == fuMiddle || s.fu == fuEnd) && inFU:
			inFU = s.fu == fuMiddle
		case s.fu == fuNone && !inFU:
		default: // a fragment out of place: the sender broke the rules
			return e + 1, frameBroken
		}
		if s.marker {
			if inFU {
				return e + 1, frameBroken
			}
			return e, frameComplete
		}
	}
	return a.highest + 1, frameIncomplete
}

// emit hands out the frame start..end, or skips it while an IDR is due.
func (a *Assembler) emit(start, end int64) {
	first := a.at(start)
	if a.waitKey && !first.key {
		a.stats.FramesSkipped++
		a.sinceRequest++
		if !a.requested || a.sinceRequest >= a.cfg.KeyframeRetryFrames {
			a.requestKey()
		}
		a.dropTo(end + 1)
		return
	}
	off := len(a.buf)
	for e := start; e <= end; e++ {
		a.buf = append(a.buf, a.at(e).payload...)
	}
	a.frames = append(a.frames, Frame{Data: a.buf[off:len(a.buf):len(a.buf)], Timestamp: first.ts, Keyframe: first.key})
	if first.key {
		a.waitKey, a.requested, a.sinceRequest = false, false, 0
	}
	a.fixed = true
	a.stats.FramesEmitted++
	a.dropTo(end + 1)
}

// lost records a given-up gap: nothing but an IDR may follow.
func (a *Assembler) lost(request bool) {
	a.stats.LossEvents++
	a.waitKey = true
	if request {
		a.requestKey()
	}
}

func (a *Assembler) requestKey() {
	if !a.needKey {
		a.stats.KeyframeRequest++
	}
	a.needKey, a.requested, a.sinceRequest = true, true, 0
}

// nextKeyframe finds the first complete IDR access unit at or after from.
// An IDR slice counts only where it surely begins its access unit: the SPS
// packet before it may merely be late.
func (a *Assembler) nextKeyframe(from int64) (int64, bool) {
	for e := from; e <= a.highest; e++ {
		if s := a.at(e); s.present && s.key && (s.sps || a.boundaryBefore(e)) {
			if _, st := a.scan(e); st == frameComplete {
				return e, true
			}
		}
	}
	return 0, false
}

// boundaryBefore reports whether the packet before e surely ended an
// access unit.
func (a *Assembler) boundaryBefore(e int64) bool {
	p := a.at(e - 1)
	return p.present && p.ext == e-1 && !p.filler && (p.marker || p.ts != a.at(e).ts)
}

// nextStart finds the first access unit start at or after from.
func (a *Assembler) nextStart(from int64) int64 {
	for e := from; e <= a.highest; e++ {
		if s := a.at(e); s.present && s.start {
			return e
		}
	}
	return a.highest + 1
}

// newerFrames counts the frames after the head frame whose end has arrived:
// how long the head frame has been waited for, in frames.
func (a *Assembler) newerFrames() int {
	n, headTS, seen := 0, uint32(0), false
	for e := a.head; e <= a.highest; e++ {
		s := a.at(e)
		if !s.present || s.filler {
			continue
		}
		if !seen {
			headTS, seen = s.ts, true
		}
		if s.marker && s.ts != headTS {
			n++
		}
	}
	return n
}

// dropTo forgets every packet before end and moves the head there.
func (a *Assembler) dropTo(end int64) {
	for e := a.head; e < end && e <= a.highest; e++ {
		a.at(e).present = false
	}
	a.head = end
}

func (a *Assembler) at(ext int64) *slot { return &a.ring[ext&ringMask] }
