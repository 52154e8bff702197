package audio

import "math"

// Recommended thresholds for deciding that a tone was heard in a window of
// at least 20 ms (tests in Go and C use these):
//
//   - heard: ToneRatio >= ToneHeardRatio and Goertzel >= ToneHeardPower.
//     A clean sine reads ToneRatio ≈ 1; one that went through Opus, the
//     mixer and a resampler reads above 0.9. Parley's TestTone (-10 dBFS)
//     reads Goertzel ≈ 0.1.
//   - silence: Power < SilencePower.
const (
	ToneHeardRatio = 0.5
	ToneHeardPower = 0.003 // -25 dBFS
	SilencePower   = 1e-5  // -50 dBFS
)

// Goertzel returns the power of pcm at freq, normalized so that a full-scale
// sine at freq reads ≈ 1 and silence 0 (a sine of amplitude a reads a²).
// Channels are averaged first. A Hann window keeps neighbouring tones and
// window edges from leaking in, so freq need not fall on a DFT bin.
func Goertzel(pcm []int16, channels, sampleRate int, freq float64) float64 {
	n := frames(pcm, channels)
	if n < 2 || sampleRate <= 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(sampleRate)
	coeff := 2 * math.Cos(w)
	var s1, s2, wsum float64
	for i := range n {
		win := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
		s0 := win*sampleAt(pcm, channels, i) + coeff*s1 - s2
		s2, s1 = s1, s0
		wsum += win
	}
	mag2 := s1*s1 + s2*s2 - coeff*s1*s2
	amp := 2 * math.Sqrt(max(mag2, 0)) / wsum
	return amp * amp
}

// Power returns the mean power of pcm on the same scale as Goertzel (a
// full-scale sine ≈ 1): twice the mean square of the channel average.
func Power(pcm []int16, channels int) float64 {
	n := frames(pcm, channels)
	if n == 0 {
		return 0
	}
	var sum float64
	for i := range n {
		x := sampleAt(pcm, channels, i)
		sum += x * x
	}
	return 2 * sum / float64(n)
}

// ToneRatio returns how much of pcm's power is at freq, from 0 (none, or
// silence) to 1 (a pure tone). Unlike Goertzel alone it does not depend on
// loudness, and clicks, noise or a wrong frequency pull it down.
func ToneRatio(pcm []int16, channels, sampleRate int, freq float64) float64 {
	p := Power(pcm, channels)
	if p < 1e-12 {
		return 0
	}
	return min(Goertzel(pcm, channels, sampleRate, freq)/p, 1)
}

func frames(pcm []int16, channels int) int {
	if channels < 1 {
		return 0
	}
	return len(pcm) / channels
}

// sampleAt is frame i averaged over channels, scaled to [-1, 1).
func sampleAt(pcm []int16, channels, i int) float64 {
	var s int
	for c := range channels {
		s += int(pcm[i*channels+c])
	}
	return float64(s) / float64(channels) / 32768
}
