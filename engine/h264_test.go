package engine_test

import (
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/render"
)

// publishCustom makes e publish custom frames of colour() and a tone as
// stream with the given codec; it returns once PUBLISHING was reported.
func publishCustom(t *testing.T, e *engine.Engine, r *recorder, stream string, codec engine.VideoCodec, colour func() [3]byte) {
	t.Helper()
	if err := e.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := e.SetAudioSource(engine.AudioSourceCustom); err != nil {
		t.Fatal(err)
	}
	if err := e.SetVideoConfig(engine.VideoConfig{Codec: codec}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	wg := pushMedia(t, e, colour, stop)
	t.Cleanup(func() { close(stop); wg.Wait() })
	if err := e.StartPublishing(stream, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "PUBLISHING "+stream, pubState(stream, engine.PublisherPublishing))
}

// waitViewColour waits until the view's centre shows want.
func waitViewColour(t *testing.T, v *render.View, pix []byte, w, h int, want [3]byte) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		seq, got := centre(t, v, pix, w, h)
		if seq > 0 && near(got, want, 40) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("centre pixel %v, want ≈ %v (seq %d)", got, want, seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitCodec waits until read() names want.
func waitCodec(t *testing.T, what, want string, read func() string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for got := read(); got != want; got = read() {
		if time.Now().After(deadline) {
			t.Fatalf("%s codec %q, want %q", what, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A whole call with H.264: A's custom frames arrive in B's view in the right
// colours, also after a colour change, and the tone is heard.
func TestCallH264(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-h", "alice")
	login(t, b, rb, "room-h", "bob")

	var mu sync.Mutex
	colour := [3]byte{255, 0, 0}
	publishCustom(t, a, ra, "stream-h", engine.CodecH264, func() [3]byte { mu.Lock(); defer mu.Unlock(); return colour })
	waitCodec(t, "published", webrtc.MimeTypeH264, func() string { return a.PublishedVideoCodec(engine.ChannelMain) })

	const w, h = 160, 120
	view, pix := newView(t, w, h)
	if err := b.StartPlaying("stream-h", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAYING", playState("stream-h", engine.PlayerPlaying))
	rb.waitFor(t, "first frame rendered", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerRenderVideoFirstFrame && ev.StreamID == "stream-h"
	})
	waitCodec(t, "played", webrtc.MimeTypeH264, func() string { return b.PlayedVideoCodec("stream-h") })
	waitViewColour(t, view, pix, w, h, [3]byte{255, 0, 0})
	mu.Lock()
	colour = [3]byte{0, 0, 255}
	mu.Unlock()
	waitViewColour(t, view, pix, w, h, [3]byte{0, 0, 255})

	pcm := make([]int16, 480)
	var heard []int16
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if err := b.FetchAudioPCM(pcm, 480, 48000, 1); err != nil {
			t.Fatal(err)
		}
		heard = append(heard, pcm...)
	}
	if r := audio.ToneRatio(heard[len(heard)/2:], 1, 48000, 1000); r < 0.5 {
		t.Fatalf("1 kHz tone ratio %.3f, want ≥ 0.5", r)
	}
}

// One engine plays an H.264 stream and a VP8 stream of the same room at
// once, each in its own view with its own colour.
func TestMixedCodecsInOneRoom(t *testing.T) {
	url := startServer(t)
	ra, rb, rc := newRecorder(), newRecorder(), newRecorder()
	a, b, c := newEngine(t, url, ra), newEngine(t, url, rb), newEngine(t, url, rc)
	login(t, a, ra, "room-m", "alice")
	login(t, c, rc, "room-m", "carol")
	login(t, b, rb, "room-m", "bob")
	publishCustom(t, a, ra, "stream-h264", engine.CodecH264, func() [3]byte { return [3]byte{255, 0, 0} })
	publishCustom(t, c, rc, "stream-vp8", engine.CodecVP8, func() [3]byte { return [3]byte{0, 255, 0} })
	waitCodec(t, "alice's", webrtc.MimeTypeH264, func() string { return a.PublishedVideoCodec(engine.ChannelMain) })
	waitCodec(t, "carol's", webrtc.MimeTypeVP8, func() string { return c.PublishedVideoCodec(engine.ChannelMain) })

	const w, h = 96, 64
	vh, ph := newView(t, w, h)
	vv, pv := newView(t, w, h)
	if err := b.StartPlaying("stream-h264", vh); err != nil {
		t.Fatal(err)
	}
	if err := b.StartPlaying("stream-vp8", vv); err != nil {
		t.Fatal(err)
	}
	waitCodec(t, "played H.264", webrtc.MimeTypeH264, func() string { return b.PlayedVideoCodec("stream-h264") })
	waitCodec(t, "played VP8", webrtc.MimeTypeVP8, func() string { return b.PlayedVideoCodec("stream-vp8") })
	waitViewColour(t, vh, ph, w, h, [3]byte{255, 0, 0})
	waitViewColour(t, vv, pv, w, h, [3]byte{0, 255, 0})
}

// A change of the custom frames' size mid-call rebuilds the H.264 encoder:
// the player reports the new size and keeps showing the right colour.
func TestH264SizeChange(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-s", "alice")
	login(t, b, rb, "room-s", "bob")
	if err := a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.SetVideoConfig(engine.VideoConfig{Codec: engine.CodecH264}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	fw, fh := 320, 240
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(33 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			mu.Lock()
			w, h := fw, fh
			mu.Unlock()
			frame := make([]byte, w*h*4)
			for i := 0; i < len(frame); i += 4 {
				frame[i], frame[i+1], frame[i+2], frame[i+3] = 0, 0, 255, 255
			}
			a.SendCustomVideoFrame(frame, w, h, w*4, 0, engine.ChannelMain)
		}
	}()
	defer func() { close(stop); <-done }()
	if err := a.StartPublishing("stream-s", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING", pubState("stream-s", engine.PublisherPublishing))
	const w, h = 80, 60
	view, pix := newView(t, w, h)
	if err := b.StartPlaying("stream-s", view); err != nil {
		t.Fatal(err)
	}
	size := func(sw, sh int) func(engine.Event) bool {
		return func(ev engine.Event) bool {
			return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.StreamID == "stream-s" && ev.Width == sw && ev.Height == sh
		}
	}
	rb.waitFor(t, "320x240", size(320, 240))
	waitViewColour(t, view, pix, w, h, [3]byte{0, 0, 255})
	mu.Lock()
	fw, fh = 176, 144
	mu.Unlock()
	rb.waitFor(t, "176x144", size(176, 144))
	waitViewColour(t, view, pix, w, h, [3]byte{0, 0, 255})
	waitCodec(t, "played", webrtc.MimeTypeH264, func() string { return b.PlayedVideoCodec("stream-s") })
}
