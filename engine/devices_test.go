package engine_test

import (
	"image"
	"image/color"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/device/pulsetest"
	"github.com/parley-rtc/parley/server/protocol"
)

func wantCode(t *testing.T, what string, err error, want protocol.Code) {
	t.Helper()
	if got := protocol.CodeOf(err); got != want {
		t.Errorf("%s: %v (code %d), want code %d", what, err, got, want)
	}
}

// Selection errors answer at once and change nothing.
func TestDeviceSelectionErrors(t *testing.T) {
	e := newEngine(t, "ws://127.0.0.1:1", newRecorder())
	_, err := e.Devices(7)
	wantCode(t, "list kind 7", err, protocol.ErrInvalidArgument)
	wantCode(t, "use kind -1", e.UseDevice(-1, ""), protocol.ErrInvalidArgument)
	for _, k := range []engine.DeviceKind{engine.DeviceCamera, engine.DeviceMicrophone, engine.DeviceSpeaker} {
		start := time.Now()
		wantCode(t, k.String()+" no-such-device", e.UseDevice(k, "no-such-device"), protocol.ErrDeviceNotFound)
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("%v: not-found took %v", k, d)
		}
	}
	wantCode(t, "audio output 5", e.SetAudioOutput(5), protocol.ErrInvalidArgument)
	// The default stays PULL: fetching works without any device.
	if err := e.FetchAudioPCM(make([]int16, 480), 480, 48000, 1); err != nil {
		t.Fatal(err)
	}
}

// A's test tone plays through B's speaker (the null sink); C's microphone
// (the sink's monitor) publishes it; D hears the tone in C's stream. Real
// device code at both ends.
func TestSpeakerToMicrophoneThroughACall(t *testing.T) {
	if !pulsetest.Run(t) {
		return
	}
	url := startServer(t)
	ra, rb, rc, rd := newRecorder(), newRecorder(), newRecorder(), newRecorder()
	a, b, c, d := newEngine(t, url, ra), newEngine(t, url, rb), newEngine(t, url, rc), newEngine(t, url, rd)
	for _, x := range []struct {
		e    *engine.Engine
		r    *recorder
		user string
	}{{a, ra, "alice"}, {b, rb, "bob"}, {c, rc, "carol"}, {d, rd, "dave"}} {
		login(t, x.e, x.r, "room-dev", x.user)
	}

	spk, err := b.Devices(engine.DeviceSpeaker)
	if err != nil || len(spk) == 0 || spk[0].ID != pulsetest.Sink || !spk[0].Default {
		t.Fatalf("speakers %v, %v: want the null sink first, as the default", spk, err)
	}

	if err := a.StartPublishing("s-tone", engine.ChannelMain); err != nil { // TEST_TONE is the engine's default
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING s-tone", pubState("s-tone", engine.PublisherPublishing))

	if err := b.UseDevice(engine.DeviceSpeaker, pulsetest.Sink); err != nil {
		t.Fatal(err)
	}
	if err := b.SetAudioOutput(engine.AudioOutputDevice); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "fetch while the output is DEVICE", b.FetchAudioPCM(make([]int16, 480), 480, 48000, 1), protocol.ErrInvalidArgument)
	if err := b.StartPlaying("s-tone", nil); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAYING s-tone", playState("s-tone", engine.PlayerPlaying))

	if err := c.UseDevice(engine.DeviceMicrophone, pulsetest.Monitor); err != nil {
		t.Fatal(err)
	}
	if err := c.SetAudioSource(engine.AudioSourceMicrophone); err != nil {
		t.Fatal(err)
	}
	if err := c.StartPublishing("s-mic", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	rc.waitFor(t, "PUBLISHING s-mic", pubState("s-mic", engine.PublisherPublishing))
	if err := d.StartPlaying("s-mic", nil); err != nil {
		t.Fatal(err)
	}
	rd.waitFor(t, "PLAYING s-mic", playState("s-mic", engine.PlayerPlaying))

	// The tone has several jitter buffers and a device period to cross:
	// listen in 1 s windows until one carries it.
	pcm := make([]int16, 480)
	var ratio, power float64
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); {
		var heard []int16
		for w := time.Now().Add(time.Second); time.Now().Before(w); time.Sleep(10 * time.Millisecond) {
			if err := d.FetchAudioPCM(pcm, 480, 48000, 1); err != nil {
				t.Fatal(err)
			}
			heard = append(heard, pcm...)
		}
		ratio, power = audio.ToneRatio(heard, 1, 48000, 1000), audio.Power(heard, 1)
		t.Logf("1 kHz tone ratio %.3f, power %.2g", ratio, power)
		if ratio >= 0.5 && power > 1e-4 {
			break
		}
	}
	if ratio < 0.5 || power <= 1e-4 {
		t.Fatalf("1 kHz tone ratio %.3f in the microphone's stream, want ≥ 0.5; carol's events: %s", ratio, rc.dump())
	}

	// Back to PULL: the speaker closes and B's host fetches again.
	if err := b.SetAudioOutput(engine.AudioOutputPull); err != nil {
		t.Fatal(err)
	}
	if err := b.FetchAudioPCM(pcm, 480, 48000, 1); err != nil {
		t.Fatal(err)
	}
}

