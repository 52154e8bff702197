package server

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

func TestGoodAuth(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	ok, err := c.Handshake(config.DevAppID, config.DevAppSign)
	if err != nil {
		t.Fatal(err)
	}
	if len(ok.SessionID) < 16 {
		t.Fatalf("session id %q", ok.SessionID)
	}
	// Both apps authenticate on one server.
	authed(t, s, app2)
}

func TestWrongSignature(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	wrong := strings.Repeat("ee", 32)
	_, err := c.Handshake(config.DevAppID, wrong)
	wantCode(t, err, protocol.ErrRoomAuthFailed)
	waitClosed(t, c)

	// A good handshake, checked for the sign in every byte both ways.
	c2 := dial(t, s)
	if _, err := c2.Handshake(config.DevAppID, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	key, _ := hex.DecodeString(config.DevAppSign)
	for _, w := range [][]byte{c.Wire(), c2.Wire()} {
		if bytes.Contains(w, []byte(config.DevAppSign)) || bytes.Contains(w, []byte(wrong)) || bytes.Contains(w, key) {
			t.Fatal("an app sign crossed the wire")
		}
	}
}

func TestSignatureIsForOneApp(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	_, err := c.Handshake(app2, config.DevAppSign) // app 2 with app 1's sign
	wantCode(t, err, protocol.ErrRoomAuthFailed)
	waitClosed(t, c)
}

func TestUnknownApp(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	err := c.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: 4242}, nil)
	wantCode(t, err, protocol.ErrRoomAuthFailed)
	waitClosed(t, c)
}

func TestWrongVersion(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	err := c.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version + 1, AppID: config.DevAppID}, nil)
	wantCode(t, err, protocol.ErrUnsupportedVersion)
	waitClosed(t, c)
}

func TestRequestsBeforeAuth(t *testing.T) {
	s := startServer(t)
	c := dial(t, s)
	login := protocol.Login{RoomID: "r", UserID: "u"}
	wantCode(t, c.Call(protocol.TypeLogin, login, nil), protocol.ErrProtocol) // before hello
	if err := c.SendRaw([]byte(`{"type":`)); err != nil {
		t.Fatal(err)
	}
	env, err := c.Event()
	if err != nil || env.Type != protocol.TypeError {
		t.Fatalf("malformed JSON: %v %+v", err, env)
	}
	wantCode(t, testkit.Result(env, nil), protocol.ErrProtocol)

	var ch protocol.Challenge
	if err := c.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: 1}, &ch); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Call(protocol.TypeLogin, login, nil), protocol.ErrProtocol) // before auth
	wantCode(t, c.Call(protocol.TypeAuth, map[string]int{"signature": 5}, nil), protocol.ErrProtocol)
	// The handshake still completes.
	key, _ := protocol.ParseAppSign(config.DevAppSign)
	if err := c.Call(protocol.TypeAuth, protocol.Auth{Signature: protocol.AppSignature(key, 1, ch.Nonce)}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login("r", "u", false); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Call(protocol.TypeHello, protocol.Hello{Version: 1, AppID: 1}, nil), protocol.ErrProtocol)
}

func TestHTTP(t *testing.T) {
	s := startServer(t)
	base := "http://" + strings.TrimPrefix(s.URL(), "ws://")
	get := func(path string) (int, string, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	if code, _, body := get("/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, ctype, body := get("/"); code != 200 || !strings.HasPrefix(ctype, "text/html") ||
		!strings.Contains(body, "Parley") { // the debug page (web_test.go)
		t.Errorf("/: %d %s %q", code, ctype, body)
	}
	if code, _, _ := get("/nothing-here"); code != 404 {
		t.Errorf("/nothing-here: %d", code)
	}
	// The websocket answers at /ws as well as at the bare URL.
	c, err := testkit.Dial(s.URL() + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Handshake(config.DevAppID, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
}
