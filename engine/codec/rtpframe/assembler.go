// Package rtpframe is the codec-independent part of Parley's video RTP
// depacketizers: a ring of packets indexed by extended sequence number that
// emits a frame as soon as its packets are all present, survives
// reordering, duplicates and sequence wrap, and on loss holds an
// incomplete frame for a bounded time, then gives it up and waits for a
// keyframe. The codec parses each payload and says where frames begin (see
// Codec); the packages vp8 and h264 wrap this Assembler in their own API.
package rtpframe

import "github.com/pion/rtp"

const (
	// RingSize bounds how many packets the assembler holds: 512 packets of
	// 1200 bytes, so frames up to ~550 KB (a 1080p keyframe at a high
	// bitrate) plus some reordering. Slot buffers grow lazily.
	RingSize = 512
	ringMask = RingSize - 1
	// ringSlack is kept free: a window this close to full is given up on.
	ringSlack = 32

	// DefaultHoldFrames is how many newer frames may complete while the
	// assembler still waits for a missing packet of an older one: about
	// 200 ms at 30 fps, enough for a NACK (sent within 20 ms) and its
	// retransmission over a 150 ms round trip. It costs latency only while a
	// packet is missing (tests/network measures it). The hold adapts: see
	// DefaultMaxHoldFrames.
	DefaultHoldFrames = 6

	// DefaultMaxHoldFrames is the most the hold grows to. When a packet of
	// a frame the assembler gave up on arrives after all (its
	// retransmission came just too late: a longer round trip, a
	// retransmission lost once), the hold grows by holdStep frames, since
	// giving up costs a keyframe round trip, a longer freeze than the wait
	// would have been; after holdCalmFrames frames emitted without that, it
	// shrinks by one frame, down to HoldFrames. 15 frames is 500 ms at 30
	// fps: a longer wait is a freeze anyway.
	DefaultMaxHoldFrames = 15
	holdStep             = 2
	holdCalmFrames       = 1800

	// DefaultKeyframeRetryFrames is how many frames the assembler skips
	// while waiting for a keyframe before it asks for one again, so a lost
	// PLI (or keyframe) is retried without flooding the sender.
	DefaultKeyframeRetryFrames = 15
)

// Info is what a Codec says about one packet.
type Info struct {
	// Start: the packet may begin a frame.
	Start bool
	// Sure: the packet surely begins a frame. When it is false, a keyframe
	// start counts as one (to skip ahead to after a loss) only where the
	// packet before it ended the previous frame.
	Sure bool
	// Key: the packet begins a keyframe. Only meaningful with Start.
	Key bool
	// Part is the codec's own: the assembler keeps it with the packet and
	// hands it back to Codec.Follow.
	Part uint8
	// Layered: the packet carries temporal-layer indexes (VP8's T and L
	// bits), so TID and Base are meaningful. Only meaningful with Start.
	Layered bool
	// TID is the frame's temporal layer. Base-layer frames (0) alone
	// update the pictures the others predict from, so losing a frame above
	// the base layer damages nothing after it.
	TID uint8
	// Base is the running index of base-layer frames (VP8's TL0PICIDX): a
	// base frame's own, or, above the base layer, that of the base frame
	// the frame predicts from.
	Base uint8
}

// Verdict is Codec.Follow's answer on whether a packet fits its frame.
type Verdict uint8

const (
	// Fits: the packet continues the frame.
	Fits Verdict = iota
	// EndsBefore: the packet belongs to another frame, so the frame's end
	// was lost; the packet is kept, it may begin the next frame.
	EndsBefore
	// Breaks: the packet is out of place (the sender broke the rules); it
	// is dropped with the frame.
	Breaks
)

// Codec is the codec-specific part of an Assembler.
type Codec interface {
	// Parse appends the bitstream bytes of a non-empty RTP payload to dst
	// (the frame is the concatenation of its packets' bytes) and returns
	// the grown buffer and what the packet is. ok is false for a payload
	// the codec cannot use; its packet then carries no data.
	Parse(dst, payload []byte) (out []byte, info Info, ok bool)
	// Follow is called for each packet of a frame in order, from its first
	// (first true, state 0) to its marker packet (marker true), with the
	// state it returned for the packet before. Packets with another
	// timestamp or no data never reach it: they break the frame anyway.
	Follow(state uint8, info Info, first, marker bool) (next uint8, v Verdict)
}

// Frame is one whole frame.
type Frame struct {
	// Data is the frame's bitstream. It points into the assembler's reused
	// buffer: valid only until the next Push or Reset.
	Data []byte
	// Timestamp is the frame's RTP timestamp.
	Timestamp uint32
	// Keyframe is true for a frame that decodes on its own.
	Keyframe bool
}

// Config tunes the loss handling; the zero value uses the defaults.
type Config struct {
	// HoldFrames: see DefaultHoldFrames. Larger values survive more
	// reordering at the cost of a longer freeze on real loss.
	HoldFrames int
	// MaxHoldFrames: see DefaultMaxHoldFrames; below HoldFrames, the hold
	// stays at HoldFrames.
	MaxHoldFrames int
	// KeyframeRetryFrames: see DefaultKeyframeRetryFrames.
	KeyframeRetryFrames int
}

