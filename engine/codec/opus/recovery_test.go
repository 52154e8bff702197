package opus_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/codec/opus"
)

// The ways a player can render a lost 20 ms packet, compared on the
// content it matters for (docs/decisions.md, Audio redundancy): a melody
// of 60 ms notes, where a lost packet at a note's start is heard as the
// note before unless recovered, and the steady test tone.
var recoveryNotes = [...]float64{400, 550, 700, 850, 1000, 1150, 1300, 1450}

// encodeSignal encodes 30 s of mono at 32 kbit/s (the engine's audio) with
// Parley's encoder, FEC on when lossPercent > 0; note gives the frequency
// at a sample. It returns the packets and each packet's last note.
func encodeSignal(t *testing.T, lossPercent int, note func(int) float64) ([][]byte, []float64) {
	t.Helper()
	enc, err := opus.NewEncoder(opus.EncoderParams{SampleRate: 48000, Channels: 1, Bitrate: 32000, ExpectedLossPercent: lossPercent})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	var packets [][]byte
	var notes []float64
	phase := 0.0
	pcm := make([]int16, 960)
	out := make([]byte, 1500)
	for k := range 1500 {
		for i := range pcm {
			phase += 2 * math.Pi * note(k*960+i) / 48000
			pcm[i] = int16(0.3 * 32767 * math.Sin(phase))
		}
		n, err := enc.Encode(pcm, out)
		if err != nil {
			t.Fatal(err)
		}
		packets = append(packets, append([]byte(nil), out[:n]...))
		notes = append(notes, note(k*960+959))
	}
	return packets, notes
}

// renderLossy decodes packets with the lost ones rendered by how: "plc"
// conceals, "fec" decodes the next packet's FEC, "copy" decodes the packet
// itself (what RED delivers).
func renderLossy(t *testing.T, packets [][]byte, lost []bool, how string) []int16 {
	t.Helper()
	d := newDecoder(t)
	var out []int16
	pcm := make([]int16, opus.MaxFrameSamples*2)
	for i, p := range packets {
		var n int
		var err error
		switch {
		case !lost[i] || how == "copy":
			n, err = d.Decode(p, pcm)
		case how == "fec" && i+1 < len(packets) && !lost[i+1]:
			n, err = d.DecodeFEC(packets[i+1], pcm, 960)
		default:
			n, err = d.DecodePLC(pcm, 960)
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pcm[:2*n]...)
	}
	return out
}

// lostNotesRight is the share of lost packets whose second half (after the
// codec's 6.5 ms delay) holds the note sent.
func lostNotesRight(pcm []int16, lost []bool, notes []float64) float64 {
	right, all := 0, 0
	for i := 1; i+1 < len(lost); i++ {
		if !lost[i] {
			continue
		}
		from := i*960 + 480 + 312
		w := pcm[2*from : 2*(from+480)]
		best, got := 0.0, 0.0
		for _, f := range recoveryNotes {
			if g := audio.Goertzel(w, 2, 48000, f); g > best {
				best, got = g, f
			}
		}
		all++
		if got == notes[i] && audio.Power(w, 2) > 1e-3 {
			right++
		}
	}
	return float64(right) / float64(all)
}

// toneWindows is the share of 100 ms windows holding the 1 kHz tone, as
// tests/network counts them.
func toneWindows(pcm []int16) float64 {
	good, all := 0, 0
	for w := 9600; w+9600 <= len(pcm); w += 9600 {
		all++
		if audio.ToneRatio(pcm[w:w+9600], 2, 48000, 1000) > 0.3 {
			good++
		}
	}
	return float64(good) / float64(all)
}

// TestLossRecoveryCompared measures, at 20 % random loss: the lost packets
// of a melody rendered with the right note, and the tone's windows, for
// concealment, Opus in-band FEC (the encoder told to expect 20 % loss) and
// the lost packet's own copy. The copy recovers what was sent; FEC's
// low-rate copy recovers most notes but breaks a steady tone, which
// concealment continues well.
func TestLossRecoveryCompared(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	lost := make([]bool, 1500)
	for i := range lost {
		lost[i] = rng.Float64() < 0.20
	}
	melody := func(s int) float64 { return recoveryNotes[uint32(s/2880)*2654435761>>29] }
	tone := func(int) float64 { return 1000 }
	got := map[string]float64{}
	for _, how := range []string{"plc", "fec", "copy"} {
		loss := 0
		if how == "fec" {
			loss = 20
		}
		packets, notes := encodeSignal(t, loss, melody)
		got["melody/"+how] = lostNotesRight(renderLossy(t, packets, lost, how), lost, notes)
		packets, _ = encodeSignal(t, loss, tone)
		got["tone/"+how] = toneWindows(renderLossy(t, packets, lost, how))
		t.Logf("%-4s: lost packets with the right note %.0f%%, tone in %.0f%% of 100 ms windows",
			how, got["melody/"+how]*100, got["tone/"+how]*100)
	}
	if got["melody/copy"] < 0.95 || got["tone/copy"] < 0.97 {
		t.Errorf("decoding the lost packet itself: %.0f%% notes, %.0f%% tone windows", got["melody/copy"]*100, got["tone/copy"]*100)
	}
	if got["melody/fec"] <= got["melody/plc"] {
		t.Errorf("FEC recovered fewer notes (%.0f%%) than concealment (%.0f%%)", got["melody/fec"]*100, got["melody/plc"]*100)
	}
}
