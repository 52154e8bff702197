package engine

import (
	"image"
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// An encoder whose frames are too big for the target keeps its output
// within it by dropping frames, never more than maxSkipped in a row.
func TestFrameBudgetHoldsTheRate(t *testing.T) {
	var b frameBudget
	const target = 300_000
	const frameBytes = 2500 // 600 kbit/s at 30 fps: twice the target
	start := time.Unix(0, 0)
	bits, run, worst := 0, 0, 0
	for i := range 300 { // 10 s at 30 fps
		now := start.Add(time.Duration(i) * time.Second / 30)
		if !b.allow(now, target) {
			run++
			worst = max(worst, run)
			continue
		}
		run = 0
		b.spend(now, frameBytes, false, target/30)
		bits += frameBytes * 8
	}
	if rate := float64(bits) / 10; rate > target*1.1 || rate < target*0.8 {
		t.Errorf("sent %.0f bit/s, want about %d", rate, target)
	}
	if worst > maxSkipped {
		t.Errorf("%d frames dropped in a row, want at most %d", worst, maxSkipped)
	}
}

// With room to spare, no frame is dropped.
func TestFrameBudgetDropsNothingUnderTheTarget(t *testing.T) {
	var b frameBudget
	start := time.Unix(0, 0)
	for i := range 300 {
		now := start.Add(time.Duration(i) * time.Second / 30)
		if !b.allow(now, 800_000) {
			t.Fatalf("frame %d dropped at a third of the target", i)
		}
		b.spend(now, 1000, false, 800_000/30)
		if b.pressed(now) {
			t.Fatalf("pressed at frame %d, at a third of the target", i)
		}
	}
}

// A keyframe, and the frame after it, ten times an ordinary frame each
// (the size a capped keyframe and the frame that restores the quality
// reach), are paid for by dropping frames, but that is not pressure to step
// the size down; frames that do not fit the target are, also right after a
// keyframe.
func TestFrameBudgetKeyframeIsNoPressure(t *testing.T) {
	const target, fps = 240_000, 30
	const avg = target / fps / 8 // bytes
	for _, tc := range []struct {
		name     string
		ordinary int // bytes of the frames after the keyframe's two
		pressed  bool
	}{{"fitting frames", avg, false}, {"frames twice too big", 2 * avg, true}} {
		var b frameBudget
		start := time.Unix(0, 0)
		dropped, pressed := 0, false
		for i := range 60 {
			now := start.Add(time.Duration(i) * time.Second / fps)
			if !b.allow(now, target) {
				dropped++
				pressed = pressed || b.pressed(now)
				continue
			}
			size := tc.ordinary
			if i == 10 || i == 11 {
				size = 10 * avg
			}
			b.spend(now, size, i == 10 || i == 11, target/fps)
		}
		if dropped == 0 {
			t.Errorf("%s: no frame dropped to pay for the keyframe", tc.name)
		}
		if pressed != tc.pressed {
			t.Errorf("%s: pressed %v, want %v", tc.name, pressed, tc.pressed)
		}
	}
}

// A frame far past the target — the estimate has just fallen under what
// the codec makes at this size — is pressure at once, before the debt it
// runs drops frames.
func TestFrameBudgetOversizeFrameIsPressure(t *testing.T) {
	var b frameBudget
	now := time.Unix(0, 0)
	const target = 100_000
	if !b.allow(now, target) {
		t.Fatal("the first frame dropped")
	}
	b.spend(now, 5*target/30/8, false, target/30)
	if !b.pressed(now) {
		t.Error("a frame five times the target's is no pressure")
	}
}

// The ladder halves and quarters the size as the target falls while frames
// are being dropped, and comes back up only past the higher thresholds.
func TestSizeLadderStepsWithHysteresis(t *testing.T) {
	var l sizeLadder
	src := image.NewYCbCr(image.Rect(0, 0, 640, 360), image.YCbCrSubsampleRatio420)
	const configured = 1000
	for _, step := range []struct {
		target int64
		w, h   int
	}{
		{1000, 640, 360},
		{290, 320, 180}, // under 30 %
		{400, 320, 180}, // between: stays
		{110, 160, 90},  // under 12 %
		{170, 160, 90},  // under 18 %: stays
		{200, 320, 180}, // over 18 %
		{460, 640, 360}, // over 45 %
	} {
		got := l.frame(src, step.target, configured, true).Bounds()
		if got.Dx() != step.w || got.Dy() != step.h {
			t.Errorf("target %d‰: %v, want %dx%d", step.target, got.Size(), step.w, step.h)
		}
	}
}

type recordWriter struct {
	mu sync.Mutex
	at []time.Time
}

func (w *recordWriter) Write(*rtp.Header, []byte, interceptor.Attributes) (int, error) {
	w.mu.Lock()
	w.at = append(w.at, time.Now())
	w.mu.Unlock()
	return 0, nil
}

func (w *recordWriter) times() []time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Time(nil), w.at...)
}

// Below its ceiling the pacer spreads a burst of video over time at
// pacingFactor × the estimate; audio is never held back.
func TestPacerSpreadsVideo(t *testing.T) {
	p := newPacer(1_000_000)
	defer p.Close()
	video, audio := &recordWriter{}, &recordWriter{}
	p.AddStream(1, video)
	p.AddStream(2, audio)
	p.SetTargetBitrate(200_000) // paced at 250 kbit/s: 1000 bytes every 32 ms
	start := time.Now()
	payload := make([]byte, 1000-12)
	for i := range 10 {
		if _, err := p.Write(&rtp.Header{SSRC: 1, PayloadType: ptVP8, SequenceNumber: uint16(i)}, payload, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Write(&rtp.Header{SSRC: 2, PayloadType: ptOpus}, payload[:100], nil); err != nil {
		t.Fatal(err)
	}
	if a := audio.times(); len(a) != 1 || a[0].Sub(start) > 20*time.Millisecond {
		t.Fatalf("audio went out %v after it was written, want at once", a)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(video.times()) < 10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	v := video.times()
	if len(v) != 10 {
		t.Fatalf("%d of 10 video packets went out", len(v))
	}
	// 10 000 bytes minus the 2-packet burst at 31 250 bytes/s: about 250 ms.
	if d := v[9].Sub(start); d < 180*time.Millisecond {
		t.Errorf("the burst went out in %v, want it spread over about 250 ms", d)
	}
}

// At its ceiling (no sign of a narrow link) the pacer adds no delay.
func TestPacerUnpacedAtCeiling(t *testing.T) {
	p := newPacer(1_000_000)
	defer p.Close()
	video := &recordWriter{}
	p.AddStream(1, video)
	for i := range 10 {
		if _, err := p.Write(&rtp.Header{SSRC: 1, PayloadType: ptVP8, SequenceNumber: uint16(i)}, make([]byte, 1200), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(video.times()); n != 10 {
		t.Errorf("%d of 10 packets went out at once, want all", n)
	}
	p.Close()
	if _, err := p.Write(&rtp.Header{SSRC: 1, PayloadType: ptVP8}, nil, nil); err == nil {
		t.Error("a closed pacer took a packet")
	}
}

// Content that fits a low target at full size keeps its size: the ladder
// steps down only while frames are being dropped.
func TestSizeLadderKeepsSizeWithoutPressure(t *testing.T) {
	var l sizeLadder
	src := image.NewYCbCr(image.Rect(0, 0, 640, 360), image.YCbCrSubsampleRatio420)
	if got := l.frame(src, 100, 1000, false).Bounds(); got.Dx() != 640 {
		t.Errorf("%v at 10 %% of the configured bitrate without dropped frames, want 640x360", got.Size())
	}
}
