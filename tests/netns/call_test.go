package netns

import (
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
)

// serverPort is parleyd's TCP (signaling) and UDP (media) port in its
// namespace.
const serverPort = "7880"

// minFPS is the frame rate a player must see for the call to count as
// working: 640x360 at 30 fps sent.
const minFPS = 20

// call is parleyd and two clients, each in its own namespace: A publishes,
// B plays A's stream.
type call struct {
	tp   *topology
	srv  *parleyd
	a, b *client
}

// startCall builds the topology, starts parleyd and the clients (A with the
// given reconnect window, 0 for the engine's default) and waits until B's
// view gets A's frames at minFPS.
func startCall(t *testing.T, window time.Duration) *call {
	t.Helper()
	return startCallWith(t, window, "")
}

// startCallWith is startCall with A publishing source (sourceNoisy, or ""
// for the test pattern).
func startCallWith(t *testing.T, window time.Duration, source string) *call {
	t.Helper()
	c := &call{tp: newTopology(t, "a", "b")}
	c.srv = &parleyd{tp: c.tp}
	c.srv.start(t)
	if window == 0 {
		window = engine.DefaultReconnectWindow
	}
	c.b = startClient(t, c.tp, "b", rolePlayer, engine.DefaultReconnectWindow, "")
	c.a = startClient(t, c.tp, "a", rolePublisher, window, source)
	start := time.Now()
	c.a.expect(t, "A logged in", 0, start.Add(15*time.Second), roomState("LOGINED"))
	c.b.expect(t, "B logged in", 0, start.Add(15*time.Second), roomState("LOGINED"))
	c.a.expect(t, "A publishing", 0, start.Add(15*time.Second), publisherState("PUBLISHING"))
	c.b.expect(t, "B's view at full rate", 0, start.Add(20*time.Second), atFullRate)
	return c
}

// end closes both clients; each must destroy its engine, leave no goroutine
// and exit 0.
func (c *call) end(t *testing.T) {
	t.Helper()
	c.a.quit(t)
	c.b.quit(t)
}

// parleyd is the server process in the topology's server namespace.
type parleyd struct {
	tp *topology
	p  *proc
}

// start runs parleyd --dev on 0.0.0.0:serverPort and waits until it serves.
func (s *parleyd) start(t *testing.T) {
	t.Helper()
	ready := make(chan struct{})
	var once sync.Once
	s.p = startProc(t, procSpec{name: "parleyd", ns: s.tp.server,
		argv: []string{serverBin, "--dev", "--listen", "0.0.0.0:" + serverPort},
		stderr: func(line string) {
			if strings.Contains(line, "Parley server started") {
				once.Do(func() { close(ready) })
			}
		}})
	select {
	case <-ready:
	case <-s.p.exited:
		t.Fatalf("parleyd exited at start (%v):\n%s", s.p.err, s.p.stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatalf("parleyd not serving within 10 s:\n%s", s.p.stderr.String())
	}
}

// kill ends parleyd with SIGKILL, as a crash would: no close messages.
func (s *parleyd) kill(t *testing.T) { s.p.kill(t) }

// client is a client process and the records it wrote.
type client struct {
	*recorder
	name string
	p    *proc
}

// startClient runs the test binary's TestClientProcess in the client's
// namespace.
func startClient(t *testing.T, tp *topology, name, role string, window time.Duration, source string) *client {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{recorder: newRecorder(), name: name}
	c.p = startProc(t, procSpec{name: "client " + name, ns: tp.links[name].ns,
		env: []string{envRole + "=" + role, envServer + "=" + tp.url(name), envRoom + "=netns",
			envWindow + "=" + window.String(), envSource + "=" + source},
		argv:   []string{exe, "-test.run=^TestClientProcess$", "-test.timeout=10m"},
		stdout: c.line})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client %s records:\n%s", name, c.dump())
		}
	})
	return c
}

// expect waits for a record from index from on that matches, and ends the
// test if none has come by deadline.
func (c *client) expect(t *testing.T, what string, from int, deadline time.Time, match func(record) bool) (int, record) {
	t.Helper()
	i, rec, ok := c.waitFor(from, deadline, match)
	if !ok {
		t.Fatalf("%s: not seen in time", what)
	}
	return i, rec
}

// quit closes the client's stdin: it must destroy its engine, report no
// goroutine left running and exit 0.
func (c *client) quit(t *testing.T) {
	t.Helper()
	from := c.len()
	_ = c.p.stdin.Close()
	_, rec, ok := c.waitFor(from, time.Now().Add(15*time.Second), kind("exit"))
	switch {
	case !ok:
		t.Errorf("client %s did not report its exit within 15 s", c.name)
	case rec.Leaks != "":
		t.Errorf("client %s left goroutines running after Destroy:\n%s", c.name, rec.Leaks)
	}
	if !c.p.wait(10 * time.Second) {
		t.Errorf("client %s still running 10 s after its stdin closed", c.name)
	} else if c.p.err != nil {
		t.Errorf("client %s exited with %v", c.name, c.p.err)
	}
}

// Record matchers.

func kind(k string) func(record) bool { return func(r record) bool { return r.Kind == k } }

func roomState(reason string) func(record) bool {
	return func(r record) bool { return r.Kind == "room_state" && r.Reason == reason }
}

func publisherState(reason string) func(record) bool {
	return func(r record) bool { return r.Kind == "publisher_state" && r.Reason == reason && r.Stream == streamID }
}

func userLeft(user string) func(record) bool {
	return func(r record) bool { return r.Kind == "user_update" && r.Reason == "DELETE" && r.User == user }
}

func streamEnded(r record) bool {
	return r.Kind == "stream_update" && r.Reason == "DELETE" && r.Stream == streamID
}

// atFullRate is a frame count of at least minFPS frames in a second.
func atFullRate(r record) bool { return r.Kind == "stats" && r.Frames >= minFPS }
