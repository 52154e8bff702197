package engine_test

import (
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// pushMedia sends solid-colour RGBA frames and a 1 kHz tone from A until
// stop is closed; colour() is read for every frame.
func pushMedia(t *testing.T, e *engine.Engine, colour func() [3]byte, stop chan struct{}, paused ...*atomic.Bool) *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		const w, h = 320, 240
		frame := make([]byte, w*h*4)
		pcm := make([]int16, 480)
		phase := 0.0
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for n := 0; ; n++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			if len(paused) > 0 && paused[0].Load() {
				continue
			}
			for i := range pcm {
				pcm[i] = int16(8000 * math.Sin(phase))
				phase += 2 * math.Pi * 1000 / 48000
			}
			e.SendCustomAudioPCM(pcm, 480, 48000, 1)
			if n%3 == 0 {
				c := colour()
				for i := 0; i < len(frame); i += 4 {
					frame[i], frame[i+1], frame[i+2], frame[i+3] = c[0], c[1], c[2], 255
				}
				e.SendCustomVideoFrame(frame, w, h, w*4, 0, engine.ChannelMain)
			}
		}
	}()
	return &wg
}

func near(got [4]byte, want [3]byte, tol int) bool {
	for i := 0; i < 3; i++ {
		if d := int(got[i]) - int(want[i]); d > tol || d < -tol {
			return false
		}
	}
	return got[3] == 255
}

func TestCallCustomVideoAndTone(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-1", "alice")
	login(t, b, rb, "room-1", "bob")
	rb.waitFor(t, "alice joins", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Users[0].UserID == "alice"
	})

	if err := a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.SetAudioSource(engine.AudioSourceCustom); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	colour := [3]byte{255, 0, 0}
	stop := make(chan struct{})
	wg := pushMedia(t, a, func() [3]byte { mu.Lock(); defer mu.Unlock(); return colour }, stop)
	defer func() { close(stop); wg.Wait() }()

	if err := a.StartPublishing("stream-a", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING", pubState("stream-a", engine.PublisherPublishing))
	rb.waitFor(t, "stream ADD", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Streams[0].StreamID == "stream-a"
	})

	const w, h = 160, 120
	view, pix := newView(t, w, h)
	if err := b.StartPlaying("stream-a", view); err != nil {
		t.Fatal(err)
	}
	req := rb.waitFor(t, "PLAY_REQUESTING", playState("stream-a", engine.PlayerPlayRequesting))
	playing := rb.waitFor(t, "PLAYING", playState("stream-a", engine.PlayerPlaying))
	if req > playing {
		t.Fatalf("PLAY_REQUESTING (%d) after PLAYING (%d)", req, playing)
	}
	rb.waitFor(t, "first frame rendered", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })

	waitColour := func(want [3]byte) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			seq, got := centre(t, view, pix, w, h)
			if seq > 0 && near(got, want, 40) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("centre pixel %v, want ≈ %v (seq %d)", got, want, seq)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitColour([3]byte{255, 0, 0})
	mu.Lock()
	colour = [3]byte{0, 255, 0}
	mu.Unlock()
	waitColour([3]byte{0, 255, 0})

	// The tone is heard in the mixed remote audio, at 44.1 kHz stereo too.
	pcm := make([]int16, 441*2)
	var heard []int16
	for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if err := b.FetchAudioPCM(pcm, 441, 44100, 2); err != nil {
			t.Fatal(err)
		}
		heard = append(heard, pcm...)
	}
	tail := heard[len(heard)/2:]
	if r := audio.ToneRatio(tail, 2, 44100, 1000); r < 0.5 {
		t.Fatalf("1 kHz tone ratio %.3f in fetched audio, want ≥ 0.5", r)
	}

	if err := a.StopPublishing(engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "stream DELETE", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateDelete
	})
	if err := a.LogoutRoom(""); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "LOGOUT", roomState("room-1", engine.RoomLogout))
}

