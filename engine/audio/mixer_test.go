package audio_test

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
)

// call simulates a stream playing for ms milliseconds: a 20 ms packet pushed
// every 20 ms and the host fetching chunks of uneven sizes (as audio
// callbacks do), interleaved as on a real clock. It returns all it fetched.
func call(t *testing.T, m *audio.Mixer, src *audio.Source, g *sineGen, ms, rate, ch int) []int16 {
	t.Helper()
	pkt := make([]int16, 960*2)
	chunks := []int{512, rate / 100, 97, rate * 7 / 1000} // largest first, as a host would settle on it
	var out []int16
	buf := make([]int16, 512*ch)
	pushedMs, fetched := 0, 0
	for i := 0; fetched*1000 < ms*rate; i++ {
		for pushedMs*rate <= fetched*1000+20*rate { // the network is a little ahead
			src.Push(g.read(pkt))
			pushedMs += 20
		}
		n := chunks[i%len(chunks)]
		if err := m.Fetch(buf, n, rate, ch); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf[:n*ch]...)
		fetched += n
	}
	return out
}

func TestMixerToneSurvivesEveryFormat(t *testing.T) {
	for _, rate := range audio.SupportedRates {
		for _, ch := range []int{1, 2} {
			t.Run(fmt.Sprintf("%d_%dch", rate, ch), func(t *testing.T) {
				m := audio.NewMixer(audio.MixerOptions{})
				g := &sineGen{freq: 1000, rate: 48000, amp: toneAmp, channels: 2}
				src := m.AddSource("s1")
				out := call(t, m, src, g, 1000, rate, ch)
				if st := src.Stats(); st.Underruns != 0 || st.DroppedFrames != 0 {
					t.Errorf("jitter buffer broke a steady stream: %+v", st)
				}
				steady := out[len(out)/5:] // after buffering and filter warm-up
				if r := audio.ToneRatio(steady, ch, rate, 1000); r < 0.99 {
					t.Errorf("tone ratio %.4f, want a clean tone", r)
				}
				within(t, "tone power", audio.Goertzel(steady, ch, rate, 1000), 0.1, 0.005)
				// A sine can move at most 2·A·sin(π f/fs) per sample; a
				// click between chunks would jump further.
				limit := 2 * toneAmp * math.Sin(math.Pi*1000/float64(rate)) * 1.05
				if s := maxStep(steady, ch); float64(s) > limit {
					t.Errorf("step of %d between samples, a sine allows %.0f: a click", s, limit)
				}
			})
		}
	}
}

func TestMixerSaturatesInsteadOfWrapping(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	loud := sine(1000, 48000, 2, 30000, 4800)
	m.AddSource("a").Push(loud)
	m.AddSource("b").Push(loud)
	out := make([]int16, 960)
	if err := m.Fetch(out, 480, 48000, 2); err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		sum := 2 * int(loud[i])
		want := min(max(sum, -32768), 32767)
		if int(v) != want {
			t.Fatalf("sample %d: %d, want %d (two sources of %d)", i, v, want, loud[i])
		}
	}
}

func TestMixerUnderrunIsSilentAndRecovers(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{TargetMs: 40})
	src := m.AddSource("s")
	out := make([]int16, 480*2)
	src.Push(sine(1000, 48000, 2, toneAmp, 960)) // 20 ms: below the target
	m.Fetch(out, 480, 48000, 2)
	if p := audio.Power(out, 2); p > audio.SilencePower {
		t.Fatalf("played before %d ms were buffered (power %.4f)", 40, p)
	}
	src.Push(sine(1000, 48000, 2, toneAmp, 960))
	m.Fetch(out, 480, 48000, 2)
	if r := audio.ToneRatio(out, 2, 48000, 1000); r < 0.99 {
		t.Fatalf("tone not heard once buffered: ratio %.3f", r)
	}
	for range 5 { // drain it and keep going: silence, no blocking
		m.Fetch(out, 480, 48000, 2)
	}
	if p := audio.Power(out, 2); p > audio.SilencePower {
		t.Fatalf("power %.4f after the source ran dry", p)
	}
	if st := src.Stats(); st.Underruns != 1 {
		t.Fatalf("stats %+v, want one underrun", st)
	}
}

