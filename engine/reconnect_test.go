package engine_test

import (
	"context"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// runServer starts the dev server on listen ("127.0.0.1:0" for any port);
// the caller closes it.
func runServer(t *testing.T, listen string) *server.Server {
	t.Helper()
	cfg := config.Dev()
	cfg.Listen = listen
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func newEngineWindow(t *testing.T, url string, r *recorder, window time.Duration) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url,
		Handler: r.handle, ReconnectWindow: window})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Destroy)
	return e
}

// TestReconnectAfterServerRestart restarts the server under a call: both
// engines report RECONNECTING, come back by themselves (RECONNECTED), the
// publisher publishes again and the player's view gets frames again.
func TestReconnectAfterServerRestart(t *testing.T) {
	s1 := runServer(t, "127.0.0.1:0")
	url := s1.URL()
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-r", "alice")
	login(t, b, rb, "room-r", "bob")
	if err := a.StartPublishing("s-r", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 32, 18)
	if err := b.StartPlaying("s-r", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })

	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*recorder{ra, rb} {
		i := r.waitFor(t, "RECONNECTING", roomState("room-r", engine.RoomReconnecting))
		if r.at(i).Code != protocol.ErrRoomNetwork {
			t.Fatalf("RECONNECTING code %d", r.at(i).Code)
		}
	}
	s2 := runServer(t, strings.TrimPrefix(url, "ws://"))
	defer s2.Close()
	ra.waitFor(t, "RECONNECTED", roomState("room-r", engine.RoomReconnected))
	rb.waitFor(t, "RECONNECTED", roomState("room-r", engine.RoomReconnected))
	deadline := time.Now().Add(10 * time.Second)
	for countMatching(ra, pubState("s-r", engine.PublisherPublishing)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("not PUBLISHING again after the restart:\n%s", ra.dump())
		}
		time.Sleep(20 * time.Millisecond)
	}
	seq, _ := centre(t, view, pix, 32, 18)
	for {
		if now, _ := centre(t, view, pix, 32, 18); now > seq+10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frames after the restart:\n%s", rb.dump())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestReconnectGivesUp: with no server coming back, the room ends with
// RECONNECT_FAILED after the window, and its publishing stops.
func TestReconnectGivesUp(t *testing.T) {
	s := runServer(t, "127.0.0.1:0")
	r := newRecorder()
	e := newEngineWindow(t, s.URL(), r, time.Second)
	login(t, e, r, "room-g", "alice")
	if err := e.StartPublishing("s-g", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "PUBLISHING", pubState("s-g", engine.PublisherPublishing))
	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "RECONNECTING", roomState("room-g", engine.RoomReconnecting))
	i := r.waitFor(t, "RECONNECT_FAILED", roomState("room-g", engine.RoomReconnectFailed))
	if d := time.Since(start); d < time.Second {
		t.Fatalf("gave up after %v, before the 1 s window", d)
	}
	if r.at(i).Code != protocol.ErrRoomNetwork {
		t.Fatalf("RECONNECT_FAILED code %d", r.at(i).Code)
	}
	r.waitFor(t, "NO_PUBLISH", pubState("s-g", engine.PublisherNoPublish))
}

func countMatching(r *recorder, match func(engine.Event) bool) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, ev := range r.events {
		if match(ev) {
			n++
		}
	}
	return n
}

// TestOutageShorterThanGraceIsInvisible cuts a publisher's signaling
// connection: it reports RECONNECTING then RECONNECTED, the server resumes
// its session, so its stream is not published again, and the other user
// sees nobody leave or come and no stream end, while frames keep arriving.
func TestOutageShorterThanGraceIsInvisible(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-o", "alice")
	if err := b.LoginRoom("room-o", engine.User{UserID: "bob"}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "LOGINED", roomState("room-o", engine.RoomLogined))
	if err := a.StartPublishing("s-o", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 32, 18)
	if err := b.StartPlaying("s-o", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	before := countMatching(rb, func(engine.Event) bool { return true })

	a.DropConnection()
	ra.waitFor(t, "RECONNECTING", roomState("room-o", engine.RoomReconnecting))
	ra.waitFor(t, "RECONNECTED", roomState("room-o", engine.RoomReconnected))
	seq, _ := centre(t, view, pix, 32, 18)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if now, _ := centre(t, view, pix, 32, 18); now > seq+10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("frames stopped after the outage")
		}
		time.Sleep(30 * time.Millisecond)
	}
	if n := countMatching(ra, pubState("s-o", engine.PublisherPublishRequesting)); n != 1 {
		t.Fatalf("the stream was published %d times; a resumed session keeps it", n)
	}
	rb.mu.Lock()
	after := rb.events[before:]
	rb.mu.Unlock()
	for _, ev := range after {
		switch ev.Kind {
		case engine.EventRoomUserUpdate, engine.EventRoomStreamUpdate, engine.EventRoomStateChanged, engine.EventPlayerStateUpdate:
			t.Fatalf("bob noticed the outage: %s", describe(ev))
		}
	}
}

// freezer is a TCP proxy whose connections can go silent without closing:
// a network path that died under an open connection. While it is cut, new
// connections are held (as a connect into a dead link waits) until thaw.
type freezer struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	links  []*link
	thawed chan struct{} // closed while not cut
	wg     sync.WaitGroup
}

type link struct {
	frozen atomic.Bool
	a, b   net.Conn
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &freezer{ln: ln, target: target, thawed: make(chan struct{})}
	close(f.thawed)
	f.wg.Add(1)
	go f.accept()
	t.Cleanup(f.close)
	return f
}

func (f *freezer) url() string { return "ws://" + f.ln.Addr().String() }

