package server

import (
	"bytes"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// devToken mints a dev-app token for user that expires in ttl.
func devToken(t *testing.T, user, roomID string, publish bool, ttl time.Duration, streams ...string) string {
	t.Helper()
	tok, err := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: user, RoomID: roomID,
		Privileges: token.Privileges{LoginRoom: true, PublishStream: publish}, StreamIDs: streams,
		ExpiresAt: time.Now().Add(ttl)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func tokenAuthed(t *testing.T, s *Server, tok string) *testkit.Client {
	t.Helper()
	c := dial(t, s)
	if _, err := c.HandshakeToken(config.DevAppID, tok); err != nil {
		t.Fatalf("token handshake: %v", err)
	}
	return c
}

func TestTokenCall(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	tok := devToken(t, "alice", "lobby", true, time.Minute)
	a := tokenAuthed(t, s, tok)
	login(t, a, "lobby", "alice", false)
	if err := publish(a, "lobby", "alice-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	// An app-sign session sees the token session's stream.
	b := authed(t, s, 1)
	if ok := login(t, b, "lobby", "bob", false); len(ok.Streams) != 1 || ok.Streams[0].StreamID != "alice-main" {
		t.Fatalf("snapshot %+v", ok)
	}
	if bytes.Contains(a.Wire(), []byte(config.DevAppSign)) || bytes.Contains(a.Wire(), []byte(config.DevServerSecret)) {
		t.Fatal("a secret crossed the wire")
	}
}

func TestTokenBadSignature(t *testing.T) {
	s := startServer(t)
	tok, err := token.Mint("not-the-server-secret-not-the-server-secret", token.Claims{AppID: config.DevAppID,
		UserID: "alice", Privileges: token.Privileges{LoginRoom: true}, ExpiresAt: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{tok, "garbage", devToken(t, "alice", "", true, time.Minute) + "x"} {
		c := dial(t, s)
		_, err := c.HandshakeToken(config.DevAppID, bad)
		wantCode(t, err, protocol.ErrRoomAuthFailed)
		waitClosed(t, c)
	}
}

func TestTokenForOneApp(t *testing.T) {
	s := startServer(t)
	// App 2 shares the dev server secret in these tests: the app ID claim decides.
	c := dial(t, s)
	_, err := c.HandshakeToken(app2, devToken(t, "alice", "", false, time.Minute))
	wantCode(t, err, protocol.ErrRoomAuthFailed)
	waitClosed(t, c)
}

func TestTokenExpired(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	_, err := c.HandshakeToken(config.DevAppID, devToken(t, "alice", "", false, -time.Second))
	wantCode(t, err, protocol.ErrRoomTokenExpired)
	waitClosed(t, c)

	// Good at auth, expired by the login (exp has whole seconds).
	short := devToken(t, "alice", "", false, 1500*time.Millisecond)
	c = tokenAuthed(t, s, short)
	time.Sleep(2600 * time.Millisecond)
	_, err = c.Login("lobby", "alice", false)
	wantCode(t, err, protocol.ErrRoomTokenExpired)
}

func TestTokenOtherUserOrRoom(t *testing.T) {
	s := startServer(t)
	a := tokenAuthed(t, s, devToken(t, "alice", "lobby", false, time.Minute))
	_, err := a.Login("lobby", "mallory", false)
	wantCode(t, err, protocol.ErrRoomTokenInvalid)
	_, err = a.Login("vault", "alice", false)
	wantCode(t, err, protocol.ErrRoomTokenInvalid)
	login(t, a, "lobby", "alice", false) // the connection stays usable

	// Another room with that room's own token on the same connection; the
	// login's token is checked like the auth's.
	loginTok := func(roomID, tok string) error {
		return a.Call(protocol.TypeLogin, protocol.Login{RoomID: roomID, UserID: "alice", Token: tok}, nil)
	}
	wantCode(t, loginTok("vault", devToken(t, "bob", "vault", false, time.Minute)), protocol.ErrRoomTokenInvalid)
	wantCode(t, loginTok("vault", "garbage"), protocol.ErrRoomAuthFailed)
	wantCode(t, loginTok("vault", devToken(t, "alice", "vault", false, -time.Second)), protocol.ErrRoomTokenExpired)
	if err := loginTok("vault", devToken(t, "alice", "vault", false, time.Minute)); err != nil {
		t.Fatal(err)
	}

	// No login_room privilege.
	tok, _ := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: "carol",
		ExpiresAt: time.Now().Add(time.Minute)})
	c := tokenAuthed(t, s, tok)
	_, err = c.Login("lobby", "carol", false)
	wantCode(t, err, protocol.ErrRoomTokenInvalid)

	// An app-sign connection cannot smuggle a token into a login.
	b := authed(t, s, 1)
	err = b.Call(protocol.TypeLogin, protocol.Login{RoomID: "lobby", UserID: "bob", Token: tok}, nil)
	wantCode(t, err, protocol.ErrProtocol)
}

func TestTokenPublishPrivilege(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	// No publish privilege.
	a := tokenAuthed(t, s, devToken(t, "alice", "", false, time.Minute))
	login(t, a, "lobby", "alice", false)
	wantCode(t, publish(a, "lobby", "alice-main", pubOffer), protocol.ErrPublishNoPrivilege)

	// Privilege with an allowlist.
	b := tokenAuthed(t, s, devToken(t, "bob", "", true, time.Minute, "bob-main"))
	login(t, b, "lobby", "bob", false)
	wantCode(t, publish(b, "lobby", "bob-aux", pubOffer), protocol.ErrPublishNoPrivilege)
	if err := publish(b, "lobby", "bob-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	// Not logged in still comes first.
	wantCode(t, publish(a, "elsewhere", "alice-main", pubOffer), protocol.ErrNotLoggedIn)
}

// shortToken mints a token that expires in 4-5 s and returns its expiry.
func shortToken(t *testing.T, user string, publish bool) (string, time.Time) {
	t.Helper()
	tok := devToken(t, user, "", publish, 5*time.Second)
	cl, err := token.Verify(config.DevServerSecret, tok, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok, cl.ExpiresAt
}

func TestTokenExpiryEndsStreams(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	tok, exp := shortToken(t, "alice", true)
	a := tokenAuthed(t, s, tok)
	login(t, a, "lobby", "alice", false)
	if err := publish(a, "lobby", "alice-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	b := authed(t, s, 1)
	login(t, b, "lobby", "bob", false)

	ps := event[protocol.PublishStopped](t, a, protocol.TypePublishStopped)
	if ps.StreamID != "alice-main" || ps.Code != protocol.ErrRoomTokenExpired {
		t.Fatalf("publish_stopped %+v", ps)
	}
	if time.Now().Before(exp) {
		t.Fatalf("stopped %v before the expiry", time.Until(exp))
	}
	if u := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate); u.UpdateType != protocol.UpdateDelete {
		t.Fatalf("stream update %+v", u)
	}
	// Still in the room, but publishing is over.
	wantCode(t, publish(a, "lobby", "alice-main", pubOffer), protocol.ErrPublishNoPrivilege)
}

func TestTokenRenewal(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	tok, exp := shortToken(t, "alice", true)
	a := tokenAuthed(t, s, tok)
	login(t, a, "lobby", "alice", false)
	if err := publish(a, "lobby", "alice-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	renew := func(roomID, tok string) error {
		return a.Call(protocol.TypeRenewToken, protocol.RenewToken{RoomID: roomID, Token: tok}, nil)
	}
	wantCode(t, renew("lobby", devToken(t, "bob", "", true, time.Minute)), protocol.ErrRoomTokenInvalid)
	wantCode(t, renew("lobby", devToken(t, "alice", "vault", true, time.Minute)), protocol.ErrRoomTokenInvalid)
	wantCode(t, renew("lobby", "garbage"), protocol.ErrRoomAuthFailed)
	wantCode(t, renew("lobby", devToken(t, "alice", "", true, -time.Second)), protocol.ErrRoomTokenExpired)
	wantCode(t, renew("vault", devToken(t, "alice", "", true, time.Minute)), protocol.ErrNotLoggedIn)
	if err := renew("lobby", devToken(t, "alice", "lobby", true, time.Minute)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(exp) + 500*time.Millisecond)
	noEvent(t, a) // the stream lives on
	if err := publish(a, "lobby", "alice-aux", pubOffer); err != nil {
		t.Fatalf("publish after renewal: %v", err)
	}

	// An app-sign connection has nothing to renew.
	b := authed(t, s, 1)
	login(t, b, "lobby", "bob", false)
	err := b.Call(protocol.TypeRenewToken, protocol.RenewToken{RoomID: "lobby", Token: tok}, nil)
	wantCode(t, err, protocol.ErrProtocol)
}
