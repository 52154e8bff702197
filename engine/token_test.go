package engine_test

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// tokenEngine creates an engine without an app sign: it logs in with tokens.
func tokenEngine(t *testing.T, url string, r *recorder) *engine.Engine {
	t.Helper()
	e, err := engine.New(engine.Config{AppID: config.DevAppID, ServerURL: url, Handler: r.handle})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Destroy)
	return e
}

func mintToken(t *testing.T, secret, user, roomID string, publish bool, ttl time.Duration) string {
	t.Helper()
	tok, err := token.Mint(secret, token.Claims{AppID: config.DevAppID, UserID: user, RoomID: roomID,
		Privileges: token.Privileges{LoginRoom: true, PublishStream: publish}, ExpiresAt: time.Now().Add(ttl)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func tokenLogin(t *testing.T, e *engine.Engine, room, user, tok string) {
	t.Helper()
	if err := e.LoginRoom(room, engine.User{UserID: user}, engine.RoomConfig{IsUserStatusNotify: true, Token: tok}); err != nil {
		t.Fatal(err)
	}
}

func eventCode(r *recorder, i int) protocol.Code {
	return r.at(i).Code
}

func TestTokenCall(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := tokenEngine(t, url, ra), tokenEngine(t, url, rb)
	tokenLogin(t, a, "room-t", "alice", mintToken(t, config.DevServerSecret, "alice", "room-t", true, time.Minute))
	ra.waitFor(t, "alice LOGINED", roomState("room-t", engine.RoomLogined))
	tokenLogin(t, b, "room-t", "bob", mintToken(t, config.DevServerSecret, "bob", "", false, time.Minute))
	rb.waitFor(t, "bob LOGINED", roomState("room-t", engine.RoomLogined))

	if err := a.StartPublishing("alice-main", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	ra.waitFor(t, "PUBLISHING", pubState("alice-main", engine.PublisherPublishing))
	view, _ := newView(t, 160, 120)
	if err := b.StartPlaying("alice-main", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "PLAYING", playState("alice-main", engine.PlayerPlaying))
	rb.waitFor(t, "first frame rendered", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })

	// A second room on the same connection, with that room's own token.
	tokenLogin(t, b, "room-2", "bob", mintToken(t, config.DevServerSecret, "bob", "room-2", false, time.Minute))
	rb.waitFor(t, "room-2 LOGINED", roomState("room-2", engine.RoomLogined))
	// The engine without publish privilege cannot publish.
	if err := b.StartPublishing("bob-main", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	i := rb.waitFor(t, "NO_PUBLISH", pubState("bob-main", engine.PublisherNoPublish))
	if got := eventCode(rb, i); got != protocol.ErrPublishNoPrivilege {
		t.Fatalf("NO_PUBLISH code %d, want %d", got, protocol.ErrPublishNoPrivilege)
	}
}

func TestTokenLoginFailures(t *testing.T) {
	url := startServer(t)
	cases := []struct {
		name string
		user string
		tok  string
		want protocol.Code
	}{
		{"bad signature", "u1", mintToken(t, "not-the-server-secret-not-the-server-secret", "u1", "", true, time.Minute), protocol.ErrRoomAuthFailed},
		{"expired", "u2", mintToken(t, config.DevServerSecret, "u2", "", true, -time.Second), protocol.ErrRoomTokenExpired},
		{"other user", "u3", mintToken(t, config.DevServerSecret, "someone-else", "", true, time.Minute), protocol.ErrRoomTokenInvalid},
		{"other room", "u4", mintToken(t, config.DevServerSecret, "u4", "another-room", true, time.Minute), protocol.ErrRoomTokenInvalid},
	}
	for _, tc := range cases {
		r := newRecorder()
		e := tokenEngine(t, url, r)
		tokenLogin(t, e, "room-f", tc.user, tc.tok)
		i := r.waitFor(t, tc.name+" LOGIN_FAILED", roomState("room-f", engine.RoomLoginFailed))
		if got := eventCode(r, i); got != tc.want {
			t.Errorf("%s: LOGIN_FAILED code %d, want %d", tc.name, got, tc.want)
		}
	}

	// Without an app sign a token is required: refused before anything is sent.
	r := newRecorder()
	e := tokenEngine(t, url, r)
	if err := e.LoginRoom("room-f", engine.User{UserID: "u5"}, engine.RoomConfig{}); protocol.CodeOf(err) != protocol.ErrRoomTokenInvalid {
		t.Fatalf("login without token: %v", err)
	}
	// A failed dial is forgotten: the next login dials again with its token.
	tokenLogin(t, e, "room-f", "u5", mintToken(t, config.DevServerSecret, "u5", "", false, -time.Second))
	r.waitFor(t, "LOGIN_FAILED", roomState("room-f", engine.RoomLoginFailed))
	tokenLogin(t, e, "room-f", "u5", mintToken(t, config.DevServerSecret, "u5", "", false, time.Minute))
	r.waitFor(t, "LOGINED", roomState("room-f", engine.RoomLogined))
}

func tokenWillExpire(room string) func(engine.Event) bool {
	return func(ev engine.Event) bool { return ev.Kind == engine.EventRoomTokenWillExpire && ev.RoomID == room }
}

func TestTokenWillExpireAndRenew(t *testing.T) {
	url := startServer(t)
	r := newRecorder()
	e := tokenEngine(t, url, r)
	// 33 s: the warning comes about 3 s after the login, with about 30 s left.
	tokenLogin(t, e, "room-r", "alice", mintToken(t, config.DevServerSecret, "alice", "", true, 33*time.Second))
	r.waitFor(t, "LOGINED", roomState("room-r", engine.RoomLogined))
	start := time.Now()
	i := r.waitFor(t, "token will expire", tokenWillExpire("room-r"))
	remain := r.at(i).State
	if remain < 28 || remain > 31 || time.Since(start) < time.Second {
		t.Fatalf("warning after %v with %d s left", time.Since(start), remain)
	}

	// Synchronous refusals.
	for _, tc := range []struct {
		room, tok string
		want      protocol.Code
	}{
		{"room-r", "", protocol.ErrRoomTokenInvalid},
		{"room-r", "not-a-token", protocol.ErrRoomTokenInvalid},
		{"bad room", "x", protocol.ErrInvalidRoomID},
		{"elsewhere", mintToken(t, config.DevServerSecret, "alice", "", true, time.Minute), protocol.ErrNotLoggedIn},
	} {
		if err := e.RenewToken(tc.room, tc.tok); protocol.CodeOf(err) != tc.want {
			t.Errorf("RenewToken(%q, %q): %v, want %s", tc.room, tc.tok, err, tc.want.Name())
		}
	}
	// A token for another user is refused by the server: on_debug_error.
	if err := e.RenewToken("room-r", mintToken(t, config.DevServerSecret, "bob", "", true, time.Minute)); err != nil {
		t.Fatal(err)
	}
	i = r.waitFor(t, "debug error", func(ev engine.Event) bool { return ev.Kind == engine.EventDebugError })
	if got := eventCode(r, i); got != protocol.ErrRoomTokenInvalid {
		t.Fatalf("debug error code %d", got)
	}

	// An app-sign engine has no token to renew.
	ra := newRecorder()
	a := newEngine(t, url, ra)
	login(t, a, ra, "room-r", "carol")
	if err := a.RenewToken("room-r", mintToken(t, config.DevServerSecret, "carol", "", true, time.Minute)); protocol.CodeOf(err) != protocol.ErrInvalidArgument {
		t.Fatalf("app-sign engine RenewToken: %v", err)
	}
}

func TestTokenExpiryStopsPublishingUnlessRenewed(t *testing.T) {
	url := startServer(t)
	r := newRecorder()
	e := tokenEngine(t, url, r)
	// 5 s: less than the warning time, so the warning comes at once.
	tokenLogin(t, e, "room-x", "alice", mintToken(t, config.DevServerSecret, "alice", "", true, 5*time.Second))
	r.waitFor(t, "LOGINED", roomState("room-x", engine.RoomLogined))
	r.waitFor(t, "token will expire", tokenWillExpire("room-x"))
	if err := e.StartPublishing("alice-main", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "PUBLISHING", pubState("alice-main", engine.PublisherPublishing))
	i := r.waitFor(t, "NO_PUBLISH", pubState("alice-main", engine.PublisherNoPublish))
	if got := eventCode(r, i); got != protocol.ErrRoomTokenExpired {
		t.Fatalf("NO_PUBLISH code %d, want %d", got, protocol.ErrRoomTokenExpired)
	}

	// Renewed in time, the stream outlives the first token.
	r2 := newRecorder()
	e2 := tokenEngine(t, url, r2)
	tokenLogin(t, e2, "room-x", "bob", mintToken(t, config.DevServerSecret, "bob", "", true, 5*time.Second))
	r2.waitFor(t, "LOGINED", roomState("room-x", engine.RoomLogined))
	if err := e2.StartPublishing("bob-main", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r2.waitFor(t, "PUBLISHING", pubState("bob-main", engine.PublisherPublishing))
	if err := e2.RenewToken("room-x", mintToken(t, config.DevServerSecret, "bob", "", true, time.Minute)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(6 * time.Second)
	r2.mu.Lock()
	defer r2.mu.Unlock()
	for _, ev := range r2.events {
		if ev.Kind == engine.EventPublisherStateUpdate && ev.State == engine.PublisherNoPublish {
			t.Fatalf("stream stopped after renewal: %s", describe(ev))
		}
		if ev.Kind == engine.EventDebugError {
			t.Fatalf("renewal refused: %s", describe(ev))
		}
	}
}