func (f *freezer) accept() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		thawed := f.thawed
		f.mu.Unlock()
		<-thawed
		s, err := net.Dial("tcp", f.target)
		if err != nil {
			c.Close()
			continue
		}
		l := &link{a: c, b: s}
		f.mu.Lock()
		f.links = append(f.links, l)
		f.mu.Unlock()
		f.wg.Add(2)
		go f.pipe(l, c, s)
		go f.pipe(l, s, c)
	}
}

// pipe copies until either side closes; once frozen, bytes are dropped.
func (f *freezer) pipe(l *link, dst, src net.Conn) {
	defer f.wg.Done()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if err != nil {
			dst.Close()
			return
		}
		if !l.frozen.Load() {
			if _, err := dst.Write(buf[:n]); err != nil {
				src.Close()
				return
			}
		}
	}
}

// freeze silences the connections open now; later ones work.
func (f *freezer) freeze() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, l := range f.links {
		l.frozen.Store(true)
	}
}

// cut silences the connections open now and holds new ones until thaw.
func (f *freezer) cut() {
	f.freeze()
	f.mu.Lock()
	f.thawed = make(chan struct{})
	f.mu.Unlock()
}

// thaw ends a cut: held connections go through, new ones work. The frozen
// ones stay dead, as TCP connections that gave up would.
func (f *freezer) thaw() {
	f.mu.Lock()
	close(f.thawed)
	f.mu.Unlock()
}

func (f *freezer) close() {
	f.mu.Lock()
	select {
	case <-f.thawed:
	default:
		close(f.thawed)
	}
	f.mu.Unlock()
	f.ln.Close()
	f.mu.Lock()
	for _, l := range f.links {
		l.a.Close()
		l.b.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}

// TestSilentConnectionIsNoticed cuts a publisher's signaling path for 5 s
// without closing it (the server still thinks it open): the engine notices
// the silence within its 3 s ping timeout, reports RECONNECTING, takes its
// session over within 2 s of the path's return, and the other user
// notices nothing.
func TestSilentConnectionIsNoticed(t *testing.T) {
	url := startServer(t)
	f := newFreezer(t, strings.TrimPrefix(url, "ws://"))
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, f.url(), ra), newEngine(t, url, rb)
	login(t, a, ra, "room-f", "alice")
	if err := b.LoginRoom("room-f", engine.User{UserID: "bob"}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "LOGINED", roomState("room-f", engine.RoomLogined))
	if err := a.StartPublishing("s-f", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING", pubState("s-f", engine.PublisherPublishing))
	rb.waitFor(t, "stream ADD", func(ev engine.Event) bool { return ev.Kind == engine.EventRoomStreamUpdate })
	before := countMatching(rb, func(engine.Event) bool { return true })

	start := time.Now()
	f.cut()
	ra.waitFor(t, "RECONNECTING", roomState("room-f", engine.RoomReconnecting))
	if d := time.Since(start); d > 4500*time.Millisecond {
		t.Fatalf("the silent connection was noticed after %v", d)
	}
	time.Sleep(time.Until(start.Add(5 * time.Second)))
	f.thaw()
	back := time.Now()
	ra.waitFor(t, "RECONNECTED", roomState("room-f", engine.RoomReconnected))
	if d := time.Since(back); d > 2*time.Second {
		t.Fatalf("RECONNECTED %v after the path came back", d)
	}
	if n := countMatching(ra, pubState("s-f", engine.PublisherPublishRequesting)); n != 1 {
		t.Fatalf("published %d times; the session was taken over and the stream kept", n)
	}
	rb.mu.Lock()
	after := rb.events[before:]
	rb.mu.Unlock()
	for _, ev := range after {
		switch ev.Kind {
		case engine.EventRoomUserUpdate, engine.EventRoomStreamUpdate:
			t.Fatalf("bob noticed the outage: %s", describe(ev))
		}
	}
}

// TestMediaFailureRepublishesAndReplays breaks a publisher's media
// connection under a call: the server ends the publication with
// PUBLISH_NETWORK, the engine publishes again by itself, and the player
// gets frames again.
func TestMediaFailureRepublishesAndReplays(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-m", "alice")
	login(t, b, rb, "room-m", "bob")
	if err := a.StartPublishing("s-m", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, pix := newView(t, 32, 18)
	if err := b.StartPlaying("s-m", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	a.BreakPublisherMedia(engine.ChannelMain)
	deadline := time.Now().Add(10 * time.Second)
	for countMatching(ra, pubState("s-m", engine.PublisherPublishing)) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("not PUBLISHING again:\n%s", ra.dump())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := countMatching(ra, pubState("s-m", engine.PublisherNoPublish)); n != 0 {
		t.Fatalf("NO_PUBLISH %d times: a media failure is retried, not the end", n)
	}
	waitFrames(t, view, pix, deadline, "after the publisher's media failure", rb)

	// The player's own media connection fails: it plays again by itself.
	b.BreakPlayerMedia("s-m")
	deadline = time.Now().Add(10 * time.Second)
	waitFrames(t, view, pix, deadline, "after the player's media failure", rb)
	if n := countMatching(rb, playState("s-m", engine.PlayerNoPlay)); n != 0 {
		t.Fatalf("NO_PLAY %d times: a media failure is retried", n)
	}
}

// waitFrames waits until the view has taken at least 10 more frames.
func waitFrames(t *testing.T, view *render.View, pix []byte, deadline time.Time, what string, r *recorder) {
	t.Helper()
	seq, _ := centre(t, view, pix, 32, 18)
	for {
		if now, _ := centre(t, view, pix, 32, 18); now > seq+10 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no frames %s:\n%s", what, r.dump())
		}
		time.Sleep(30 * time.Millisecond)
	}
}
