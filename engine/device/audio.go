package device

import (
	"encoding/hex"
	"fmt"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/gen2brain/malgo"
)

// A context per operation rather than one per process: miniaudio connects to
// the audio server when the context is made, so a fresh one sees a server
// that started (or restarted) since, and nothing stays connected while no
// device is in use.
func newContext() (*malgo.AllocatedContext, error) {
	return malgo.InitContext(nil, malgo.ContextConfig{}, nil)
}

func freeContext(c *malgo.AllocatedContext) {
	_ = c.Uninit()
	c.Free()
}

func malgoType(kind Kind) malgo.DeviceType {
	if kind == Speaker {
		return malgo.Playback
	}
	return malgo.Capture
}

// idString makes a backend device ID readable where it is a name (PulseAudio
// sink and source names, ALSA "hw:0,0", Core Audio UIDs) and hex otherwise
// (WASAPI's UTF-16 IDs).
func idString(id malgo.DeviceID) string {
	n := 0
	for n < len(id) && id[n] != 0 {
		n++
	}
	s := id[:n]
	printable := n > 0 && utf8.Valid(s)
	for _, b := range s {
		if b < 0x20 || b == 0x7f {
			printable = false
		}
	}
	if printable {
		return string(s)
	}
	return "hex:" + hex.EncodeToString(id[:])
}

func listAudio(kind Kind) ([]Info, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, ErrNotFound // no backend at all: no devices
	}
	defer freeContext(ctx)
	devs, err := ctx.Devices(malgoType(kind))
	if err != nil {
		return nil, nil
	}
	out := make([]Info, 0, len(devs))
	for _, d := range devs {
		info := Info{ID: idString(d.ID), Name: d.Name(), Default: d.IsDefault != 0}
		if info.Default {
			out = append([]Info{info}, out...)
		} else {
			out = append(out, info)
		}
	}
	return out, nil
}

// AudioStream is an open microphone or speaker, running until Close.
type AudioStream struct {
	ctx  *malgo.AllocatedContext
	dev  *malgo.Device
	once sync.Once
}

// OpenPlayback plays to the speaker id ("" = default) at rate with channels
// interleaved S16. fill is called on the device's thread with the buffer to
// fill completely; it must not block.
func OpenPlayback(id string, rate, channels int, fill func(out []int16)) (*AudioStream, error) {
	return openAudio(Speaker, id, rate, channels, func(out, _ []byte) {
		fill(unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(out))), len(out)/2))
	})
}

// OpenCapture records from the microphone id ("" = default) at rate with
// channels interleaved S16; miniaudio converts from the device's own format.
// got is called on the device's thread with a buffer valid during the call;
// it must not block.
func OpenCapture(id string, rate, channels int, got func(in []int16)) (*AudioStream, error) {
	return openAudio(Microphone, id, rate, channels, func(_, in []byte) {
		got(unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(in))), len(in)/2))
	})
}

func openAudio(kind Kind, id string, rate, channels int, data func(out, in []byte)) (*AudioStream, error) {
	return bounded(func() (*AudioStream, error) {
		ctx, err := newContext()
		if err != nil {
			return nil, ErrNotFound
		}
		cfg := malgo.DefaultDeviceConfig(malgoType(kind))
		cfg.SampleRate = uint32(rate)
		if id != "" {
			devs, err := ctx.Devices(malgoType(kind))
			var found *malgo.DeviceID
			for i := range devs {
				if err == nil && idString(devs[i].ID) == id {
					found = &devs[i].ID
				}
			}
			if found == nil {
				freeContext(ctx)
				return nil, ErrNotFound
			}
			// C memory (malgo copies the ID with C.CBytes): a Go pointer may
			// not sit inside the config cgo passes on. 256 bytes per open.
			p := found.Pointer()
			if kind == Speaker {
				cfg.Playback.DeviceID = p
			} else {
				cfg.Capture.DeviceID = p
			}
		}
		if kind == Speaker {
			cfg.Playback.Format = malgo.FormatS16
			cfg.Playback.Channels = uint32(channels)
		} else {
			cfg.Capture.Format = malgo.FormatS16
			cfg.Capture.Channels = uint32(channels)
		}
		dev, err := malgo.InitDevice(ctx.Context, cfg, malgo.DeviceCallbacks{Data: func(out, in []byte, _ uint32) { data(out, in) }})
		if err != nil {
			freeContext(ctx)
			return nil, fmt.Errorf("%w: %v", ErrNotFound, err)
		}
		if err := dev.Start(); err != nil {
			dev.Uninit()
			freeContext(ctx)
			return nil, fmt.Errorf("%w: %v", ErrNotFound, err)
		}
		return &AudioStream{ctx: ctx, dev: dev}, nil
	}, (*AudioStream).close)
}

// Close stops the device; no callback runs after it returns (unless the
// backend is stuck, when Close gives up after Timeout).
func (s *AudioStream) Close() {
	if s == nil {
		return
	}
	_, _ = bounded(func() (struct{}, error) { s.close(); return struct{}{}, nil }, nil)
}

func (s *AudioStream) close() {
	s.once.Do(func() {
		s.dev.Uninit()
		freeContext(s.ctx)
	})
}
