package engine

import (
	"errors"
	"image"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-rtc/parley/engine/device"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// DeviceKind matches parley_device_kind.
type DeviceKind = device.Kind

const (
	DeviceCamera     = device.Camera
	DeviceMicrophone = device.Microphone
	DeviceSpeaker    = device.Speaker
)

// DeviceInfo describes one camera, microphone or speaker.
type DeviceInfo = device.Info

// AudioOutput matches parley_audio_output: where the mix of the played
// streams' audio goes.
type AudioOutput int32

const (
	// AudioOutputPull (the default): the host pulls the mix with
	// FetchAudioPCM; no audio device is opened.
	AudioOutputPull AudioOutput = 0
	// AudioOutputDevice: the engine plays the mix to the selected speaker
	// at the device's pace; FetchAudioPCM is refused.
	AudioOutputDevice AudioOutput = 1
)

// devState is the engine's device selection and its open speaker.
type devState struct {
	ids [3]string // chosen device per kind, "" = the default; under e.mu

	out     sync.Mutex // serialises output switches and speaker (re)opens
	output  atomic.Int32
	speaker *device.AudioStream // under out
}

func notFound(kind DeviceKind, err error) error {
	if errors.Is(err, device.ErrTimeout) {
		return protocol.Errorf(protocol.ErrDeviceNotFound, "the "+kind.String()+" did not answer in time")
	}
	return protocol.Errorf(protocol.ErrDeviceNotFound, "no such "+kind.String())
}

// Devices lists the machine's devices of kind, the default first. A machine
// without an audio backend has no microphones or speakers (an empty list).
func (e *Engine) Devices(kind DeviceKind) ([]DeviceInfo, error) {
	if !kind.Valid() {
		return nil, protocol.Errorf(protocol.ErrInvalidArgument, "unknown device kind")
	}
	if err := e.lockLive(); err != nil {
		return nil, err
	}
	e.mu.Unlock()
	list, err := device.List(kind)
	if errors.Is(err, device.ErrTimeout) {
		return nil, notFound(kind, err)
	}
	return list, nil
}

// UseDevice selects the device of kind by ID ("" = the default). A capture
// or speaker already running from that kind moves to the new device.
func (e *Engine) UseDevice(kind DeviceKind, id string) error {
	if !kind.Valid() {
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown device kind")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	e.mu.Unlock()
	if _, err := device.Find(kind, id); err != nil {
		return notFound(kind, err)
	}
	if kind == DeviceSpeaker {
		e.dev.out.Lock()
		defer e.dev.out.Unlock()
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	changed := e.dev.ids[kind] != id
	e.dev.ids[kind] = id
	var oldVideo []*videoCapture
	var oldAudio *audioCapture
	if changed {
		switch kind {
		case DeviceCamera:
			for ch := range e.videoSrc {
				if e.videoSrc[ch] == VideoSourceCamera {
					if old := e.restartCaptureLocked(Channel(ch)); old != nil {
						oldVideo = append(oldVideo, old)
					}
				}
			}
		case DeviceMicrophone:
			if e.audioSrc == AudioSourceMicrophone {
				oldAudio = e.replaceAudioCaptureLocked()
			}
		}
	}
	e.mu.Unlock()
	for _, c := range oldVideo {
		c.stop()
	}
	if oldAudio != nil {
		oldAudio.stop()
	}
	if kind == DeviceSpeaker && changed && e.dev.speaker != nil {
		return e.openSpeakerLocked(id)
	}
	return nil
}

// SetAudioOutput switches the played audio between the host's pulls
// (FetchAudioPCM) and the selected speaker.
func (e *Engine) SetAudioOutput(out AudioOutput) error {
	if out != AudioOutputPull && out != AudioOutputDevice {
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown audio output")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	id := e.dev.ids[DeviceSpeaker]
	e.mu.Unlock()
	e.dev.out.Lock()
	defer e.dev.out.Unlock()
	if out == AudioOutputPull {
		e.dev.output.Store(int32(AudioOutputPull))
		e.dev.speaker.Close()
		e.dev.speaker = nil
		return nil
	}
	if e.dev.speaker != nil {
		return nil
	}
	return e.openSpeakerLocked(id)
}

// openSpeakerLocked opens the speaker id and replaces the open one (e.dev.out
// held). On failure the old speaker, if any, keeps playing.
func (e *Engine) openSpeakerLocked(id string) error {
	s, err := device.OpenPlayback(id, captureRate, 2, e.fillSpeaker)
	if err != nil {
		return notFound(DeviceSpeaker, err)
	}
	e.mu.Lock()
	destroyed := e.destroyed
	e.mu.Unlock()
	if destroyed {
		s.Close()
		return protocol.Errorf(protocol.ErrEngineDestroyed, "")
	}
	e.dev.speaker.Close()
	e.dev.speaker = s
	e.dev.output.Store(int32(AudioOutputDevice))
	return nil
}

// fillSpeaker runs on the audio device's thread: the mix at 48 kHz stereo.
func (e *Engine) fillSpeaker(out []int16) {
	if e.mixer.Fetch(out, len(out)/2, captureRate, 2) != nil || e.sw.speakerMuted.Load() {
		clear(out)
	}
}

// closeDevices stops the speaker; Destroy calls it.
func (e *Engine) closeDevices() {
	e.dev.out.Lock()
	e.dev.speaker.Close()
	e.dev.speaker = nil
	e.dev.out.Unlock()
}

// deviceError reports a device that failed after the call that chose it
// returned (it was unplugged, or went away before publishing started).
func (e *Engine) deviceError(kind DeviceKind, err error) {
	e.EmitDebugError(protocol.ErrDeviceNotFound, kind.String()+" capture", err.Error())
}

// newAudioCaptureLocked makes the audio capture of src; a microphone
// capture opens the selected microphone on its own goroutine. e.mu held.
func (e *Engine) newAudioCaptureLocked(src AudioSource) *audioCapture {
	c := newAudioCapture(src, &e.sw)
	if src == AudioSourceMicrophone {
		c.wg.Add(1)
		go c.runMic(e.dev.ids[DeviceMicrophone], func(err error) { e.deviceError(DeviceMicrophone, err) })
	}
	return c
}

// replaceAudioCaptureLocked restarts the running audio capture from
// e.audioSrc, keeping its sink; the caller stops the old one unlocked.
func (e *Engine) replaceAudioCaptureLocked() *audioCapture {
	old := e.audioCap
	if old == nil {
		return nil
	}
	nc := e.newAudioCaptureLocked(e.audioSrc)
	old.mu.Lock()
	nc.sink = old.sink
	old.sink = nil
	old.mu.Unlock()
	e.audioCap = nc
	return old
}

// runMic records the microphone id as 48 kHz mono and delivers it in 20 ms
// frames from this goroutine (the device thread only copies).
func (c *audioCapture) runMic(id string, fail func(error)) {
	defer c.wg.Done()
	frames := make(chan []int16, 16)
	var (
		mu  sync.Mutex
		acc []int16
	)
	s, err := device.OpenCapture(id, captureRate, 1, func(in []int16) {
		mu.Lock()
		defer mu.Unlock()
		acc = append(acc, in...)
		for len(acc) >= captureFrame {
			f := make([]int16, captureFrame)
			copy(f, acc)
			acc = acc[:copy(acc, acc[captureFrame:])]
			select {
			case frames <- f:
			default: // the encoder is behind: drop rather than block the device
			}
		}
	})
	if err != nil {
		select {
		case <-c.stopc:
		default:
			fail(err)
		}
		return
	}
	defer s.Close()
	for {
		select {
		case <-c.stopc:
			return
		case f := <-frames:
			c.deliver(f)
		}
	}
}

// runCamera delivers the selected camera's frames until the capture stops
// or the camera fails.
func (c *videoCapture) runCamera(id string) {
	defer c.wg.Done()
	w, h := c.cfg.CaptureWidth, c.cfg.CaptureHeight
	if w <= 0 || h <= 0 {
		w, h = c.cfg.EncodeWidth, c.cfg.EncodeHeight
	}
	fps := c.cfg.FPS
	if fps <= 0 {
		fps = 30
	}
	cam, err := device.OpenCamera(id, w, h, float32(fps))
	if err != nil {
		select {
		case <-c.stopc:
		default:
			c.e.deviceError(DeviceCamera, err)
		}
		return
	}
	done := make(chan struct{})
	defer close(done)
	c.wg.Add(1)
	go func() { // Close unblocks a Read waiting in the driver
		defer c.wg.Done()
		select {
		case <-c.stopc:
		case <-done:
		}
		cam.Close()
	}()
	for {
		img, release, err := cam.Read()
		if err != nil {
			select {
			case <-c.stopc:
			default:
				c.e.deviceError(DeviceCamera, err)
			}
			return
		}
		select {
		case <-c.stopc:
			release()
			return
		default:
		}
		if f, ok := i420Of(img); ok {
			c.deliver(f, time.Now().UnixMilli())
		}
		release()
	}
}

// i420Of views a 4:2:0 image as a frame without copying.
func i420Of(img *image.YCbCr) (*render.I420, bool) {
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 || img.Rect.Min != (image.Point{}) {
		return nil, false
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w < 2 || h < 2 || w%2 != 0 || h%2 != 0 {
		return nil, false
	}
	return &render.I420{Width: w, Height: h, Y: img.Y, U: img.Cb, V: img.Cr,
		YStride: img.YStride, UStride: img.CStride, VStride: img.CStride}, true
}

// checkDevice fails with ErrDeviceNotFound unless the selected device of
// kind is there.
func (e *Engine) checkDevice(kind DeviceKind) error {
	if err := e.lockLive(); err != nil {
		return err
	}
	id := e.dev.ids[kind]
	e.mu.Unlock()
	if _, err := device.Find(kind, id); err != nil {
		return notFound(kind, err)
	}
	return nil
}
