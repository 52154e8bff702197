package opus

import (
	"math"
	"testing"
)

// frameAt is 20 ms of mono 48 kHz audio whose pitch changes every frame, so
// concealment cannot guess a lost frame from the ones before it.
func frameAt(i int) []int16 {
	f := pitch(i)
	out := make([]int16, 960)
	for n := range out {
		t := float64(i*960+n) / 48000
		out[n] = int16(8000 * math.Sin(2*math.Pi*f*t))
	}
	return out
}

// share is the part of pcm's power at frequency f (Goertzel), 0-1.
func share(pcm []int16, f float64) float64 {
	w := 2 * math.Pi * f / 48000
	var s1, s2, p float64
	for _, v := range pcm {
		x := float64(v)
		p += x * x
		s1, s2 = x+2*math.Cos(w)*s1-s2, s1
	}
	g := s1*s1 + s2*s2 - 2*math.Cos(w)*s1*s2
	return min(2*g/(float64(len(pcm))*max(p, 1)), 1)
}

func pitch(i int) float64 { return 300 + 250*float64(i%7) }

// TestFECRecoversALostPacket encodes with in-band FEC, loses one packet,
// and recovers it from the next: the recovered frame has the lost frame's
// pitch, which concealment, continuing the frame before, cannot know.
func TestFECRecoversALostPacket(t *testing.T) {
	enc, err := NewEncoder(EncoderParams{SampleRate: 48000, Channels: 1, Bitrate: 32000, ExpectedLossPercent: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	var packets [][]byte
	for i := range 30 {
		out := make([]byte, 1500)
		n, err := enc.Encode(frameAt(i), out)
		if err != nil {
			t.Fatal(err)
		}
		packets = append(packets, out[:n])
	}
	const lost = 20
	decode := func(useFEC bool) []int16 {
		dec, err := NewDecoder(48000, 1)
		if err != nil {
			t.Fatal(err)
		}
		defer dec.Close()
		pcm := make([]int16, MaxFrameSamples)
		for i := range lost {
			if _, err := dec.Decode(packets[i], pcm); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if useFEC {
			n, err = dec.DecodeFEC(packets[lost+1], pcm, 960)
		} else {
			n, err = dec.DecodePLC(pcm, 960)
		}
		if err != nil || n != 960 {
			t.Fatalf("recover: %d %v", n, err)
		}
		return append([]int16(nil), pcm[:960]...)
	}
	f := pitch(lost)
	fec, plc := share(decode(true), f), share(decode(false), f)
	t.Logf("share of the lost frame's %.0f Hz: FEC %.2f, PLC %.2f", f, fec, plc)
	if fec < 0.25 || fec < plc+0.2 {
		t.Fatalf("FEC recovered %.2f of the lost frame's pitch (PLC %.2f): no better than a guess", fec, plc)
	}
}

func TestEncoderRefusesBadParams(t *testing.T) {
	for _, p := range []EncoderParams{{SampleRate: 44100, Channels: 1, Bitrate: 32000}, {SampleRate: 48000, Channels: 3, Bitrate: 32000}} {
		if e, err := NewEncoder(p); err == nil {
			e.Close()
			t.Errorf("%+v accepted", p)
		}
	}
	e, err := NewEncoder(EncoderParams{SampleRate: 48000, Channels: 1, Bitrate: 32000})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	if _, err := e.Encode(make([]int16, 960), make([]byte, 100)); err != ErrClosed {
		t.Fatalf("encode after close: %v", err)
	}
}
