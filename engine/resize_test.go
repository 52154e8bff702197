package engine_test

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
)

func sizeEvents(r *recorder) [][2]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out [][2]int
	for _, ev := range r.events {
		if ev.Kind == engine.EventPlayerVideoSizeChanged {
			out = append(out, [2]int{ev.Width, ev.Height})
		}
	}
	return out
}

func TestResolutionChangeMidCallAndMeasuredFrameRate(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-r", "alice")
	login(t, b, rb, "room-r", "bob")
	if err := a.SetVideoConfig(engine.VideoConfig{EncodeWidth: 320, EncodeHeight: 180, FPS: 30}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.StartPublishing("s-r", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 160, 90)
	if err := b.StartPlaying("s-r", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "320x180", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.Width == 320 && ev.Height == 180
	})
	// The quality report measures the real receive rate of a 30 fps source.
	i := rb.waitFor(t, "play quality", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerQualityUpdate })
	q := rb.at(i).PlayQuality
	if q.VideoRecvFPS < 25 || q.VideoRecvFPS > 35 || q.VideoKbps <= 0 || q.AudioKbps <= 0 || q.Width != 320 {
		t.Fatalf("play quality %+v, want 25-35 fps, kbps > 0, width 320", *q)
	}

	if err := a.SetVideoConfig(engine.VideoConfig{EncodeWidth: 640, EncodeHeight: 360}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "640x360", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.Width == 640 && ev.Height == 360
	})
	time.Sleep(300 * time.Millisecond)
	if got := sizeEvents(rb); len(got) != 2 || got[0] != [2]int{320, 180} || got[1] != [2]int{640, 360} {
		t.Fatalf("size events %v, want [320x180 640x360]", got)
	}
	info, err := view.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	view.Release()
	if info.SourceWidth != 640 || info.SourceHeight != 360 {
		t.Fatalf("frames in the view are %dx%d, want 640x360", info.SourceWidth, info.SourceHeight)
	}
	_ = pix
}

func TestCustomFramesFollowAnEncodeSizeTheHostSet(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-c", "alice")
	login(t, b, rb, "room-c", "bob")
	a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain)
	if err := a.SetVideoConfig(engine.VideoConfig{EncodeWidth: 160, EncodeHeight: 120}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	wg := pushMedia(t, a, func() [3]byte { return [3]byte{0, 255, 0} }, stop) // 320x240 frames
	defer func() { close(stop); wg.Wait() }()
	if err := a.StartPublishing("s-c", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 64, 48)
	if err := b.StartPlaying("s-c", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "160x120", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.Width == 160 && ev.Height == 120
	})
	if got := sizeEvents(rb); got[0] != [2]int{160, 120} {
		t.Fatalf("first size %v, want the encode size 160x120", got[0])
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, c := centre(t, view, pix, 64, 48); near(c, [3]byte{0, 255, 0}, 40) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scaled frames do not show green")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
