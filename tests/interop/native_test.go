package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// parleyd is a real parleyd --dev process on a free loopback port. Its
// debug log is shown when a test fails, or always with PARLEY_INTEROP_LOG=1.
type parleyd struct {
	url     string // ws://127.0.0.1:port
	pageURL string // http://127.0.0.1:port/
	logPath string
}

var startLine = regexp.MustCompile(`url=(ws://\S+)`)

func startParleyd(t *testing.T) *parleyd { t.Helper(); return startParleydOn(t, "127.0.0.1:0") }

// startParleydOn is startParleyd listening on listen (HOST:PORT).
func startParleydOn(t *testing.T, listen string) *parleyd {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "parleyd.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(parleydBin, "--dev", "--listen", listen, "--log-level", "debug")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("parleyd: %v", err)
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("parleyd did not stop within 10 s of SIGINT")
		}
		if t.Failed() || os.Getenv("PARLEY_INTEROP_LOG") != "" {
			b, _ := os.ReadFile(logPath)
			t.Logf("parleyd log (debug):\n%s", tail(string(b), logLines()))
		}
	})
	var m []string
	eventually(t, 10*time.Second, func() (bool, string) {
		b, _ := os.ReadFile(logPath)
		m = startLine.FindStringSubmatch(string(b))
		return m != nil, "no start line from parleyd: " + string(b)
	})
	return &parleyd{url: m[1], pageURL: "http" + strings.TrimPrefix(m[1], "ws") + "/", logPath: logPath}
}

func tail(s string, lines int) string {
	l := strings.Split(s, "\n")
	return strings.Join(l[max(0, len(l)-lines):], "\n")
}

// native is one engine in the test process and the room as its events
// describe it.
type native struct {
	t    *testing.T
	name string
	e    *engine.Engine

	mu      sync.Mutex
	events  []engine.Event
	users   map[string]bool // other users in the room
	streams map[string]bool // other users' streams in the room
}

func newNative(t *testing.T, srv *parleyd, name string) *native {
	t.Helper()
	n := &native{t: t, name: name, users: map[string]bool{}, streams: map[string]bool{}}
	e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: srv.url, Handler: n.handle})
	if err != nil {
		t.Fatal(err)
	}
	n.e = e
	t.Cleanup(e.Destroy)
	return n
}

func (n *native) handle(ev engine.Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.events = append(n.events, ev)
	add := ev.UpdateType == protocol.UpdateAdd
	switch ev.Kind {
	case engine.EventRoomUserUpdate:
		for _, u := range ev.Users {
			n.users[u.UserID] = add
		}
	case engine.EventRoomStreamUpdate:
		for _, s := range ev.Streams {
			n.streams[s.StreamID] = add
		}
	}
}

// find returns the latest event that matches.
func (n *native) find(match func(engine.Event) bool) (engine.Event, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := len(n.events) - 1; i >= 0; i-- {
		if match(n.events[i]) {
			return n.events[i], true
		}
	}
	return engine.Event{}, false
}

// await waits for an event that matches and returns it.
func (n *native) await(what string, match func(engine.Event) bool) engine.Event {
	n.t.Helper()
	var ev engine.Event
	eventually(n.t, 20*time.Second, func() (ok bool, why string) {
		ev, ok = n.find(match)
		return ok, n.name + " saw no " + what
	})
	return ev
}

// roomIDs are the other users and their streams, as the events said.
func (n *native) roomIDs() (users, streams []string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for id, in := range n.users {
		if in {
			users = append(users, id)
		}
	}
	for id, in := range n.streams {
		if in {
			streams = append(streams, id)
		}
	}
	slices.Sort(users)
	slices.Sort(streams)
	return users, streams
}

func (n *native) login(roomID, userID string) {
	n.t.Helper()
	if err := n.e.LoginRoom(roomID, engine.User{UserID: userID, UserName: n.name}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		n.t.Fatal(err)
	}
	n.await("LOGINED", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStateChanged && ev.RoomID == roomID && ev.Reason == engine.RoomLogined
	})
}

// publish publishes the engine's default sources, the test pattern and the
// test tone, at w x h with codec.
func (n *native) publish(streamID string, w, h int, codec engine.VideoCodec) {
	n.t.Helper()
	vc := engine.VideoConfig{CaptureWidth: w, CaptureHeight: h, EncodeWidth: w, EncodeHeight: h, FPS: 30, Codec: codec}
	if err := n.e.SetVideoConfig(vc, engine.ChannelMain); err != nil {
		n.t.Fatal(err)
	}
	if err := n.e.StartPublishing(streamID, engine.ChannelMain); err != nil {
		n.t.Fatal(err)
	}
	n.await("PUBLISHING "+streamID, func(ev engine.Event) bool {
		return ev.Kind == engine.EventPublisherStateUpdate && ev.StreamID == streamID && ev.State == engine.PublisherPublishing
	})
}

// play plays streamID into a new w x h view.
func (n *native) play(streamID string, w, h int) *shownView {
	n.t.Helper()
	pix := make([]byte, w*h*4)
	v, err := render.NewView(render.Desc{Pixels: pix, Width: w, Height: h, Stride: w * 4, Mode: render.ModeScaleToFill})
	if err != nil {
		n.t.Fatal(err)
	}
	n.t.Cleanup(func() { v.Close(); engine.ReleaseView(v) })
	if err := n.e.StartPlaying(streamID, v); err != nil {
		n.t.Fatal(err)
	}
	return &shownView{v: v, pix: pix, w: w, h: h}
}

// shownView is a view an engine renders a played stream into.
type shownView struct {
	v    *render.View
	pix  []byte
	w, h int
}

// snapshot copies the view's picture, read under acquire, and its frame
// sequence number (0 before the first frame).
func (s *shownView) snapshot(t *testing.T) (*picture, uint64) {
	t.Helper()
	info, err := s.v.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer s.v.Release()
	return &picture{w: s.w, h: s.h, rgba: slices.Clone(s.pix)}, info.Seq
}

// heardPeak fetches d of the engine's mixed remote audio (48 kHz mono) and
// returns its largest sample magnitude.
func (n *native) heardPeak(d time.Duration) int {
	n.t.Helper()
	pcm := make([]int16, 480)
	peak := 0
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if err := n.e.FetchAudioPCM(pcm, 480, 48000, 1); err != nil {
			n.t.Fatal(err)
		}
		for _, s := range pcm {
			peak = max(peak, abs(int(s)))
		}
	}
	return peak
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// logLines is how much of parleyd's log a test shows: the end of it, or
// all of it with PARLEY_INTEROP_LOG=all.
func logLines() int {
	if os.Getenv("PARLEY_INTEROP_LOG") == "all" {
		return 1 << 30
	}
	return 60
}
