package engine

import (
	"sync"
	"sync/atomic"
	"time"
)

// How long media may stop before a break is reported (C_ABI media events):
// a picture frozen for half a second is noticed, a 200 ms audio gap is heard.
const (
	videoBreakAfter = 500 * time.Millisecond
	audioBreakAfter = 200 * time.Millisecond
	breakCheckEvery = 50 * time.Millisecond
)

// breakWatch turns gaps in one kind of media into BREAK_OCCUR / BREAK_RESUME
// pairs. It only watches after the first frame, and not while the media is
// muted on purpose (by the sender or by the local player).
type breakWatch struct {
	after         time.Duration
	occur, resume int32

	last   atomic.Int64 // Unix ns of the newest frame; 0 before the first
	muted  atomic.Bool
	mu     sync.Mutex
	broken bool
}

// frame records media arriving; it returns true if that ended a break.
func (w *breakWatch) frame(now time.Time) bool {
	w.last.Store(now.UnixNano())
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.broken {
		return false
	}
	w.broken = false
	return true
}

// check reports whether a break begins now.
func (w *breakWatch) check(now time.Time) bool {
	last := w.last.Load()
	if last == 0 || w.muted.Load() {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.broken || now.UnixNano()-last < int64(w.after) {
		return false
	}
	w.broken = true
	return true
}

// setMuted stops or restarts watching; after a mute the clock restarts so
// that unmuting does not report the muted time as a break.
func (w *breakWatch) setMuted(m bool) {
	w.muted.Store(m)
	if !m && w.last.Load() != 0 {
		w.last.Store(time.Now().UnixNano())
	}
}

// watchBreaks runs for the life of a connected attempt.
func (a *attempt) watchBreaks() {
	defer a.wg.Done()
	t := time.NewTicker(breakCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case now := <-t.C:
			for _, w := range []*breakWatch{&a.video, &a.audio} {
				if w.check(now) {
					a.mediaEvent(w.occur)
					if w == &a.video {
						a.p.stats.videoBreaks.Add(1)
					}
				}
			}
		}
	}
}

func (a *attempt) mediaEvent(ev int32) {
	a.p.e.emit(Event{Kind: EventPlayerMediaEvent, StreamID: a.p.streamID, State: ev})
}

func (a *attempt) initBreaks() {
	a.video = breakWatch{after: videoBreakAfter, occur: MediaVideoBreakOccur, resume: MediaVideoBreakResume}
	a.audio = breakWatch{after: audioBreakAfter, occur: MediaAudioBreakOccur, resume: MediaAudioBreakResume}
}
