package whip_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
	"github.com/parley-rtc/parley/server/signal"
	"github.com/parley-rtc/parley/server/token"
	"github.com/parley-rtc/parley/server/whip"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A second app with a secret of its own.
const (
	app2       uint32 = 2
	app2Secret        = "the-second-app-server-secret-for-tests"
)

// stack is a server as parleyd wires it: the directory, the SFU on a
// loopback UDP socket, the signaling hub at / and WHIP and WHEP beside it.
type stack struct {
	dir   *room.Memory
	sfu   *sfu.SFU
	whip  *whip.Handler
	base  string // http://127.0.0.1:port
	wsURL string
	api   *webrtc.API
}

func newStack(t *testing.T) *stack {
	t.Helper()
	timer := time.AfterFunc(60*time.Second, func() { panic(t.Name() + " did not finish within 60 s") })
	t.Cleanup(func() { timer.Stop() })
	log := slog.New(slog.DiscardHandler)
	if os.Getenv("PARLEY_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	media, err := sfu.New(sfu.Config{Conn: conn, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	apps := []config.App{config.Dev().Apps[0], {AppID: app2, AppSign: config.DevAppSign, ServerSecret: app2Secret}}
	dir := room.NewMemory()
	hub := signal.NewHub(signal.Config{Apps: apps, Directory: dir, SFU: media, Logger: log})
	h := whip.New(whip.Config{Apps: apps, Directory: dir, SFU: media, IDs: hub, Logger: log})
	mux := http.NewServeMux()
	mux.Handle("/", hub)
	h.Register(mux)
	srv := httptest.NewServer(mux)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // in parleyd's order (server.Close)
		media.ClosePeers()
		srv.Close()
		hub.Close()
		h.Close()
		_ = media.Close()
	})
	return &stack{dir: dir, sfu: media, whip: h, base: srv.URL, wsURL: "ws" + strings.TrimPrefix(srv.URL, "http"), api: api}
}

