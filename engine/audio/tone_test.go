package audio_test

import (
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
)

func TestGoertzelScale(t *testing.T) {
	full := sine(1000, 48000, 2, 32767, 4800)
	within(t, "full-scale sine", audio.Goertzel(full, 2, 48000, 1000), 1, 0.01)
	within(t, "-10 dBFS sine", audio.Goertzel(sine(1000, 48000, 1, toneAmp, 480), 1, 48000, 1000), 0.1, 0.002)
	within(t, "off-bin 1234.5 Hz", audio.Goertzel(sine(1234.5, 44100, 1, 32767, 441), 1, 44100, 1234.5), 1, 0.01)
	within(t, "silence", audio.Goertzel(make([]int16, 960), 1, 48000, 1000), 0, 1e-12)
	within(t, "wrong frequency", audio.Goertzel(full, 2, 48000, 1500), 0, 1e-3)
	within(t, "power of full-scale sine", audio.Power(full, 2), 1, 0.01)
}

func TestToneRatioSeparatesToneFromNoise(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	noise := make([]int16, 4800)
	for i := range noise {
		noise[i] = int16(rng.IntN(20000) - 10000)
	}
	tone := sine(1000, 48000, 1, toneAmp, 4800)
	if r := audio.ToneRatio(tone, 1, 48000, 1000); r < 0.99 {
		t.Errorf("pure tone ratio %.3f", r)
	}
	if r := audio.ToneRatio(noise, 1, 48000, 1000); r > 0.05 {
		t.Errorf("noise ratio %.3f: noise must not count as the tone", r)
	}
	if r := audio.ToneRatio(sine(440, 48000, 1, toneAmp, 4800), 1, 48000, 1000); r > 0.01 {
		t.Errorf("440 Hz tone reads %.3f at 1 kHz", r)
	}
	if r := audio.ToneRatio(make([]int16, 100), 1, 48000, 1000); r != 0 {
		t.Errorf("silence ratio %.3f", r)
	}
	var glitchy []int16 // every 7.3 ms chunk restarts the phase, as a buggy resampler would
	for len(glitchy) < 4800 {
		glitchy = append(glitchy, sine(1000, 48000, 1, toneAmp, 350)...)
	}
	if r := audio.ToneRatio(glitchy, 1, 48000, 1000); r > 0.9 {
		t.Errorf("phase glitches barely lower the ratio (%.3f)", r)
	}
}
