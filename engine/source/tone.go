package source

import "math"

// ToneLevelDBFS is the test tone's level: loud enough to measure through
// Opus and the mixer, with headroom so two tones mixed do not clip.
const ToneLevelDBFS = -10

// TestTone generates the built-in TEST_TONE source: a sine at a fixed
// frequency, the same on every channel, continuous across Read calls.
//
// A TestTone is not safe for concurrent use.
type TestTone struct {
	channels int
	amp      float64
	step     float64 // phase increment per sample, radians
	phase    float64
}

// NewTestTone returns a tone of freqHz at sampleRate with channels
// interleaved channels (values below 1 mean 1).
func NewTestTone(freqHz float64, sampleRate, channels int) *TestTone {
	return &TestTone{
		channels: max(channels, 1),
		amp:      32767 * math.Pow(10, ToneLevelDBFS/20.0),
		step:     2 * math.Pi * freqHz / float64(max(sampleRate, 1)),
	}
}

// Read fills pcm (interleaved) with the next len(pcm)/channels samples; a
// trailing partial frame is left untouched.
func (t *TestTone) Read(pcm []int16) {
	for i := 0; i+t.channels <= len(pcm); i += t.channels {
		v := int16(math.Round(t.amp * math.Sin(t.phase)))
		for c := range t.channels {
			pcm[i+c] = v
		}
		t.phase += t.step
		if t.phase >= 2*math.Pi {
			t.phase -= 2 * math.Pi
		}
	}
}