// Stats counts what happened to the packets, for quality reports.
type Stats struct {
	FramesEmitted   uint64 // whole frames returned by Push
	FramesSkipped   uint64 // complete non-keyframes dropped while waiting for a keyframe
	LossEvents      uint64 // times a gap or broken frame was given up
	LayerRecoveries uint64 // losses that ended without a keyframe: no base-layer frame was lost
	PacketsLate     uint64 // packets older than anything still held
	PacketsDup      uint64 // packets already held
	PacketsMalform  uint64 // payloads the codec could not parse
	KeyframeRequest uint64 // times Push returned needKeyframe
	HoldFrames      int    // the hold now, in frames
}

// slot holds one packet of the ring, its parsed bytes in a buffer that is
// reused, so that steady state allocates nothing per packet.
type slot struct {
	ext     int64 // extended sequence number
	present bool
	filler  bool // padding or unparsable: consumes a number, carries no frame data
	marker  bool // last packet of a frame
	info    Info
	ts      uint32
	payload []byte
}

// Assembler turns RTP packets into whole frames. A frame is emitted by the
// Push that completes it (its marker packet and everything back to its
// start present), without waiting for the next frame. It handles
// reordering, duplicates and sequence wrap. On loss it holds the incomplete
// frame for a bounded time, then drops it and everything up to the next
// keyframe, and asks the caller for a keyframe (PLI) — unless the stream is
// layered (Info.Layered) and the frames that follow show that no base-layer
// frame was lost: then they play on.
//
// An Assembler is not safe for concurrent use: one goroutine per track (the
// RTP reader) owns it. Its zero value is not usable: see New and Init.
type Assembler struct {
	cfg   Config
	codec Codec
	ring  [RingSize]slot

	started bool  // a packet has been seen
	fixed   bool  // a frame was emitted: the head no longer moves back
	head    int64 // oldest sequence number not yet consumed
	highest int64 // newest sequence number seen

	hold     int   // frames the head may wait now (adaptive)
	calm     int   // frames emitted since the hold last grew
	gaveUp   int64 // the last hold that ran out dropped [gaveUp, gaveUpTo)
	gaveUpTo int64

	waitKey      bool  // after loss (and at start) only a keyframe may pass
	base         uint8 // Info.Base of the last base-layer frame emitted
	haveBase     bool  // base is set: a layered frame was emitted since Reset
	layered      bool  // the last frame emitted was layered
	requested    bool  // a keyframe was asked for since waitKey was set
	sinceRequest int   // frames skipped since the last request

	needKey bool // result of the current Push
	frames  []Frame
	buf     []byte
	stats   Stats
}

// New returns an assembler for codec that waits for a keyframe first.
func New(codec Codec, cfg Config) *Assembler {
	a := new(Assembler)
	a.Init(codec, cfg)
	return a
}

// Init readies a (zero or used) Assembler as New does, for embedding one
// in another struct. Counters are cleared.
func (a *Assembler) Init(codec Codec, cfg Config) {
	if cfg.HoldFrames <= 0 {
		cfg.HoldFrames = DefaultHoldFrames
	}
	if cfg.KeyframeRetryFrames <= 0 {
		cfg.KeyframeRetryFrames = DefaultKeyframeRetryFrames
	}
	if cfg.MaxHoldFrames <= 0 {
		cfg.MaxHoldFrames = DefaultMaxHoldFrames
	}
	cfg.MaxHoldFrames = max(cfg.MaxHoldFrames, cfg.HoldFrames)
	a.cfg, a.codec, a.stats = cfg, codec, Stats{}
	a.hold, a.calm, a.gaveUp, a.gaveUpTo = cfg.HoldFrames, 0, 0, 0
	a.Reset()
}

// Stats returns the counters so far.
func (a *Assembler) Stats() Stats {
	st := a.stats
	st.HoldFrames = a.hold
	return st
}

// Reset forgets every held packet and waits for a keyframe again, as when
// the sender's SSRC changes. Counters, and the hold the path has taught,
// are kept.
func (a *Assembler) Reset() {
	for i := range a.ring {
		a.ring[i].present = false
	}
	a.started, a.fixed = false, false
	a.gaveUp, a.gaveUpTo = 0, 0
	a.haveBase, a.layered = false, false
	a.waitKey, a.requested, a.sinceRequest = true, false, 0
}

// Push adds one packet and returns the frames it completed, oldest first
// (usually zero or one; more when a retransmission fills a gap). The frames
// slice and the Data it points to are reused: valid until the next Push.
//
// needKeyframe is true when the caller should send a PLI: a loss was given
// up on, or non-keyframes keep arriving while a keyframe is awaited
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
	case ext < a.head && !a.fixed && a.highest-ext < RingSize:
		// Before the first frame, an earlier packet may still belong to
		// the first keyframe: let the window grow backwards.
		a.head = ext
	case ext < a.head:
		a.stats.PacketsLate++
		if ext >= a.gaveUp && ext < a.gaveUpTo {
			// The frame given up on was about to be whole: wait longer.
			a.hold = min(a.hold+holdStep, a.cfg.MaxHoldFrames)
			a.gaveUpTo, a.calm = a.gaveUp, 0
		}
		return false
	case ext-a.head >= RingSize:
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
	} else if out, info, ok := a.codec.Parse(s.payload, pkt.Payload); ok {
		s.info, s.payload = info, out
	} else {
		s.filler, s.payload = true, out[:0]
		a.stats.PacketsMalform++
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
	frameBroken                       // the frame ran into another one, or its packets do not fit
)