func TestLoginWithWrongSignFails(t *testing.T) {
	url := startServer(t)
	r := newRecorder()
	e, err := engine.New(engine.Config{AppID: 1, AppSign: "ff" + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"[2:], ServerURL: url, Handler: r.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Destroy()
	if err := e.LoginRoom("room-1", engine.User{UserID: "u1"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	i := r.waitFor(t, "LOGIN_FAILED", roomState("room-1", engine.RoomLoginFailed))
	if got := r.at(i).Code; got != protocol.ErrRoomAuthFailed {
		t.Fatalf("LOGIN_FAILED code %d, want %d", got, protocol.ErrRoomAuthFailed)
	}
	if r.at(0).Reason != engine.RoomLogining {
		t.Fatalf("first event %s, want LOGINING", describe(r.at(0)))
	}
}

func TestBadArgumentsAreRefusedBeforeAnythingIsSent(t *testing.T) {
	r := newRecorder()
	e, err := engine.New(engine.Config{AppID: 1, AppSign: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", ServerURL: "ws://127.0.0.1:1", Handler: r.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Destroy()
	cases := []struct {
		name string
		err  error
		want protocol.Code
	}{
		{"empty room", e.LoginRoom("", engine.User{UserID: "u"}, engine.RoomConfig{}), protocol.ErrInvalidRoomID},
		{"room with space", e.LoginRoom("a b", engine.User{UserID: "u"}, engine.RoomConfig{}), protocol.ErrInvalidRoomID},
		{"user too long", e.LoginRoom("r", engine.User{UserID: string(make([]byte, 65))}, engine.RoomConfig{}), protocol.ErrInvalidUserID},
		{"publish before login", e.StartPublishing("s", engine.ChannelMain), protocol.ErrNotLoggedIn},
		{"bad channel", e.StartPublishing("s", 7), protocol.ErrInvalidChannel},
		{"play before login", e.StartPlaying("s", nil), protocol.ErrNotLoggedIn},
		{"camera", e.SetVideoSource(engine.VideoSourceCamera, engine.ChannelMain), protocol.ErrDeviceNotFound},
		{"custom frame without custom source", e.SendCustomVideoFrame(make([]byte, 16), 2, 2, 8, 0, engine.ChannelMain), protocol.ErrCustomCaptureNotEnabled},
		{"fetch at 11 kHz", e.FetchAudioPCM(make([]int16, 110), 110, 11000, 1), protocol.ErrInvalidArgument},
	}
	for _, c := range cases {
		if got := protocol.CodeOf(c.err); got != c.want {
			t.Errorf("%s: code %d, want %d", c.name, got, c.want)
		}
	}
	if _, err := engine.New(engine.Config{AppID: 1, AppSign: "xyz"}); protocol.CodeOf(err) != protocol.ErrInvalidAppSign {
		t.Errorf("bad sign: %v", err)
	}
}

func TestKickOutWhenSameUserLogsInElsewhere(t *testing.T) {
	url := startServer(t)
	r1, r2 := newRecorder(), newRecorder()
	e1, e2 := newEngine(t, url, r1), newEngine(t, url, r2)
	login(t, e1, r1, "room-k", "same-user")
	login(t, e2, r2, "room-k", "same-user")
	i := r1.waitFor(t, "KICK_OUT", roomState("room-k", engine.RoomKickOut))
	if got := r1.at(i).Code; got != protocol.ErrRoomKickedOut {
		t.Fatalf("KICK_OUT code %d, want 1002050", got)
	}
}

func TestSecondPublisherOfAStreamIDFails(t *testing.T) {
	url := startServer(t)
	r1, r2 := newRecorder(), newRecorder()
	e1, e2 := newEngine(t, url, r1), newEngine(t, url, r2)
	login(t, e1, r1, "room-p", "u1")
	login(t, e2, r2, "room-p", "u2")
	if err := e1.StartPublishing("taken", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r1.waitFor(t, "PUBLISHING", pubState("taken", engine.PublisherPublishing))
	if err := e2.StartPublishing("taken", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	i := r2.waitFor(t, "NO_PUBLISH", pubState("taken", engine.PublisherNoPublish))
	if got := r2.at(i).Code; got != protocol.ErrPublishStreamIDInUse {
		t.Fatalf("code %d, want 1003028", got)
	}
}

func TestPlayBeforePublishWaitsThenPlays(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-w", "alice")
	login(t, b, rb, "room-w", "bob")
	view, pix := newView(t, 64, 36)
	if err := b.StartPlaying("later", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAY_REQUESTING", playState("later", engine.PlayerPlayRequesting))
	time.Sleep(300 * time.Millisecond)
	if err := a.StartPublishing("later", engine.ChannelMain); err != nil { // test pattern
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAYING", playState("later", engine.PlayerPlaying))
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	seq, _ := centre(t, view, pix, 64, 36)
	if seq == 0 {
		t.Fatal("no frame landed in the view")
	}
}

// TestLoginRightAfterLogout logs in to a room again at once after each
// logout: the new login must reach the server after the logout, never
// fail as "already logged in".
func TestLoginRightAfterLogout(t *testing.T) {
	url := startServer(t)
	r := newRecorder()
	e := newEngine(t, url, r)
	for i := range 20 {
		if err := e.LoginRoom("room-again", engine.User{UserID: "u"}, engine.RoomConfig{}); err != nil {
			t.Fatal(err)
		}
		n := r.waitFor(t, "LOGINED or LOGIN_FAILED", func(ev engine.Event) bool {
			return ev.Kind == engine.EventRoomStateChanged && ev.RoomID == "room-again" &&
				(ev.Reason == engine.RoomLogined || ev.Reason == engine.RoomLoginFailed)
		})
		if ev := r.at(n); ev.Reason != engine.RoomLogined {
			t.Fatalf("round %d: login failed with %d", i, ev.Code)
		}
		r.mu.Lock()
		r.events = nil // the next round waits for its own events
		r.mu.Unlock()
		if err := e.LogoutRoom("room-again"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPublishRightAfterLogin publishes before the login is through, as the
// seed's quick start does: the stream goes out once the room is in. A
// publish waiting for a login that fails ends with NO_PUBLISH.
func TestPublishRightAfterLogin(t *testing.T) {
	url := startServerWith(t, func(c *config.Config) { c.Limits.MaxRoomMembers = 2 })
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	if err := a.LoginRoom("room-q", engine.User{UserID: "alice"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	if err := a.StartPublishing("quick", engine.ChannelMain); err != nil {
		t.Fatalf("publish while logging in: %v", err)
	}
	ra.waitFor(t, "PUBLISHING", pubState("quick", engine.PublisherPublishing))
	login(t, b, rb, "room-q", "bob")
	view, _ := newView(t, 32, 18)
	if err := b.StartPlaying("quick", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })

	// The room is full now: carol's login fails, and so does her publish.
	rc := newRecorder()
	c := newEngine(t, url, rc)
	if err := c.LoginRoom("room-q", engine.User{UserID: "carol"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	if err := c.StartPublishing("never", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	i := rc.waitFor(t, "NO_PUBLISH", pubState("never", engine.PublisherNoPublish))
	if got := rc.at(i).Code; got != protocol.ErrNotLoggedIn {
		t.Fatalf("NO_PUBLISH code %d, want %d", got, protocol.ErrNotLoggedIn)
	}
}