// testCamera is a mediadevices video driver of type Camera that shows one
// colour at 30 fps until it is closed.
type testCamera struct {
	colour color.YCbCr
	mu     sync.Mutex
	closed chan struct{}
}

func (c *testCamera) Open() error {
	c.mu.Lock()
	c.closed = make(chan struct{})
	c.mu.Unlock()
	return nil
}

func (c *testCamera) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.closed:
	default:
		close(c.closed)
	}
	return nil
}

func (c *testCamera) Properties() []prop.Media {
	return []prop.Media{{Video: prop.Video{Width: 320, Height: 240, FrameRate: 30, FrameFormat: frame.FormatI420}}}
}

func (c *testCamera) VideoRecord(p prop.Media) (video.Reader, error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = c.colour.Y
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = c.colour.Cb, c.colour.Cr
	}
	return video.ReaderFunc(func() (image.Image, func(), error) {
		select {
		case <-closed:
			return nil, func() {}, io.EOF
		case <-time.After(33 * time.Millisecond):
		}
		return img, func() {}, nil
	}), nil
}

// A camera driver registered by the test is listed, opened as A's CAMERA
// and its colour arrives in B's view.
func TestCameraFromRegisteredDriver(t *testing.T) {
	const label = "parley-test-camera"
	y, cb, cr := color.RGBToYCbCr(0, 255, 0)
	if err := driver.GetManager().Register(&testCamera{colour: color.YCbCr{Y: y, Cb: cb, Cr: cr}},
		driver.Info{Label: label, DeviceType: driver.Camera, Name: "Parley Test Camera"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range driver.GetManager().Query(driver.FilterFn(func(d driver.Driver) bool { return d.Info().Label == label })) {
			driver.GetManager().Delete(d.ID())
		}
	})

	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-cam", "alice")
	login(t, b, rb, "room-cam", "bob")

	cams, err := a.Devices(engine.DeviceCamera)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range cams {
		found = found || c.ID == label && c.Name == "Parley Test Camera"
	}
	if !found {
		t.Fatalf("cameras %v: the registered driver is not listed", cams)
	}
	if err := a.UseDevice(engine.DeviceCamera, label); err != nil {
		t.Fatal(err)
	}
	if err := a.SetVideoSource(engine.VideoSourceCamera, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.StartPublishing("s-cam", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING s-cam", pubState("s-cam", engine.PublisherPublishing))

	const w, h = 160, 120
	view, pix := newView(t, w, h)
	if err := b.StartPlaying("s-cam", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAYING s-cam", playState("s-cam", engine.PlayerPlaying))
	waitViewColour(t, view, pix, w, h, [3]byte{0, 255, 0})
}
