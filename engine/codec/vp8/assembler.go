package vp8

import (
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

const (
	// ringSize bounds how many packets the assembler holds: 512 packets of
	// 1200 bytes, so frames up to ~550 KB (a 1080p keyframe at a high
	// bitrate) plus some reordering. Slot buffers grow lazily to ~600 KB.
	ringSize = 512
	ringMask = ringSize - 1
	// ringSlack is kept free: a window this close to full is given up on.
	ringSlack = 32

	// DefaultHoldFrames is how many newer frames may complete while the
	// assembler still waits for a missing packet of an older one: about
	// 100 ms at 30 fps, enough for a NACK retransmission on a sane link.
	DefaultHoldFrames = 3

	// DefaultKeyframeRetryFrames is how many frames the assembler skips
	// while waiting for a keyframe before it asks for one again, so a lost
	// PLI (or keyframe) is retried without flooding the sender.
	DefaultKeyframeRetryFrames = 15
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
	// KeyframeRetryFrames: see DefaultKeyframeRetryFrames.
	KeyframeRetryFrames int
}

// AssemblerStats counts what happened to the packets, for quality reports.
type AssemblerStats struct {
	FramesEmitted   uint64 // whole frames returned by Push
	FramesSkipped   uint64 // complete inter frames dropped while waiting for a keyframe
	LossEvents      uint64 // times a gap or broken frame was given up
	PacketsLate     uint64 // packets older than anything still held
	PacketsDup      uint64 // packets already held
	PacketsMalform  uint64 // payloads without a valid VP8 descriptor
	KeyframeRequest uint64 // times Push returned needKeyframe
}

// slot holds one packet of the ring, its payload copied into a buffer that
// is reused, so that steady state allocates nothing per packet.
type slot struct {
	ext     int64 // extended sequence number
	present bool
	filler  bool // padding or unparsable: consumes a number, carries no frame data
	start   bool // first packet of a frame (S=1, partition 0)
	key     bool // start of a keyframe
	marker  bool // last packet of a frame
	ts      uint32
	payload []byte
}

// Assembler turns VP8 RTP packets into whole frames. A frame is emitted by
// the Push that completes it (its marker packet and everything back to its
// start present), without waiting for the next frame as pion's samplebuilder
// does. It handles reordering, duplicates and sequence wrap. On loss it holds
// the incomplete frame for a bounded time, then drops it and everything up
// to the next keyframe, and asks the caller for a keyframe (PLI).
//
// An Assembler is not safe for concurrent use: one goroutine per track (the
// RTP reader) owns it.
type Assembler struct {
	cfg  AssemblerConfig
	ring [ringSize]slot
	desc codecs.VP8Packet

	started bool  // a packet has been seen
	fixed   bool  // a frame was emitted: the head no longer moves back
	head    int64 // oldest sequence number not yet consumed
	highest int64 // newest sequence number seen

	waitKey      bool // after loss (and at start) only a keyframe may pass
	requested    bool // a keyframe was asked for since waitKey was set
	sinceRequest int  // frames skipped since the last request

	needKey bool // result of the current Push
	frames  []Frame
	buf     []byte
	stats   AssemblerStats
}

// NewAssembler returns an assembler that waits for a keyframe first.
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

// Reset forgets every held packet and waits for a keyframe again, as when
// the sender's SSRC changes. Counters are kept.
func (a *Assembler) Reset() {
	for i := range a.ring {
		a.ring[i].present = false
	}
	a.started, a.fixed = false, false
	a.waitKey, a.requested, a.sinceRequest = true, false, 0
}

// Push adds one packet and returns the frames it completed, oldest first
// (usually zero or one; more when a retransmission fills a gap). The frames
// slice and the Data it points to are reused: valid until the next Push.
//
// needKeyframe is true when the caller should send a PLI: a loss was given
// up on, or inter frames keep arriving while a keyframe is awaited (repeated
// every KeyframeRetryFrames skipped frames). The packet itself is copied;
// the caller may reuse its buffer at once.
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
		// the first keyframe: let the window grow backwards.
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
	payload, err := a.desc.Unmarshal(pkt.Payload)
	switch {
	case len(pkt.Payload) == 0:
		s.filler = true // padding-only packet
	case err != nil || len(payload) == 0:
		s.filler = true
		a.stats.PacketsMalform++
	default:
		s.start = a.desc.S == 1 && a.desc.PID == 0
		s.key = s.start && payload[0]&0x01 == 0 // VP8 frame tag: P bit 0 = keyframe
		s.payload = append(s.payload, payload...)
	}
	if ext > a.highest {
		a.highest = ext
	}
	return true
}

// frameState is what scan found at the head of the window.
type frameState int

const (
	frameIncomplete frameState = iota // a packet is missing or not yet here
	frameComplete                     // start..marker all present
	frameBroken                       // the frame ran into another one: its end was lost
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
			a.dropTo(a.head + 1) // its frame's start is gone for good
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
		// The head frame is incomplete. A complete keyframe later on makes
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

// scan walks from a start packet to its marker.
func (a *Assembler) scan(start int64) (end int64, st frameState) {
	ts := a.at(start).ts
	for e := start; e <= a.highest; e++ {
		s := a.at(e)
		if !s.present {
			return e, frameIncomplete
		}
		if e != start && (s.filler || s.start || s.ts != ts) {
			return e, frameBroken
		}
		if s.marker {
			return e, frameComplete
		}
	}
	return a.highest + 1, frameIncomplete
}

// emit hands out the frame start..end, or skips it while a keyframe is due.
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

// lost records a given-up gap: nothing but a keyframe may follow.
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

// nextKeyframe finds the first complete keyframe at or after from.
func (a *Assembler) nextKeyframe(from int64) (int64, bool) {
	for e := from; e <= a.highest; e++ {
		if s := a.at(e); s.present && s.key {
			if _, st := a.scan(e); st == frameComplete {
				return e, true
			}
		}
	}
	return 0, false
}

// nextStart finds the first frame start at or after from.
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
