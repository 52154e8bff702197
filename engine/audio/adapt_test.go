package audio_test

import (
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
)

// jitterRun plays seconds of audio fetched 10 ms at a time while 20 ms
// packets arrive in bursts of burst packets every burst×20 ms (the
// network's jitter), and returns the underruns of each second.
func jitterRun(src *audio.Source, m *audio.Mixer, seconds, burst int) []uint64 {
	out := make([]int16, 480*2)
	pkt := sine(1000, 48000, 2, toneAmp, 960)
	var perSecond []uint64
	last := uint64(0)
	for tick := range seconds * 100 { // 10 ms ticks
		if tick%(2*burst) == 0 {
			for range burst {
				src.Push(pkt)
			}
		}
		m.Fetch(out, 480, 48000, 2)
		if tick%100 == 99 {
			u := src.Stats().Underruns
			perSecond = append(perSecond, u-last)
			last = u
		}
	}
	return perSecond
}

// Under jitter the target grows until the breaks stop; it stays within
// MaxAdaptMs.
func TestJitterBufferGrowsUnderJitter(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	src := m.AddSource("s")
	under := jitterRun(src, m, 6, 8) // 160 ms bursts: 160 ms of jitter
	t.Logf("underruns per second: %v, target now %d ms", under, src.Stats().TargetMs)
	if under[0] == 0 {
		t.Fatal("no underrun at the default target: the test's jitter is too mild")
	}
	for i, n := range under[3:] {
		if n != 0 {
			t.Errorf("second %d: %d underruns; the target should have grown past the jitter", i+4, n)
		}
	}
	if ms := src.Stats().TargetMs; ms <= audio.DefaultTargetMs || ms > audio.MaxAdaptMs {
		t.Errorf("target %d ms, want above %d and at most %d", ms, audio.DefaultTargetMs, audio.MaxAdaptMs)
	}
}

// On a clean link the target stays small, and after jitter it comes back
// down once the link has been calm for a while.
func TestJitterBufferShrinksWhenCalm(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	src := m.AddSource("s")
	jitterRun(src, m, 1, 1) // steady 20 ms packets
	if ms := src.Stats().TargetMs; ms != audio.DefaultTargetMs {
		t.Fatalf("target %d ms on a clean link, want %d", ms, audio.DefaultTargetMs)
	}
	jitterRun(src, m, 3, 8)
	grown := src.Stats().TargetMs
	under := jitterRun(src, m, 60, 1)
	t.Logf("target %d ms after jitter, %d ms after 60 s calm", grown, src.Stats().TargetMs)
	if ms := src.Stats().TargetMs; ms >= grown || ms > audio.DefaultTargetMs+20 {
		t.Errorf("target %d ms after a calm minute (was %d), want it back near %d", ms, grown, audio.DefaultTargetMs)
	}
	for _, n := range under[1:] { // the first second follows the last burst
		if n != 0 {
			t.Fatalf("underruns on the calm link while shrinking: %v", under)
		}
	}
}
