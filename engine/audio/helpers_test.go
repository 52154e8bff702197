package audio_test

import (
	"math"
	"testing"
)

// toneAmp is -10 dBFS, the level of Parley's test tone.
var toneAmp = 32767 * math.Pow(10, -10.0/20)

// sineGen writes a continuous sine into successive buffers.
type sineGen struct {
	freq, rate, amp, phase float64
	channels               int
}

func (g *sineGen) read(pcm []int16) []int16 {
	for i := 0; i < len(pcm)/g.channels; i++ {
		v := int16(math.Round(g.amp * math.Sin(g.phase)))
		for c := range g.channels {
			pcm[i*g.channels+c] = v
		}
		g.phase = math.Mod(g.phase+2*math.Pi*g.freq/g.rate, 2*math.Pi)
	}
	return pcm
}

func sine(freq float64, rate, channels int, amp float64, frames int) []int16 {
	g := &sineGen{freq: freq, rate: float64(rate), amp: amp, channels: channels}
	return g.read(make([]int16, frames*channels))
}

// maxStep is the largest jump between consecutive frames on channel 0: a
// click at a chunk boundary shows up here.
func maxStep(pcm []int16, channels int) int {
	m := 0
	for i := channels; i < len(pcm); i += channels {
		m = max(m, abs(int(pcm[i])-int(pcm[i-channels])))
	}
	return m
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.4f, want %.4f ± %.4f", what, got, want, tol)
	}
}
