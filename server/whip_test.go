package server

import (
	"crypto/tls"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/devcert"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/token"
)

// whipToken is a development-app token for user; publish adds the privilege.
func whipToken(t *testing.T, user string, publish bool) string {
	t.Helper()
	tok, err := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: user,
		Privileges: token.Privileges{LoginRoom: true, PublishStream: publish}, ExpiresAt: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// do sends one WHIP or WHEP request and returns the status, the body and
// the Location.
func do(t *testing.T, c *http.Client, method, url, tok, body string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/sdp")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

// The server serves WHIP and WHEP beside signaling (server/whip has the
// protocol's tests): a WHIP publisher is a stream of the room for an engine,
// and closing the server ends it with everything else.
func TestServerServesWHIP(t *testing.T) {
	s := startServer(t)
	base := "http://" + strings.TrimPrefix(s.URL(), "ws://")
	if code, body, _ := do(t, http.DefaultClient, http.MethodPost, base+"/whip/lobby/cam", "", "v=0"); code != http.StatusUnauthorized ||
		!strings.Contains(body, `"code":1002033`) {
		t.Fatalf("POST without a token: %d %s, want 401 with ROOM_AUTH_FAILED", code, body)
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
	code, answer, _ := do(t, http.DefaultClient, http.MethodPost, base+"/whip/lobby/cam", whipToken(t, "obs", true), offer)
	if code != http.StatusCreated {
		t.Fatalf("WHIP POST: %d %s", code, answer)
	}
	if err := pub.Accept(answer); err != nil {
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

// With TLS, WHIP and WHEP are served over https only, with the tokens:
// a publisher reaches an engine on wss:// and a WHEP player.
func TestWHIPAndWHEPOverHTTPS(t *testing.T) {
	cert, err := devcert.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if os.WriteFile(certFile, cert.PEM, 0o600) != nil || os.WriteFile(keyFile, cert.KeyPEM, 0o600) != nil {
		t.Fatal("write PEM files")
	}
	s := startServerWith(t, func(c *config.Config) { c.TLS = &config.TLS{CertFile: certFile, KeyFile: keyFile} })
	base := "https://" + strings.TrimPrefix(s.URL(), "wss://")
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cert.Pool()}}}
	defer client.CloseIdleConnections()

	eng, err := testkit.DialTLS(s.URL(), &tls.Config{RootCAs: cert.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, err := eng.Handshake(config.DevAppID, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
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
	code, answer, loc := do(t, client, http.MethodPost, base+"/whip/lobby/cam", whipToken(t, "obs", true), offer)
	if code != http.StatusCreated {
		t.Fatalf("WHIP POST over https: %d %s", code, answer)
	}
	if err := pub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	if u := event[protocol.StreamUpdate](t, eng, protocol.TypeStreamUpdate); u.Streams[0].StreamID != "cam" {
		t.Fatalf("the engine sees %+v, want stream cam", u)
	}

	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	code, answer, _ = do(t, client, http.MethodPost, base+"/whep/lobby/cam", whipToken(t, "viewer", false), offer)
	if code != http.StatusCreated {
		t.Fatalf("WHEP POST over https: %d %s", code, answer)
	}
	if err := sub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
		t.Fatal(err)
	}

	// Plain http gets Go's 400 for a TLS port, never the WHIP endpoint.
	if code, body, _ := do(t, http.DefaultClient, http.MethodPost, "http://"+strings.TrimPrefix(s.URL(), "wss://")+"/whip/lobby/x",
		whipToken(t, "obs", true), offer); code != http.StatusBadRequest || strings.Contains(body, `"code"`) {
		t.Errorf("plain http to the TLS port: %d %s", code, body)
	}
	if code, body, _ := do(t, client, http.MethodDelete, base+loc, "", ""); code != http.StatusOK {
		t.Fatalf("DELETE over https: %d %s", code, body)
	}
	if u := event[protocol.StreamUpdate](t, eng, protocol.TypeStreamUpdate); u.UpdateType != protocol.UpdateDelete {
		t.Fatalf("after the DELETE the engine sees %+v, want the stream's end", u)
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
