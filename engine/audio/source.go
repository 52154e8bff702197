package audio

import "sync"

// Source is one remote stream's way into the mixer. Its decode goroutine
// pushes PCM as packets arrive; the mixer drains it at the host's pace. A
// small ring absorbs network jitter: playback starts (and restarts after an
// underrun) once the target is buffered, and on overflow the oldest audio
// is dropped back to the target, so latency never creeps up. A host that
// fetches more than 20 ms at a time raises both bounds by the excess of its
// largest fetch, since the buffer must cover a whole fetch.
//
// The target adapts to the network: each underrun while playing raises it
// (and the bound above it) by one packet, up to MaxAdaptMs; every
// adaptCalm of playback without an underrun lowers it by half a packet,
// down to the mixer's TargetMs. A clean link keeps the small buffer; a
// jittery one gets the cushion it needs after a few breaks.
//
// All methods are safe for concurrent use.
type Source struct {
	id    string
	mixer *Mixer

	mu     sync.Mutex
	ring   []int16 // interleaved stereo, len = 2*capacity
	r      int     // read position, in frames
	level  int     // frames buffered
	base   int     // the mixer's target, in frames: the adaptive target's floor
	span   int     // frames allowed above the target before dropping
	target int     // frames to buffer before playing (adaptive)
	max    int     // frames beyond which the oldest are dropped: target + span
	calm   int     // frames played since the last underrun or target change
	extra  int     // frames the host's largest fetch adds to both bounds
	primed bool
	muted  bool
	closed bool
	stats  SourceStats
}

// SourceStats counts jitter-buffer events, for AUDIO_BREAK events and
// quality reports.
type SourceStats struct {
	Underruns     uint64 // times the source ran dry while playing
	DroppedFrames uint64 // 48 kHz frames dropped on overflow
	BufferedMs    int    // audio waiting to be played now
	TargetMs      int    // the jitter buffer's current target
}

// Adaptation of the target (see Source).
const (
	MaxAdaptMs = 200           // the most the target grows to
	adaptStep  = MixRate / 50  // an underrun adds one 20 ms packet
	adaptCalm  = 10 * MixRate  // 10 s without one ...
	adaptShed  = MixRate / 100 // ... takes 10 ms off
	adaptMax   = MaxAdaptMs * MixRate / 1000
)

func newSource(id string, m *Mixer, target, maxFrames int) *Source {
	return &Source{id: id, mixer: m, base: target, span: maxFrames - target, target: target, max: maxFrames}
}

// retarget moves the target (and the bound above it) to frames.
func (s *Source) retarget(frames int) {
	s.target = frames
	s.max = frames + s.span
	s.calm = 0
}

// ID returns the id the source was added with (the stream ID in Parley).
func (s *Source) ID() string { return s.id }

// Push appends pcm, 48 kHz interleaved stereo as the Opus decoder wrote
// it (an odd trailing sample is ignored). It copies and never blocks on the
// host; pushes to a muted or closed source are discarded.
func (s *Source) Push(pcm []int16) {
	frames := len(pcm) / 2
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.muted || frames == 0 {
		return
	}
	target, limit := s.target+s.extra, s.max+s.extra
	s.fit(limit)
	if frames > limit { // a burst longer than the whole buffer: keep its end
		s.stats.DroppedFrames += uint64(frames - target + s.level)
		pcm = pcm[2*(frames-target) : 2*frames]
		frames = target
		s.r, s.level = 0, 0
	}
	if s.level+frames > limit {
		drop := min(s.level+frames-target, s.level)
		s.r = (s.r + drop) % s.size()
		s.level -= drop
		s.stats.DroppedFrames += uint64(drop)
	}
	w := (s.r + s.level) % s.size()
	n := copy(s.ring[2*w:], pcm[:2*frames])
	copy(s.ring, pcm[n:2*frames])
	s.level += frames
}

// size is the ring's capacity in frames.
func (s *Source) size() int { return len(s.ring) / 2 }

// fit grows the ring (keeping its contents) so it can hold limit frames;
// it only happens when the host starts fetching larger chunks.
func (s *Source) fit(limit int) {
	if s.size() >= limit {
		return
	}
	ring := make([]int16, 2*limit)
	first := min(s.level, s.size()-s.r)
	copy(ring, s.ring[2*s.r:2*(s.r+first)])
	copy(ring[2*first:], s.ring[:2*(s.level-first)])
	s.ring, s.r = ring, 0
}

// SetMuted stops (true) or resumes mixing this source. Muting discards what
// is buffered, so unmuting never plays stale audio.
func (s *Source) SetMuted(muted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.muted = muted
	if muted {
		s.r, s.level, s.primed = 0, 0, false
	}
}

// Stats returns the source's counters.
func (s *Source) Stats() SourceStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.BufferedMs = s.level * 1000 / MixRate
	st.TargetMs = s.target * 1000 / MixRate
	return st
}

// Close removes the source from the mixer; later pushes are discarded.
// Close is idempotent.
func (s *Source) Close() {
	s.mixer.remove(s)
	s.mu.Lock()
	s.closed = true
	s.level = 0
	s.mu.Unlock()
}

// addTo adds up to frames frames of this source into acc (interleaved
// stereo), or nothing while it is muted or still buffering.
func (s *Source) addTo(acc []int32, frames int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extra = max(s.extra, frames-MixRate/50)
	s.fit(s.max + s.extra)
	if s.muted || s.closed {
		return
	}
	if !s.primed {
		if s.level < s.target+s.extra {
			return
		}
		s.primed = true
	}
	n := min(frames, s.level)
	first := min(n, s.size()-s.r) // the ring may wrap once
	addInto(acc[:2*first], s.ring[2*s.r:2*(s.r+first)])
	addInto(acc[2*first:2*n], s.ring[:2*(n-first)])
	s.r = (s.r + n) % s.size()
	s.level -= n
	if n < frames {
		s.primed = false
		s.stats.Underruns++
		s.retarget(min(s.target+adaptStep, max(adaptMax, s.base)))
		s.fit(s.max + s.extra)
		return
	}
	if s.calm += n; s.calm >= adaptCalm && s.target > s.base {
		s.retarget(max(s.target-adaptShed, s.base))
	}
}

func addInto(acc []int32, pcm []int16) {
	acc = acc[:len(pcm)]
	for i, v := range pcm {
		acc[i] += int32(v)
	}
}
