package source_test

import (
	"slices"
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/source"
)

func TestToneIsAContinuousSineAtMinus10dBFS(t *testing.T) {
	for _, c := range []struct{ rate, ch int }{{48000, 2}, {44100, 1}, {16000, 2}} {
		whole := make([]int16, c.rate/2*c.ch)
		source.NewTestTone(1000, c.rate, c.ch).Read(whole)

		chunked := make([]int16, 0, len(whole)) // odd chunk sizes: no seams
		tone := source.NewTestTone(1000, c.rate, c.ch)
		for len(chunked) < len(whole) {
			buf := make([]int16, min(137*c.ch, len(whole)-len(chunked)))
			tone.Read(buf)
			chunked = append(chunked, buf...)
		}
		if !slices.Equal(whole, chunked) {
			t.Errorf("%d Hz: reading in chunks changes the signal", c.rate)
		}
		if r := audio.ToneRatio(whole, c.ch, c.rate, 1000); r < 0.999 {
			t.Errorf("%d Hz: tone ratio %.4f", c.rate, r)
		}
		if p := audio.Goertzel(whole, c.ch, c.rate, 1000); p < 0.098 || p > 0.102 {
			t.Errorf("%d Hz: power %.4f, want 0.1 (-10 dBFS)", c.rate, p)
		}
		if c.ch == 2 && !sameChannels(whole) {
			t.Errorf("%d Hz: channels differ", c.rate)
		}
	}
}

func sameChannels(pcm []int16) bool {
	for i := 0; i+1 < len(pcm); i += 2 {
		if pcm[i] != pcm[i+1] {
			return false
		}
	}
	return true
}
