package server

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/token"
)

// The server serves WHIP and WHEP beside signaling (server/whip has the
// protocol's tests): a WHIP publisher is a stream of the room for an engine,
// and closing the server ends it with everything else.
func TestServerServesWHIP(t *testing.T) {
	s := startServer(t)
	base := "http://" + strings.TrimPrefix(s.URL(), "ws://")
	resp, err := http.Post(base+"/whip/lobby/cam", "application/sdp", strings.NewReader("v=0"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(b), `"code":1002033`) {
		t.Fatalf("POST without a token: %d %s, want 401 with ROOM_AUTH_FAILED", resp.StatusCode, b)
	}

	eng := authed(t, s, config.DevAppID)
	login(t, eng, "lobby", "native", false)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	tok, err := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: "obs",
		Privileges: token.Privileges{LoginRoom: true, PublishStream: true}, ExpiresAt: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/whip/lobby/cam", strings.NewReader(offer))
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("WHIP POST: %d %s", resp.StatusCode, b)
	}
	if err := pub.Accept(string(b)); err != nil {
		t.Fatal(err)
	}
	if u := event[protocol.StreamUpdate](t, eng, protocol.TypeStreamUpdate); u.Streams[0].StreamID != "cam" || u.Streams[0].UserID != "obs" {
		t.Fatalf("the engine sees %+v, want obs's stream cam", u)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if c := s.dir.Counts(); c != (room.Counts{}) {
		t.Fatalf("after Close the directory holds %+v", c)
	}
}

// The WHEP player page and its scripts are served beside the debug page.
func TestWHEPPlayerIsServed(t *testing.T) {
	s := startServer(t)
	code, ctype, body := httpGet(t, s, "/whep.html")
	if code != 200 || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, `src="js/whep-page.js"`) {
		t.Fatalf("/whep.html: %d %s %.200q", code, ctype, body)
	}
	for _, p := range []string{"/js/whep-page.js", "/js/whep-client.js", "/js/grab.js"} {
		if code, ctype, body := httpGet(t, s, p); code != 200 || !strings.HasPrefix(ctype, "text/javascript") || body == "" {
			t.Errorf("%s: %d %s, %d bytes", p, code, ctype, len(body))
		}
	}
}
