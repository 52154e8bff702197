package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// httpGet fetches path from s and returns the status, content type and body.
func httpGet(t *testing.T, s *Server, path string) (int, string, string) {
	t.Helper()
	resp, err := http.Get("http://" + strings.TrimPrefix(s.URL(), "ws://") + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// The page and the files it loads are served; nothing else of web/ is, and
// there is no /dev/token without WithDevTokens.
func TestDebugPageIsServed(t *testing.T) {
	s := startServer(t)
	code, ctype, body := httpGet(t, s, "/")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, `src="js/app.js"`) {
		t.Fatalf("/: %d %s %.200q", code, ctype, body)
	}
	for _, f := range []struct{ path, ctype string }{{"/js/app.js", "text/javascript"}, {"/js/parley-client.js", "text/javascript"},
		{"/style.css", "text/css"}} {
		if code, ctype, body := httpGet(t, s, f.path); code != 200 || !strings.HasPrefix(ctype, f.ctype) || body == "" {
			t.Errorf("%s: %d %s, %d bytes", f.path, code, ctype, len(body))
		}
	}
	for _, p := range []string{"/js/", "/js", "/embed.go", "/src/app.ts", "/index.html/", "/../go.mod", "/dev/token?app_id=1&user_id=u"} {
		if code, _, _ := httpGet(t, s, p); code != 404 {
			t.Errorf("%s: %d, want 404", p, code)
		}
	}
}

func TestDevTokens(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { WithDevTokens()(s) })
	code, ctype, body := httpGet(t, s, "/dev/token?app_id=1&user_id=web-1&room_id=lobby")
	if code != 200 || ctype != "application/json" {
		t.Fatalf("/dev/token: %d %s %q", code, ctype, body)
	}
	var dt DevToken
	if err := json.Unmarshal([]byte(body), &dt); err != nil {
		t.Fatal(err)
	}
	cl, err := token.Verify(config.DevServerSecret, dt.Token, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cl.AppID != 1 || cl.UserID != "web-1" || cl.RoomID != "lobby" || !cl.Privileges.LoginRoom || !cl.MayPublish("any") {
		t.Errorf("claims %+v", cl)
	}
	if left := time.Until(cl.ExpiresAt); left > DevTokenTTL || left < DevTokenTTL-time.Minute || cl.ExpiresAt.Unix() != dt.ExpiresAt {
		t.Errorf("expires in %v (expires_at %d)", left, dt.ExpiresAt)
	}

	// The token logs in as its user, in its room only.
	c := tokenAuthed(t, s, dt.Token)
	if _, err := c.Login("lobby", "web-1", false); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Call(protocol.TypeLogin, protocol.Login{RoomID: "elsewhere", UserID: "web-1"}, nil), protocol.ErrRoomTokenInvalid)

	// Without a room the token is good for any room.
	_, _, body = httpGet(t, s, "/dev/token?app_id=1&user_id=web-2")
	if err := json.Unmarshal([]byte(body), &dt); err != nil {
		t.Fatal(err)
	}
	if cl, err := token.Verify(config.DevServerSecret, dt.Token, time.Now()); err != nil || cl.RoomID != "" {
		t.Errorf("roomless token: %+v %v", cl, err)
	}

	bad := []struct {
		query  string
		status int
		code   protocol.Code
	}{
		{"app_id=1", 400, protocol.ErrInvalidUserID},
		{"app_id=1&user_id=a%20b", 400, protocol.ErrInvalidUserID},
		{"app_id=1&user_id=u&room_id=" + strings.Repeat("r", 129), 400, protocol.ErrInvalidRoomID},
		{"user_id=u", 400, protocol.ErrInvalidArgument},
		{"app_id=2&user_id=u", 403, protocol.ErrRoomAuthFailed}, // app 2 has a secret sign
		{"app_id=9&user_id=u", 403, protocol.ErrRoomAuthFailed},
	}
	for _, b := range bad {
		code, _, body := httpGet(t, s, "/dev/token?"+b.query)
		var eb protocol.ErrorBody
		if err := json.Unmarshal([]byte(body), &eb); err != nil || code != b.status || eb.Code != b.code {
			t.Errorf("%s: %d %q, want %d with code %d", b.query, code, body, b.status, b.code)
		}
	}
	resp, err := http.Post("http://"+strings.TrimPrefix(s.URL(), "ws://")+"/dev/token?app_id=1&user_id=u", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}
