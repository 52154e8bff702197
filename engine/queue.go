package engine

import (
	"bytes"
	"runtime"
	"strconv"
	"sync"
)

// maxQueuedEvents bounds the poll-mode queue; past it the oldest quality
// update is dropped first, and state changes are never dropped.
const maxQueuedEvents = 1024

// queue is the one ordered event queue of an engine. In thread mode a
// dispatcher goroutine calls the handler; in poll mode the host drains it.
// One callback never overlaps another: dispatch holds callMu.
type queue struct {
	mu      sync.Mutex
	cond    *sync.Cond
	events  []Event
	closed  bool
	handler func(Event)
	poll    bool

	callMu sync.Mutex // held while a callback runs

	dispatcherGID uint64
	done          chan struct{}
}

func newQueue(poll bool, handler func(Event)) *queue {
	q := &queue{poll: poll, handler: handler, done: make(chan struct{})}
	q.cond = sync.NewCond(&q.mu)
	if poll {
		close(q.done)
	} else {
		go q.dispatch()
	}
	return q
}

func (q *queue) setHandler(h func(Event)) {
	q.mu.Lock()
	q.handler = h
	q.mu.Unlock()
}

// push appends an event; it never blocks.
func (q *queue) push(ev Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	if q.poll && len(q.events) >= maxQueuedEvents {
		if !q.dropOneQuality() && ev.isQuality() {
			return
		}
	}
	q.events = append(q.events, ev)
	q.cond.Signal()
}

func (q *queue) dropOneQuality() bool {
	for i := range q.events {
		if q.events[i].isQuality() {
			q.events = append(q.events[:i], q.events[i+1:]...)
			return true
		}
	}
	return false
}

func (q *queue) dispatch() {
	defer close(q.done)
	// One OS thread for every callback: hosts keep thread-local state and
	// C_ABI.md promises "one event thread owned by the engine".
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	q.mu.Lock()
	q.dispatcherGID = goid()
	for {
		for len(q.events) == 0 && !q.closed {
			q.cond.Wait()
		}
		if q.closed {
			q.mu.Unlock()
			return
		}
		ev := q.events[0]
		q.events[0] = Event{}
		q.events = q.events[1:]
		h := q.handler
		q.mu.Unlock()
		q.call(h, ev)
		q.mu.Lock()
	}
}

func (q *queue) call(h func(Event), ev Event) {
	if h == nil {
		return
	}
	q.callMu.Lock()
	defer q.callMu.Unlock()
	h(ev)
}

// pollEvents dispatches up to max queued events (0: all that are queued now)
// on the caller's goroutine and returns how many it dispatched. A poll from
// inside a callback, or while another thread polls, dispatches nothing and
// returns 0: callbacks never overlap and a nested poll never deadlocks.
func (q *queue) pollEvents(max int) int {
	if !q.callMu.TryLock() {
		return 0
	}
	defer q.callMu.Unlock()
	n := 0
	q.mu.Lock()
	limit := len(q.events)
	if max > 0 && max < limit {
		limit = max
	}
	for n < limit && len(q.events) > 0 && !q.closed {
		ev := q.events[0]
		q.events[0] = Event{}
		q.events = q.events[1:]
		h := q.handler
		q.mu.Unlock()
		if h != nil {
			h(ev)
		}
		n++
		q.mu.Lock()
	}
	q.mu.Unlock()
	return n
}

// close stops delivery: no callback starts after close returns. Unless close
// is called from inside a callback on the dispatcher, it waits for the
// dispatcher to finish the callback it is running.
func (q *queue) close() {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.closed = true
	q.events = nil
	gid := q.dispatcherGID
	q.cond.Broadcast()
	q.mu.Unlock()
	if !q.poll && gid != goid() {
		<-q.done
	}
}

// goid returns the current goroutine's ID. It is used once per dispatcher and
// once per close, only to tell whether close runs inside a callback.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}
