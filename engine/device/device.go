// Package device lists, opens and runs the machine's cameras, microphones
// and speakers: audio through miniaudio (github.com/gen2brain/malgo), video
// through mediadevices' camera drivers (V4L2 on Linux). Nothing here touches
// a device or an audio backend until a function is called: a machine without
// audio never pays for it, and every open is bounded by Timeout.
package device

import (
	"errors"
	"sync"
	"time"
)

// Kind matches parley_device_kind.
type Kind int32

const (
	Camera     Kind = 0
	Microphone Kind = 1
	Speaker    Kind = 2
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k >= Camera && k <= Speaker }

func (k Kind) String() string {
	switch k {
	case Camera:
		return "camera"
	case Microphone:
		return "microphone"
	case Speaker:
		return "speaker"
	}
	return "unknown"
}

// Info describes one device. ID is stable while the device stays plugged in
// and is what Open takes; Name is for people.
type Info struct {
	ID      string
	Name    string
	Default bool
}

var (
	// ErrNotFound: no device of that kind, or none with that ID.
	ErrNotFound = errors.New("device not found")
	// ErrTimeout: the backend did not answer within Timeout.
	ErrTimeout = errors.New("device did not answer in time")
)

// Timeout bounds every enumeration, open and close: a wedged audio server or
// camera driver costs the caller this long, never a hang.
var Timeout = 3 * time.Second

// List returns the devices of kind, the default first when the backend
// knows it.
func List(kind Kind) ([]Info, error) {
	switch kind {
	case Camera:
		return listCameras(), nil
	case Microphone, Speaker:
		return bounded(func() ([]Info, error) { return listAudio(kind) }, nil)
	}
	return nil, ErrNotFound
}

// Find returns the device with id ("" = the default one, or the first).
func Find(kind Kind, id string) (Info, error) {
	list, err := List(kind)
	if err != nil {
		return Info{}, err
	}
	return pick(list, id)
}

func pick(list []Info, id string) (Info, error) {
	for _, d := range list {
		if id == "" && d.Default || id != "" && d.ID == id {
			return d, nil
		}
	}
	if id == "" && len(list) > 0 {
		return list[0], nil
	}
	return Info{}, ErrNotFound
}

// bounded runs fn on its own goroutine and waits at most Timeout. When fn
// finishes after the caller gave up, its result is released with cleanup,
// so an abandoned open closes its device by itself; the goroutine lives on
// only for as long as the backend is stuck.
func bounded[T any](fn func() (T, error), cleanup func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	var (
		mu        sync.Mutex
		abandoned bool
	)
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			if err == nil && cleanup != nil {
				cleanup(v)
			}
			return
		}
		done <- result{v, err}
	}()
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-t.C:
		mu.Lock()
		defer mu.Unlock()
		select {
		case r := <-done: // finished while the timer fired
			return r.v, r.err
		default:
		}
		abandoned = true
		var zero T
		return zero, ErrTimeout
	}
}