// tok mints a development-app token for user; edit changes its claims.
func tok(t *testing.T, user string, edit func(*token.Claims)) string {
	t.Helper()
	cl := token.Claims{AppID: config.DevAppID, UserID: user, Privileges: token.Privileges{LoginRoom: true, PublishStream: true},
		ExpiresAt: time.Now().Add(time.Minute)}
	if edit != nil {
		edit(&cl)
	}
	secret := config.DevServerSecret
	if cl.AppID == app2 {
		secret = app2Secret
	}
	s, err := token.Mint(secret, cl)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// reply is an HTTP answer, its body read.
type reply struct {
	status int
	header http.Header
	body   string
}

// errorBody decodes Parley's error body, failing the test if it is not one.
func (r reply) errorBody(t *testing.T) protocol.ErrorBody {
	t.Helper()
	var e protocol.ErrorBody
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("error answer %d has Content-Type %q, want application/json: %s", r.status, ct, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Code == 0 || e.Message == "" {
		t.Fatalf("error answer %d: body %q is not {code, message}", r.status, r.body)
	}
	return e
}

// do sends one request; headers come in name, value pairs.
func (s *stack) do(t *testing.T, method, path, body string, headers ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// post sends an SDP offer to a WHIP or WHEP endpoint with a bearer token.
func (s *stack) post(t *testing.T, path, token, offer string) reply {
	t.Helper()
	return s.do(t, http.MethodPost, path, offer, "Authorization", "Bearer "+token, "Content-Type", "application/sdp")
}

// created checks a 201 and returns the session's URL path.
func created(t *testing.T, r reply, endpoint string) string {
	t.Helper()
	if r.status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s, want 201", endpoint, r.status, r.body)
	}
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, endpoint+"/") || len(loc) < len(endpoint)+33 {
		t.Fatalf("Location %q, want %s/<session>", loc, endpoint)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/sdp" || !strings.HasPrefix(r.body, "v=0") {
		t.Fatalf("201 with Content-Type %q and body %q, want an SDP answer", ct, r.body)
	}
	if r.header.Get("ETag") == "" || r.header.Get("Accept-Patch") != "application/trickle-ice-sdpfrag" {
		t.Fatalf("201 without ETag or Accept-Patch: %v", r.header)
	}
	return loc
}

// engine is a raw signaling client standing in for a native engine.
type engine struct {
	t *testing.T
	c *testkit.Client
	s *stack
}

// newEngine connects with the app sign and logs in to roomID as user,
// asking for user updates.
func (s *stack) newEngine(t *testing.T, roomID, user string) (*engine, protocol.LoginOK) {
	t.Helper()
	c, err := testkit.Dial(s.wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	if _, err := c.Handshake(config.DevAppID, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	ok, err := c.Login(roomID, user, true)
	if err != nil {
		t.Fatal(err)
	}
	return &engine{t: t, c: c, s: s}, ok
}

// await skips events until one of type typ that match accepts.
func await[T any](e *engine, typ string, match func(T) bool) T {
	e.t.Helper()
	deadline := time.Now().Add(testkit.Timeout)
	for time.Now().Before(deadline) {
		env, err := e.c.Event()
		if err != nil {
			break
		}
		var v T
		if env.Type == typ && json.Unmarshal(env.Data, &v) == nil && match(v) {
			return v
		}
	}
	var zero T
	e.t.Fatalf("no %s event came", typ)
	return zero
}

// awaitStream waits for a stream_update of streamID with update type ut.
func (e *engine) awaitStream(streamID string, ut protocol.UpdateType) protocol.Stream {
	e.t.Helper()
	u := await(e, protocol.TypeStreamUpdate, func(u protocol.StreamUpdate) bool {
		return u.UpdateType == ut && len(u.Streams) == 1 && u.Streams[0].StreamID == streamID
	})
	return u.Streams[0]
}

// awaitUser waits for a user_update of userID with update type ut.
func (e *engine) awaitUser(userID string, ut protocol.UpdateType) {
	e.t.Helper()
	await(e, protocol.TypeUserUpdate, func(u protocol.UserUpdate) bool {
		return u.UpdateType == ut && len(u.Users) == 1 && u.Users[0].UserID == userID
	})
}

// play plays streamID and waits until video and audio packets arrive intact.
func (e *engine) play(streamID string) *testkit.Subscriber {
	e.t.Helper()
	sub, offer, err := testkit.NewSubscriber(e.s.api)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(sub.Close)
	var ans protocol.SDPAnswer
	if err := e.c.Call(protocol.TypePlay, protocol.Play{StreamID: streamID, SDP: offer}, &ans); err != nil {
		e.t.Fatalf("play %s: %v", streamID, err)
	}
	if err := sub.Accept(ans.SDP); err != nil {
		e.t.Fatal(err)
	}
	receives(e.t, sub)
	return sub
}

// publish publishes synthetic VP8 and Opus as streamID.
func (e *engine) publish(roomID, streamID string) {
	e.t.Helper()
	pub, offer, err := testkit.NewPublisher(e.s.api)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(pub.Close)
	var ans protocol.SDPAnswer
	if err := e.c.Call(protocol.TypePublish, protocol.Publish{RoomID: roomID, StreamID: streamID, SDP: offer}, &ans); err != nil {
		e.t.Fatalf("publish %s: %v", streamID, err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		e.t.Fatal(err)
	}
	pub.Start()
}

// receives waits until video and audio packets reach sub, none altered.
func receives(t *testing.T, sub *testkit.Subscriber) {
	t.Helper()
	if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
		t.Fatal(err)
	}
	if n := sub.Bad.Load(); n != 0 {
		t.Fatalf("%d packets arrived altered", n)
	}
}

// whipPublisher is a pion WHIP client: synthetic VP8 (or H.264) and Opus.
func (s *stack) whipPublisher(t *testing.T, mime string) (*testkit.Publisher, string) {
	t.Helper()
	pub, offer, err := testkit.NewPublisherWith(s.api, mime)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pub.Close)
	return pub, offer
}

// accept applies an answer to pc.
func accept(t *testing.T, pc *webrtc.PeerConnection, answer string) {
	t.Helper()
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		t.Fatal(err)
	}
}

// size is what the directory and the SFU hold.
type size struct {
	room.Counts
	SFUPublications, SFUSubscribers int
}

func (s *stack) size() size {
	st := s.sfu.Stats()
	return size{Counts: s.dir.Counts(), SFUPublications: st.Publications, SFUSubscribers: st.Subscribers}
}

// backTo waits until the directory and the SFU hold what they held at want:
// whatever a session made is gone.
func (s *stack) backTo(t *testing.T, want size, after string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := s.size()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the server holds %+v, want %+v", after, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func path(k, roomID, streamID string) string { return fmt.Sprintf("/%s/%s/%s", k, roomID, streamID) }
