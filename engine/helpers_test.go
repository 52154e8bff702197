package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer runs the dev app's server on a free loopback port.
func startServer(t *testing.T) string { t.Helper(); return startServerWith(t, nil) }

// startServerWith is startServer with the config changed by edit first.
func startServerWith(t *testing.T, edit func(*config.Config)) string {
	t.Helper()
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	if edit != nil {
		edit(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.URL()
}

// recorder keeps every event of one engine, in order.
type recorder struct {
	mu     sync.Mutex
	events []engine.Event
	notify chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1)} }

func (r *recorder) handle(ev engine.Event) {
	r.mu.Lock()
	r.events = append(r.events, ev)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// waitFor waits until an event matches and returns its index.
func (r *recorder) waitFor(t *testing.T, what string, match func(engine.Event) bool) int {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		r.mu.Lock()
		for i, ev := range r.events {
			if match(ev) {
				r.mu.Unlock()
				return i
			}
		}
		r.mu.Unlock()
		select {
		case <-r.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out waiting for %s; events: %s", what, r.dump())
		}
	}
}

func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := ""
	for _, ev := range r.events {
		s += "\n  " + describe(ev)
	}
	return s
}

func describe(ev engine.Event) string {
	return fmtEvent(ev)
}

func roomState(room string, reason engine.RoomStateReason) func(engine.Event) bool {
	return func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStateChanged && ev.RoomID == room && ev.Reason == reason
	}
}

func pubState(stream string, state int32) func(engine.Event) bool {
	return func(ev engine.Event) bool {
		return ev.Kind == engine.EventPublisherStateUpdate && ev.StreamID == stream && ev.State == state
	}
}

func playState(stream string, state int32) func(engine.Event) bool {
	return func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerStateUpdate && ev.StreamID == stream && ev.State == state
	}
}

func newEngine(t *testing.T, url string, r *recorder) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url, Handler: r.handle})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Destroy)
	return e
}

func login(t *testing.T, e *engine.Engine, r *recorder, room, user string) {
	t.Helper()
	if err := e.LoginRoom(room, engine.User{UserID: user}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "LOGINED", roomState(room, engine.RoomLogined))
}

// newView makes a view over a Go buffer.
func newView(t *testing.T, w, h int) (*render.View, []byte) {
	t.Helper()
	pix := make([]byte, w*h*4)
	v, err := render.NewView(render.Desc{Pixels: pix, Width: w, Height: h, Stride: w * 4, Mode: render.ModeScaleToFill})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close(); engine.ReleaseView(v) })
	return v, pix
}

// centre returns the RGBA of the view's centre pixel, read under acquire.
func centre(t *testing.T, v *render.View, pix []byte, w, h int) (seq uint64, rgba [4]byte) {
	t.Helper()
	info, err := v.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	i := (h/2*w + w/2) * 4
	copy(rgba[:], pix[i:i+4])
	v.Release()
	return info.Seq, rgba
}

// at returns event i, read under the recorder's lock (the engine appends
// from its event goroutine).
func (r *recorder) at(i int) engine.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.events[i]
}
