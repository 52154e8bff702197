package audio

import "math"

// resampler converts the 48 kHz mix to one output rate with a polyphase
// windowed-sinc filter. The rate ratio is exact (L/M in lowest terms), so
// there is no drift, and the history kept between calls makes consecutive
// fetches one continuous signal: no clicks at chunk boundaries.
type resampler struct {
	rate, channels int
	l, m           int         // output sample k sits at input time k*m/l
	taps           int         // filter length, in input frames
	coef           [][]float32 // [phase][tap]
	in             []float32   // interleaved input history and new frames
	have           int         // frames held in in
	base, phase    int         // first tap of the next output, its phase
}

const (
	// Filter length for a ratio near 1, in input frames; longer for
	// stronger decimation so the transition band keeps its relative width.
	baseTaps = 64
	// passFraction of the output Nyquist frequency is the cutoff; about
	// 20 kHz at 44.1 kHz, 3.7 kHz at 8 kHz.
	passFraction = 0.92
	kaiserBeta   = 8.0 // ≈ 80 dB stopband
)

func newResampler(rate, channels int) *resampler {
	g := gcd(MixRate, rate)
	r := &resampler{rate: rate, channels: channels, l: rate / g, m: MixRate / g}
	ratio := float64(r.l) / float64(r.m)
	r.taps = int(math.Ceil(baseTaps/ratio/2)) * 2
	half := r.taps / 2
	fc := 0.5 * ratio * passFraction // cycles per input sample
	r.coef = make([][]float32, r.l)
	for p := range r.coef {
		c := make([]float32, r.taps)
		var sum float64
		h := make([]float64, r.taps)
		for j := range h {
			d := float64(j-half+1) - float64(p)/float64(r.l) // tap time minus output time
			h[j] = sinc(2*fc*d) * kaiser(d/float64(half), kaiserBeta)
			sum += h[j]
		}
		for j := range c {
			c[j] = float32(h[j] / sum) // unity gain at DC for every phase
		}
		r.coef[p] = c
	}
	// Prime with silence so the first output is centred on the first input.
	r.have = half - 1
	r.in = make([]float32, r.have*channels)
	return r
}

// need returns how many new input frames producing n output frames takes.
func (r *resampler) need(n int) int {
	last := r.base + (r.phase+(n-1)*r.m)/r.l
	return max(last+r.taps-r.have, 0)
}

// input returns room for k new interleaved frames at the end of the history.
func (r *resampler) input(k int) []float32 {
	end := (r.have + k) * r.channels
	if end > cap(r.in) {
		grown := make([]float32, end, end*2)
		copy(grown, r.in[:r.have*r.channels])
		r.in = grown
	}
	r.in = r.in[:end]
	start := r.have * r.channels
	r.have += k
	return r.in[start:end]
}

// produce writes n output frames; need(n) frames must have been supplied.
func (r *resampler) produce(out []int16, n int) {
	ch := r.channels
	for k := range n {
		c := r.coef[r.phase]
		if ch == 2 {
			x := r.in[r.base*2 : (r.base+len(c))*2]
			var al, ar float32
			for j, cv := range c {
				al += cv * x[2*j]
				ar += cv * x[2*j+1]
			}
			out[2*k], out[2*k+1] = clamp16(al), clamp16(ar)
		} else {
			x := r.in[r.base : r.base+len(c)]
			var a float32
			for j, cv := range c {
				a += cv * x[j]
			}
			out[k] = clamp16(a)
		}
		r.phase += r.m
		r.base += r.phase / r.l
		r.phase %= r.l
	}
	// Keep only the history the next output needs.
	keep := r.have - r.base
	copy(r.in, r.in[r.base*ch:r.have*ch])
	r.in = r.in[:keep*ch]
	r.have, r.base = keep, 0
}

func clamp16(x float32) int16 {
	switch {
	case x >= 32767:
		return 32767
	case x <= -32768:
		return -32768
	case x >= 0:
		return int16(x + 0.5)
	default:
		return int16(x - 0.5)
	}
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// kaiser is the Kaiser window at x in [-1, 1].
func kaiser(x, beta float64) float64 {
	if x < -1 || x > 1 {
		return 0
	}
	return bessel0(beta*math.Sqrt(1-x*x)) / bessel0(beta)
}

// bessel0 is the modified Bessel function of the first kind, order 0.
func bessel0(x float64) float64 {
	sum, term := 1.0, 1.0
	for k := 1; k < 50; k++ {
		term *= (x / (2 * float64(k))) * (x / (2 * float64(k)))
		sum += term
		if term < 1e-12*sum {
			break
		}
	}
	return sum
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
