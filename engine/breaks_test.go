package engine_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
)

func mediaEvents(r *recorder, stream string, kind int32) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.events {
		if ev.Kind == engine.EventPlayerMediaEvent && ev.StreamID == stream && ev.State == kind {
			n++
		}
	}
	return n
}

func TestPausedSourceGivesOneBreakAndOneResume(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-b", "alice")
	login(t, b, rb, "room-b", "bob")
	a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain)
	a.SetAudioSource(engine.AudioSourceCustom)
	var paused atomic.Bool
	stop := make(chan struct{})
	wg := pushMedia(t, a, func() [3]byte { return [3]byte{0, 0, 255} }, stop, &paused)
	defer func() { close(stop); wg.Wait() }()
	if err := a.StartPublishing("s-break", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, _ := newView(t, 64, 48)
	if err := b.StartPlaying("s-break", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	time.Sleep(300 * time.Millisecond)
	if n := mediaEvents(rb, "s-break", engine.MediaVideoBreakOccur); n != 0 {
		t.Fatalf("%d video breaks while frames flowed", n)
	}
	paused.Store(true)
	time.Sleep(time.Second)
	paused.Store(false)
	rb.waitFor(t, "VIDEO_BREAK_RESUME", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerMediaEvent && ev.State == engine.MediaVideoBreakResume
	})
	time.Sleep(500 * time.Millisecond)
	occur := rb.waitFor(t, "VIDEO_BREAK_OCCUR", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerMediaEvent && ev.State == engine.MediaVideoBreakOccur
	})
	resume := rb.waitFor(t, "VIDEO_BREAK_RESUME", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerMediaEvent && ev.State == engine.MediaVideoBreakResume
	})
	if occur > resume {
		t.Fatal("RESUME before OCCUR")
	}
	for _, k := range []int32{engine.MediaVideoBreakOccur, engine.MediaVideoBreakResume, engine.MediaAudioBreakOccur, engine.MediaAudioBreakResume} {
		if n := mediaEvents(rb, "s-break", k); n != 1 {
			t.Errorf("media event %d reported %d times, want once", k, n)
		}
	}
}
