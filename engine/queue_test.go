package engine

import (
	"testing"
)

func TestPollQueueDropsQualityFirstAndKeepsOrder(t *testing.T) {
	var got []Event
	q := newQueue(true, func(ev Event) { got = append(got, ev) })
	defer q.close()
	q.push(Event{Kind: EventPlayerQualityUpdate, StreamID: "q0"})
	for i := 0; i < maxQueuedEvents; i++ {
		q.push(Event{Kind: EventPlayerStateUpdate, State: int32(i)})
	}
	// The queue is full of state changes: a new quality update is dropped,
	// a new state change pushes out the one quality update.
	q.push(Event{Kind: EventPlayerStateUpdate, State: -1})
	q.push(Event{Kind: EventPlayerQualityUpdate, StreamID: "q1"})
	if n := q.pollEvents(0); n != maxQueuedEvents+1 {
		t.Fatalf("dispatched %d, want %d", n, maxQueuedEvents+1)
	}
	for i, ev := range got[:maxQueuedEvents] {
		if ev.Kind != EventPlayerStateUpdate || ev.State != int32(i) {
			t.Fatalf("event %d out of order: %+v", i, ev)
		}
	}
	if last := got[len(got)-1]; last.State != -1 {
		t.Fatalf("last event %+v, want the state change pushed last", last)
	}
}

func TestPollLimitsAndCallbacksMayPollAgain(t *testing.T) {
	var q *queue
	n, nested := 0, -1
	q = newQueue(true, func(ev Event) {
		n++
		if ev.State == 0 {
			nested = q.pollEvents(1) // a poll from a callback returns at once
		}
	})
	defer q.close()
	for i := 0; i < 5; i++ {
		q.push(Event{Kind: EventPlayerStateUpdate, State: int32(i)})
	}
	if d := q.pollEvents(2); d != 2 || n != 2 || nested != 0 {
		t.Fatalf("poll(2) dispatched %d (callbacks %d, nested poll %d), want 2, 2, 0", d, n, nested)
	}
}

func TestCloseFromInsideACallbackReturns(t *testing.T) {
	done := make(chan struct{})
	var q *queue
	q = newQueue(false, func(Event) { q.close(); close(done) })
	q.push(Event{})
	<-done
	<-q.done
}
