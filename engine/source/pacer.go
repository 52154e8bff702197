package source

import (
	"context"
	"time"
)

// Pacer clocks a source at a fixed rate without drift: tick k is due at
// start + k*interval, however late the previous Wait returned. A caller that
// falls more than one interval behind skips the missed ticks instead of
// bursting to catch up, as a camera would drop frames.
//
// A Pacer is not safe for concurrent use; Stop it when done.
type Pacer struct {
	interval time.Duration
	start    time.Time
	next     int64 // index of the next tick
	timer    *time.Timer
}

// NewPacer returns a pacer whose first tick is due now. Use
// time.Second/30 for 30 fps video and 20*time.Millisecond for audio.
func NewPacer(interval time.Duration) *Pacer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return &Pacer{interval: max(interval, time.Millisecond), start: time.Now(), timer: t}
}

// Wait blocks until the next tick is due and returns its scheduled time
// (use it as the capture timestamp: it does not jitter with scheduling).
// It returns ctx.Err() if ctx ends first.
func (p *Pacer) Wait(ctx context.Context) (time.Time, error) {
	due := p.start.Add(time.Duration(p.next) * p.interval)
	if late := time.Since(due); late >= p.interval {
		skip := int64(late / p.interval)
		p.next += skip
		due = due.Add(time.Duration(skip) * p.interval)
	}
	if d := time.Until(due); d > 0 {
		p.timer.Reset(d)
		select {
		case <-p.timer.C:
		case <-ctx.Done():
			p.timer.Stop()
			return time.Time{}, ctx.Err()
		}
	} else if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	p.next++
	return due, nil
}

// Stop releases the timer.
func (p *Pacer) Stop() { p.timer.Stop() }
