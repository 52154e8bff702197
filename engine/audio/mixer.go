package audio

import (
	"slices"
	"sync"
)

// MixerOptions bounds each source's jitter buffer; zero values take the
// defaults. Larger values ride out worse networks at the cost of latency.
type MixerOptions struct {
	// TargetMs is buffered before a source starts (or restarts after an
	// underrun) and what an overflow trims back to. Default 40.
	TargetMs int
	// MaxMs is the most a source may hold; must exceed TargetMs by at least
	// one packet (20 ms). Default 100.
	MaxMs int
}

// Default jitter-buffer bounds: two 20 ms Opus packets of cushion, and
// room for a 60 ms burst on top before anything is dropped.
const (
	DefaultTargetMs = 40
	DefaultMaxMs    = 100
)

// Mixer sums any number of 48 kHz stereo sources (saturating) and hands the
// result to the host in the format it asks for, at the pace it asks. Fetch
// never blocks on a source: a source with nothing buffered is silent.
//
// All methods are safe for concurrent use. Fetch calls are serialized; the
// host normally calls it from one audio thread.
type Mixer struct {
	target, max int // frames

	mu         sync.Mutex
	sources    []*Source
	acc        []int32 // 48 kHz stereo sum
	resamplers []*resampler
}

// NewMixer returns an empty mixer.
func NewMixer(opts MixerOptions) *Mixer {
	if opts.TargetMs <= 0 {
		opts.TargetMs = DefaultTargetMs
	}
	if opts.MaxMs < opts.TargetMs+20 {
		opts.MaxMs = max(DefaultMaxMs, opts.TargetMs+20)
	}
	return &Mixer{target: opts.TargetMs * MixRate / 1000, max: opts.MaxMs * MixRate / 1000}
}

// AddSource registers a stream's audio and returns its Source. Adding an id
// that is already present replaces (and closes) the earlier source, so a
// stream that is played again starts clean.
func (m *Mixer) AddSource(id string) *Source {
	s := newSource(id, m, m.target, m.max)
	m.mu.Lock()
	var old *Source
	for i, o := range m.sources {
		if o.id == id {
			old, m.sources[i] = o, s
			break
		}
	}
	if old == nil {
		m.sources = append(m.sources, s)
	}
	m.mu.Unlock()
	if old != nil {
		old.mu.Lock()
		old.closed, old.level = true, 0
		old.mu.Unlock()
	}
	return s
}

func (m *Mixer) remove(s *Source) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if i := slices.Index(m.sources, s); i >= 0 {
		m.sources = slices.Delete(m.sources, i, i+1)
	}
}

// Fetch fills dst with the next samplesPerChannel frames of the mix, at
// sampleRate (one of SupportedRates) with channels 1 or 2, interleaved.
// Stereo is averaged for mono output. Consecutive fetches of one format
// form one continuous signal; the resampler state is kept per format.
// Fetch allocates nothing once it has seen the format and chunk size.
func (m *Mixer) Fetch(dst []int16, samplesPerChannel, sampleRate, channels int) error {
	if !slices.Contains(SupportedRates[:], sampleRate) || channels < 1 || channels > 2 || samplesPerChannel < 0 {
		return ErrUnsupportedFormat
	}
	if len(dst) < samplesPerChannel*channels {
		return ErrBufferTooSmall
	}
	if samplesPerChannel == 0 {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	out := dst[:samplesPerChannel*channels]
	if sampleRate == MixRate {
		acc := m.mix(samplesPerChannel)
		if channels == 2 {
			for i, v := range acc {
				out[i] = sat16(v)
			}
		} else {
			for i := range out {
				out[i] = int16((int32(sat16(acc[2*i])) + int32(sat16(acc[2*i+1]))) / 2)
			}
		}
		return nil
	}
	r := m.resamplerFor(sampleRate, channels)
	k := r.need(samplesPerChannel)
	in := r.input(k)
	acc := m.mix(k)
	if channels == 2 {
		for i, v := range acc {
			in[i] = float32(sat16(v))
		}
	} else {
		for i := range in {
			in[i] = float32(sat16(acc[2*i])+sat16(acc[2*i+1])) / 2
		}
	}
	r.produce(out, samplesPerChannel)
	return nil
}

// mix sums the next frames (48 kHz stereo) of every source.
func (m *Mixer) mix(frames int) []int32 {
	if cap(m.acc) < 2*frames {
		m.acc = make([]int32, 2*frames)
	}
	acc := m.acc[:2*frames]
	clear(acc)
	for _, s := range m.sources {
		s.addTo(acc, frames)
	}
	return acc
}

func (m *Mixer) resamplerFor(rate, channels int) *resampler {
	for _, r := range m.resamplers {
		if r.rate == rate && r.channels == channels {
			return r
		}
	}
	r := newResampler(rate, channels)
	m.resamplers = append(m.resamplers, r)
	return r
}

// sat16 saturates a sum to the int16 range: loud streams clip instead of
// wrapping around into noise.
func sat16(v int32) int16 {
	return int16(min(max(v, -32768), 32767))
}
