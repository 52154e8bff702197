package device_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/device"
	"github.com/parley-rtc/parley/engine/device/pulsetest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestUnknownIDIsNotFound(t *testing.T) {
	for _, k := range []device.Kind{device.Camera, device.Microphone, device.Speaker} {
		if _, err := device.Find(k, "no-such-device"); err == nil {
			t.Errorf("%v: found a device that does not exist", k)
		}
	}
	if _, err := device.OpenCamera("no-such-camera", 320, 240, 30); err != device.ErrNotFound {
		t.Errorf("OpenCamera: %v, want ErrNotFound", err)
	}
}

// Enumeration through miniaudio's PulseAudio backend lists the null sink
// and its monitor by ID and name, default first.
func TestPulseEnumeration(t *testing.T) {
	if !pulsetest.Run(t) {
		return
	}
	spk, err := device.List(device.Speaker)
	if err != nil {
		t.Fatal(err)
	}
	mic, err := device.List(device.Microphone)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("speakers %v, microphones %v", spk, mic)
	if !has(spk, pulsetest.Sink) || !has(mic, pulsetest.Monitor) {
		t.Fatalf("the null sink and its monitor are not listed: %v %v", spk, mic)
	}
	if _, err := device.Find(device.Speaker, pulsetest.Sink); err != nil {
		t.Fatal(err)
	}
	if _, err := device.Find(device.Microphone, "parley_nope.monitor"); err != device.ErrNotFound {
		t.Fatalf("unknown microphone: %v, want ErrNotFound", err)
	}
}

// The null sink plays what the speaker gets into its monitor, which the
// microphone records: a 1 kHz tone goes through both devices for real.
func TestPulseSpeakerToMicrophone(t *testing.T) {
	if !pulsetest.Run(t) {
		return
	}

	var phase float64
	play, err := device.OpenPlayback(pulsetest.Sink, 48000, 2, func(out []int16) {
		for i := 0; i+1 < len(out); i += 2 {
			v := int16(8000 * math.Sin(phase))
			out[i], out[i+1] = v, v
			phase += 2 * math.Pi * 1000 / 48000
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer play.Close()

	var mu sync.Mutex
	var got []int16
	rec, err := device.OpenCapture(pulsetest.Monitor, 48000, 1, func(in []int16) {
		mu.Lock()
		got = append(got, in...)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	// Streams may take a moment to start flowing (about 2 s under the race
	// detector, docs/devices.md): wait for 1 s of recording, at most 8 s.
	deadline := time.Now().Add(8 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= 48000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	rec.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(got) < 48000 {
		t.Fatalf("recorded %d samples in 8 s", len(got))
	}
	tail := got[len(got)-48000/2:]
	if r := audio.ToneRatio(tail, 1, 48000, 1000); r < 0.5 {
		t.Fatalf("tone ratio %.2f of the recorded monitor, want >= 0.5", r)
	}
}

func has(list []device.Info, id string) bool {
	for _, d := range list {
		if d.ID == id && d.Name != "" {
			return true
		}
	}
	return false
}