func TestMixerOverflowKeepsLatencyBounded(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{TargetMs: 40, MaxMs: 100})
	src := m.AddSource("s")
	step := make([]int16, 960*2) // 20 ms packets; packet k holds the value k
	for k := range 50 {          // a one-second burst after a network stall
		for i := range step {
			step[i] = int16(k)
		}
		src.Push(step)
		if ms := src.Stats().BufferedMs; ms > 100 {
			t.Fatalf("buffer grew to %d ms", ms)
		}
	}
	out := make([]int16, 48*2)
	m.Fetch(out, 48, 48000, 2)
	if out[0] < 47 { // only the newest ~40-100 ms may remain
		t.Fatalf("after the burst the mixer plays packet %d of 49: stale audio kept", out[0])
	}
	if st := src.Stats(); st.DroppedFrames == 0 {
		t.Fatal("overflow not counted")
	}
}

func TestMixerMuteCloseAndReplace(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	tone := sine(1000, 48000, 2, toneAmp, 4800)
	out := make([]int16, 960)
	hear := func() float64 {
		m.Fetch(out, 480, 48000, 2)
		return audio.ToneRatio(out, 2, 48000, 1000)
	}
	a := m.AddSource("a")
	a.SetMuted(true)
	a.Push(tone)
	if hear() != 0 {
		t.Fatal("muted source heard")
	}
	a.SetMuted(false)
	a.Push(tone)
	if hear() < 0.99 {
		t.Fatal("unmuted source not heard")
	}
	b := m.AddSource("a") // replaces a
	a.Push(tone)
	if hear() != 0 {
		t.Fatal("replaced source still heard")
	}
	b.Push(tone)
	if hear() < 0.99 {
		t.Fatal("replacement not heard")
	}
	b.Close()
	b.Close()
	b.Push(tone)
	if hear() != 0 {
		t.Fatal("closed source heard")
	}
}

func TestMixerRejectsBadFormats(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	buf := make([]int16, 1000)
	for _, c := range []struct{ n, rate, ch int }{{480, 22050, 2}, {480, 48000, 3}, {480, 48000, 0}, {-1, 48000, 2}} {
		if err := m.Fetch(buf, c.n, c.rate, c.ch); !errors.Is(err, audio.ErrUnsupportedFormat) {
			t.Errorf("Fetch(%d, %d Hz, %d ch) = %v", c.n, c.rate, c.ch, err)
		}
	}
	if err := m.Fetch(buf, 501, 48000, 2); !errors.Is(err, audio.ErrBufferTooSmall) {
		t.Errorf("short buffer: %v", err)
	}
}

func TestMixerSteadyStateAllocatesNothing(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	srcs := []*audio.Source{m.AddSource("a"), m.AddSource("b")}
	pkt := sine(1000, 48000, 2, toneAmp, 960)
	out := make([]int16, 441*2)
	run := func() {
		for _, s := range srcs {
			s.Push(pkt)
		}
		m.Fetch(out, 441, 44100, 2)
		m.Fetch(out, 441, 44100, 2)
	}
	run()
	if allocs := testing.AllocsPerRun(100, run); allocs != 0 {
		t.Fatalf("%.1f allocations per push+fetch, want 0", allocs)
	}
}

func TestMixerConcurrentPushAndFetch(t *testing.T) {
	m := audio.NewMixer(audio.MixerOptions{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := m.AddSource(fmt.Sprint("s", i))
			defer s.Close()
			pkt := sine(1000, 48000, 2, 2000, 960)
			for range 200 {
				s.Push(pkt)
				s.SetMuted(i == 0)
			}
		}()
	}
	out := make([]int16, 441*2)
	for range 400 {
		if err := m.Fetch(out, 441, 44100, 2); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}

// BenchmarkMixerFetch: four streams, host pulling 10 ms of 44.1 kHz stereo.
func BenchmarkMixerFetch(b *testing.B) {
	m := audio.NewMixer(audio.MixerOptions{})
	var srcs []*audio.Source
	for i := range 4 {
		srcs = append(srcs, m.AddSource(fmt.Sprint("s", i)))
	}
	pkt := sine(1000, 48000, 2, 5000, 960)
	out := make([]int16, 441*2)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			for _, s := range srcs {
				s.Push(pkt)
			}
		}
		if err := m.Fetch(out, 441, 44100, 2); err != nil {
			b.Fatal(err)
		}
	}
}
