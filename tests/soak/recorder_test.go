package soak

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/parley-rtc/parley/engine"
)

// recorder keeps one engine's events and wakes a waiter on each.
type recorder struct {
	mu     sync.Mutex
	events []engine.Event
	notify chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1)} }

func (r *recorder) handle(ev engine.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// has reports whether some event so far matches.
func (r *recorder) has(match func(engine.Event) bool) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ev := range r.events {
		if match(ev) {
			return true
		}
	}
	return false
}

// waitFor waits until some event matches, for at most stepTimeout.
func (r *recorder) waitFor(what string, match func(engine.Event) bool) error {
	deadline := time.NewTimer(stepTimeout)
	defer deadline.Stop()
	for !r.has(match) {
		select {
		case <-r.notify:
		case <-deadline.C:
			return fmt.Errorf("timed out waiting for %s; events: %s", what, r.dump())
		}
	}
	return nil
}

func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, ev := range r.events {
		fmt.Fprintf(&b, "\n  kind %d room %q reason %d stream %q state %d code %d",
			ev.Kind, ev.RoomID, ev.Reason, ev.StreamID, ev.State, ev.Code)
	}
	return b.String()
}
