package opus_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/codec/opus"
	mdopus "github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// encodeTone encodes seconds of a -10 dBFS sine with mediadevices' encoder,
// the one Parley sends with, in 20 ms packets.
func encodeTone(t testing.TB, freq float64, channels int, seconds float64) [][]byte {
	t.Helper()
	amp := 32767 * math.Pow(10, -10.0/20)
	phase := 0.0
	src := func() (wave.Audio, func(), error) {
		chunk := wave.NewInt16Interleaved(wave.ChunkInfo{Len: 960, Channels: channels, SamplingRate: 48000})
		for i := range 960 {
			v := int16(math.Round(amp * math.Sin(phase)))
			for c := range channels {
				chunk.Data[i*channels+c] = v
			}
			phase = math.Mod(phase+2*math.Pi*freq/48000, 2*math.Pi)
		}
		return chunk, func() {}, nil
	}
	p, err := mdopus.NewParams()
	if err != nil {
		t.Fatal(err)
	}
	p.BitRate = 32000 * channels
	enc, err := p.BuildAudioEncoder(readerFunc(src), prop.Media{Audio: prop.Audio{SampleRate: 48000, ChannelCount: channels}})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	packets := make([][]byte, int(seconds*50))
	for i := range packets {
		pkt, release, err := enc.Read()
		if err != nil {
			t.Fatal(err)
		}
		packets[i] = append([]byte(nil), pkt...)
		release()
	}
	return packets
}

type readerFunc func() (wave.Audio, func(), error)

func (f readerFunc) Read() (wave.Audio, func(), error) { return f() }

func newDecoder(t testing.TB) *opus.Decoder {
	t.Helper()
	d, err := opus.NewDecoder(48000, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// decodeAll decodes packets, concealing the ones at lost indexes.
func decodeAll(t *testing.T, d *opus.Decoder, packets [][]byte, lost map[int]bool, fec bool) []int16 {
	t.Helper()
	var out []int16
	pcm := make([]int16, opus.MaxFrameSamples*2)
	for i, p := range packets {
		var n int
		var err error
		switch {
		case lost[i] && fec && i+1 < len(packets):
			n, err = d.DecodeFEC(packets[i+1], pcm, 960)
		case lost[i]:
			n, err = d.DecodePLC(pcm, 960)
		default:
			n, err = d.Decode(p, pcm)
		}
		if err != nil || n != 960 {
			t.Fatalf("packet %d: %d samples, %v", i, n, err)
		}
		out = append(out, pcm[:2*n]...)
	}
	return out
}

func TestDecodeToneIsStillTheTone(t *testing.T) {
	for _, ch := range []int{1, 2} {
		pcm := decodeAll(t, newDecoder(t), encodeTone(t, 1000, ch, 1), nil, false)
		steady := pcm[2*4800:] // skip the encoder's first 100 ms
		if r := audio.ToneRatio(steady, 2, 48000, 1000); r < 0.95 {
			t.Errorf("%d-channel stream: tone ratio %.3f", ch, r)
		}
		if p := audio.Goertzel(steady, 2, 48000, 1000); math.Abs(p-0.1) > 0.03 {
			t.Errorf("%d-channel stream: tone power %.3f, want ≈ 0.1 (-10 dBFS)", ch, p)
		}
		if r := audio.ToneRatio(steady, 2, 48000, 1200); r > 0.01 {
			t.Errorf("%d-channel stream reads %.3f at 1.2 kHz", ch, r)
		}
	}
}

func TestConcealmentKeepsTheToneGoing(t *testing.T) {
	packets := encodeTone(t, 1000, 2, 1)
	lost := map[int]bool{20: true, 30: true}
	for _, fec := range []bool{false, true} {
		pcm := decodeAll(t, newDecoder(t), packets, lost, fec)
		for i := range lost {
			gap := pcm[2*960*i : 2*960*(i+1)]
			if r, p := audio.ToneRatio(gap, 2, 48000, 1000), audio.Power(gap, 2); r < 0.5 || p < audio.ToneHeardPower {
				t.Errorf("fec=%v: concealed packet %d reads ratio %.3f power %.4f", fec, i, r, p)
			}
		}
	}
}

func TestBadInputIsAnErrorNotACrash(t *testing.T) {
	d := newDecoder(t)
	pcm := make([]int16, opus.MaxFrameSamples*2)
	if _, err := d.Decode(nil, pcm); !errors.Is(err, opus.ErrEmptyPacket) {
		t.Errorf("empty packet: %v", err)
	}
	good := encodeTone(t, 1000, 2, 0.1)[3]
	if _, err := d.Decode(good, pcm[:100]); !errors.Is(err, opus.ErrBufferTooSmall) {
		t.Errorf("small buffer: %v", err)
	}
	if _, err := d.DecodePLC(pcm, 100); !errors.Is(err, opus.ErrBadDuration) {
		t.Errorf("PLC of 100 samples: %v", err)
	}
	if _, err := d.Decode([]byte{0x03}, pcm); !errors.Is(err, opus.ErrInvalidPacket) { // code 3 without its count byte
		t.Errorf("truncated packet: %v", err)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	junk := make([]byte, 1500)
	for range 2000 {
		for i := range junk {
			junk[i] = byte(rng.Uint32())
		}
		d.Decode(junk[:1+rng.IntN(len(junk))], pcm) // may decode noise; must not crash
	}
	if n, err := d.Decode(good, pcm); err != nil || n != 960 {
		t.Fatalf("decoder unusable after junk: %d, %v", n, err)
	}
	for _, c := range [][2]int{{44100, 2}, {48000, 3}, {0, 1}} {
		if _, err := opus.NewDecoder(c[0], c[1]); !errors.Is(err, opus.ErrInvalidConfig) {
			t.Errorf("NewDecoder(%d, %d): %v", c[0], c[1], err)
		}
	}
	d.Close()
	d.Close()
	if _, err := d.Decode(good, pcm); !errors.Is(err, opus.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

func TestPacketSamples(t *testing.T) {
	d := newDecoder(t)
	if n, err := d.PacketSamples(encodeTone(t, 1000, 1, 0.1)[0]); n != 960 || err != nil {
		t.Fatalf("PacketSamples = %d, %v; want 960 for 20 ms", n, err)
	}
}

func TestDecodeAllocatesNothing(t *testing.T) {
	packets := encodeTone(t, 1000, 2, 0.2)
	d := newDecoder(t)
	pcm := make([]int16, opus.MaxFrameSamples*2)
	i := 0
	allocs := testing.AllocsPerRun(100, func() {
		d.Decode(packets[i%len(packets)], pcm)
		d.DecodePLC(pcm, 960)
		i++
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per packet, want 0", allocs)
	}
}

func BenchmarkDecode20msStereo(b *testing.B) {
	packets := encodeTone(b, 1000, 2, 1)
	d := newDecoder(b)
	pcm := make([]int16, opus.MaxFrameSamples*2)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := d.Decode(packets[i%len(packets)], pcm); err != nil {
			b.Fatal(err)
		}
	}
}