// drain emits or drops frames from the head of the window while it can.
func (a *Assembler) drain() {
	for a.head <= a.highest {
		s := a.at(a.head)
		if s.present && s.filler {
			a.dropTo(a.head + 1)
			continue
		}
		if s.present && !s.info.Start && a.fixed {
			a.dropTo(a.head + 1) // its frame's start is gone for good
			a.lost(true)
			continue
		}
		// (Before the first frame, a non-start head may still be preceded
		// by a reordered start: it waits like a gap.)
		if s.present && s.info.Start {
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
		if a.newerFrames() > a.hold || a.highest-a.head >= RingSize-ringSlack {
			a.gaveUp = a.head
			a.dropTo(a.nextStart(a.head + 1))
			a.gaveUpTo = a.head
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
	var state uint8
	for e := start; e <= a.highest; e++ {
		s := a.at(e)
		if !s.present {
			return e, frameIncomplete
		}
		if e != start && (s.filler || s.ts != ts) {
			return e, frameBroken
		}
		var v Verdict
		state, v = a.codec.Follow(state, s.info, e == start, s.marker)
		switch v {
		case EndsBefore:
			return e, frameBroken
		case Breaks:
			return e + 1, frameBroken
		}
		if s.marker {
			return e, frameComplete
		}
	}
	return a.highest + 1, frameIncomplete
}

// emit hands out the frame start..end, or skips it while a keyframe is due
// and the frame's references may have been lost.
func (a *Assembler) emit(start, end int64) {
	first := a.at(start)
	if a.waitKey && !first.info.Key && a.intact(first.info) {
		// Only frames above the base layer were lost since the last base
		// frame: this one decodes as if nothing had happened.
		a.waitKey, a.requested, a.sinceRequest = false, false, 0
		a.stats.LayerRecoveries++
	}
	if a.waitKey && !first.info.Key {
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
	a.frames = append(a.frames, Frame{Data: a.buf[off:len(a.buf):len(a.buf)], Timestamp: first.ts, Keyframe: first.info.Key})
	if first.info.Key {
		a.waitKey, a.requested, a.sinceRequest = false, false, 0
	}
	if a.layered = first.info.Layered; a.layered && first.info.TID == 0 {
		a.base, a.haveBase = first.info.Base, true
	}
	a.fixed = true
	a.stats.FramesEmitted++
	if a.calm++; a.calm >= holdCalmFrames && a.hold > a.cfg.HoldFrames {
		a.hold, a.calm = a.hold-1, 0
	}
	a.dropTo(end + 1)
}

// intact reports whether a layered frame's references are all here: it is
// the base frame after the last one emitted, or above the base layer and
// predicted from that one.
func (a *Assembler) intact(info Info) bool {
	if !info.Layered || !a.haveBase {
		return false
	}
	if info.TID == 0 {
		return info.Base == a.base+1
	}
	return info.Base == a.base
}

// lost records a given-up gap: nothing but a keyframe, or on a layered
// stream a frame whose references are intact, may follow. On a layered
// stream the keyframe is asked for only when the next whole frame turns
// out not to be intact (emit): a lost frame above the base layer needs
// none.
func (a *Assembler) lost(request bool) {
	a.stats.LossEvents++
	a.waitKey = true
	if request && !a.layered {
		a.requestKey()
	}
}

func (a *Assembler) requestKey() {
	if !a.needKey {
		a.stats.KeyframeRequest++
	}
	a.needKey, a.requested, a.sinceRequest = true, true, 0
}

// nextKeyframe finds the first complete keyframe at or after from. A
// keyframe start that only may begin its frame counts where the packet
// before it surely ended another: a packet before it may merely be late.
func (a *Assembler) nextKeyframe(from int64) (int64, bool) {
	for e := from; e <= a.highest; e++ {
		if s := a.at(e); s.present && s.info.Key && (s.info.Sure || a.boundaryBefore(e)) {
			if _, st := a.scan(e); st == frameComplete {
				return e, true
			}
		}
	}
	return 0, false
}

// boundaryBefore reports whether the packet before e surely ended a frame.
func (a *Assembler) boundaryBefore(e int64) bool {
	p := a.at(e - 1)
	return p.present && p.ext == e-1 && !p.filler && (p.marker || p.ts != a.at(e).ts)
}

// nextStart finds the first frame start at or after from.
func (a *Assembler) nextStart(from int64) int64 {
	for e := from; e <= a.highest; e++ {
		if s := a.at(e); s.present && s.info.Start {
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
