package engine_test

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/source"
)

// TestCaptureTimeAndDelayThroughSenderReports checks the clocks carried in
// RTCP: the capture time a view reports, mapped through the sender reports
// the server forwards, matches the capture time drawn into the test
// pattern itself; the play quality's delay is that of the frames; and the
// player's RTT is measured over RTCP.
func TestCaptureTimeAndDelayThroughSenderReports(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-d", "alice")
	login(t, b, rb, "room-d", "bob")
	if err := a.SetVideoConfig(engine.VideoConfig{EncodeWidth: 640, EncodeHeight: 360, FPS: 30}, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.StartPublishing("s-d", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 640, 360)
	if err := b.StartPlaying("s-d", view); err != nil {
		t.Fatal(err)
	}
	i := rb.waitFor(t, "play quality", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerQualityUpdate && ev.PlayQuality.DelayMs != 0
	})
	q := rb.at(i).PlayQuality
	if q.DelayMs < 0 || q.DelayMs > 500 {
		t.Fatalf("delay %d ms on loopback", q.DelayMs)
	}
	if q.RTTMs < 0 || q.RTTMs > 200 || b.PlayerRTCPRTT("s-d") < 0 {
		t.Fatalf("rtt %d ms (over RTCP: %d)", q.RTTMs, b.PlayerRTCPRTT("s-d"))
	}
	var worst time.Duration
	for n := 0; n < 10; {
		info, err := view.Acquire()
		if err != nil {
			t.Fatal(err)
		}
		_, drawn, ok := source.DecodePatternRGBA(pix, 640, 360, 640*4)
		view.Release()
		if !ok || info.CaptureTimeMs == 0 {
			time.Sleep(30 * time.Millisecond)
			continue
		}
		worst = max(worst, time.Duration(info.CaptureTimeMs-drawn).Abs()*time.Millisecond)
		n++
		time.Sleep(50 * time.Millisecond)
	}
	if worst > 25*time.Millisecond {
		t.Fatalf("capture times mapped through RTCP are up to %v off the time drawn into the picture", worst)
	}
	t.Logf("delay %d ms, rtt %d ms, capture time error up to %v", q.DelayMs, q.RTTMs, worst)
}
