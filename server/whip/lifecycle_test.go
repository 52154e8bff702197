package whip_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// whipStart publishes a started WHIP client as streamID and returns its
// session URL.
func (s *stack) whipStart(t *testing.T, roomID, streamID, token string) (*testkit.Publisher, string) {
	t.Helper()
	pub, offer := s.whipPublisher(t, webrtc.MimeTypeVP8)
	endpoint := path("whip", roomID, streamID)
	r := s.post(t, endpoint, token, offer)
	loc := created(t, r, endpoint)
	accept(t, pub.PC, r.body)
	pub.Start()
	return pub, loc
}

// One user publishes two streams over WHIP and plays one over WHEP: the
// room sees one user with two streams, ending one session keeps the rest,
// and when an engine logs in with the same user ID every session of it
// ends, as a second login of an engine kicks the first.
func TestOneUserManySessions(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	eng.publish("lobby", "native-cam")
	before := s.size()
	caster := tok(t, "caster", nil)

	_, camLoc := s.whipStart(t, "lobby", "caster-cam", caster)
	eng.awaitUser("caster", protocol.UpdateAdd)
	eng.awaitStream("caster-cam", protocol.UpdateAdd)
	_, screenLoc := s.whipStart(t, "lobby", "caster-screen", caster)
	eng.awaitStream("caster-screen", protocol.UpdateAdd)
	sub, offer, err := testkit.NewSubscriber(s.api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	r := s.post(t, path("whep", "lobby", "native-cam"), caster, offer)
	playLoc := created(t, r, path("whep", "lobby", "native-cam"))
	if err := sub.Accept(r.body); err != nil {
		t.Fatal(err)
	}
	receives(t, sub)
	eng.play("caster-screen")

	_, again := s.whipPublisher(t, webrtc.MimeTypeVP8)
	r = s.post(t, path("whip", "lobby", "caster-cam"), caster, again)
	if r.status != http.StatusConflict || r.errorBody(t).Code != protocol.ErrPublishAlreadyPublishing {
		t.Fatalf("publishing caster-cam twice: %d %s, want 409 PUBLISH_ALREADY_PUBLISHING", r.status, r.body)
	}

	if r := s.do(t, http.MethodDelete, camLoc, ""); r.status != http.StatusOK {
		t.Fatalf("DELETE: %d", r.status)
	}
	eng.awaitStream("caster-cam", protocol.UpdateDelete)
	if c := s.dir.Counts(); c.Participants != 2 || c.Publications != 2 {
		t.Fatalf("after one of caster's sessions ended the directory holds %+v, want caster still in the room with a stream", c)
	}

	// An engine logs in as caster: caster's WHIP and WHEP sessions end.
	other, err := testkit.Dial(s.wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(other.Close)
	if _, err := other.Handshake(config.DevAppID, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Login("lobby", "caster", false); err != nil {
		t.Fatal(err)
	}
	eng.awaitStream("caster-screen", protocol.UpdateDelete)
	want := before
	want.Sessions++ // the engine that logged in as caster, in the room
	want.Participants++
	s.backTo(t, want, "caster's login elsewhere")
	for _, loc := range []string{screenLoc, playLoc} {
		if r := s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusNotFound {
			t.Errorf("DELETE %s after the kick: %d, want 404", loc[:6], r.status)
		}
	}
}

// The token's expiry ends a WHIP publication, as it ends an engine's that
// does not renew its token.
func TestWHIPEndsWhenItsTokenExpires(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	before := s.size()
	short := tok(t, "obs", func(c *token.Claims) { c.ExpiresAt = time.Now().Add(2 * time.Second) })
	_, loc := s.whipStart(t, "lobby", "cam", short)
	eng.awaitStream("cam", protocol.UpdateAdd)
	eng.play("cam")
	eng.awaitStream("cam", protocol.UpdateDelete)
	eng.awaitUser("obs", protocol.UpdateDelete)
	s.backTo(t, before, "the token's expiry")
	if r := s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusNotFound {
		t.Fatalf("DELETE after the expiry: %d, want 404", r.status)
	}
}

// A WHIP client that closes its PeerConnection without a DELETE is gone
// from the room all the same, as an engine whose media connection ends.
func TestWHIPClientThatVanishes(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	before := s.size()
	pub, loc := s.whipStart(t, "lobby", "cam", tok(t, "obs", nil))
	eng.awaitStream("cam", protocol.UpdateAdd)
	eng.play("cam")
	pub.Close()
	eng.awaitStream("cam", protocol.UpdateDelete)
	s.backTo(t, before, "the client closed its PeerConnection")
	if r := s.do(t, http.MethodPatch, loc, "", "Content-Type", "application/trickle-ice-sdpfrag"); r.status != http.StatusNotFound {
		t.Fatalf("PATCH after the client vanished: %d, want 404", r.status)
	}
}

// OPTIONS answers as RFC 9725 asks (Accept-Post on the endpoint,
// Accept-Patch on a session) and lets browser pages of other origins in.
func TestOptionsAndCORS(t *testing.T) {
	s := newStack(t)
	for _, k := range []string{"whip", "whep"} {
		r := s.do(t, http.MethodOptions, path(k, "lobby", "cam"), "", "Origin", "https://player.example",
			"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization, content-type")
		h := r.header
		if r.status != http.StatusOK || h.Get("Accept-Post") != "application/sdp" || h.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
			t.Errorf("OPTIONS %s endpoint: %d %v", k, r.status, h)
		}
	}
	_, loc := s.whipStart(t, "lobby", "cam", tok(t, "obs", nil))
	r := s.do(t, http.MethodOptions, loc, "")
	if r.status != http.StatusOK || r.header.Get("Accept-Patch") != "application/trickle-ice-sdpfrag" ||
		!strings.Contains(r.header.Get("Access-Control-Allow-Methods"), "DELETE") {
		t.Errorf("OPTIONS on a session: %d %v", r.status, r.header)
	}
	_, offer := s.whipPublisher(t, webrtc.MimeTypeVP8)
	r = s.post(t, path("whip", "lobby", "cam2"), tok(t, "obs", nil), offer)
	if r.header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.header.Get("Access-Control-Expose-Headers"), "Location") {
		t.Errorf("a cross-origin page could not read the 201's Location: %v", r.header)
	}
}

// Closing the handler (parleyd shutting down) ends every session; later
// requests are 503.
func TestCloseEndsEverySession(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	before := s.size()
	s.whipStart(t, "lobby", "cam", tok(t, "obs", nil))
	eng.awaitStream("cam", protocol.UpdateAdd)
	s.whip.Close()
	eng.awaitStream("cam", protocol.UpdateDelete)
	s.backTo(t, before, "Close")
	_, offer := s.whipPublisher(t, webrtc.MimeTypeVP8)
	if r := s.post(t, path("whip", "lobby", "cam"), tok(t, "obs", nil), offer); r.status != http.StatusServiceUnavailable {
		t.Fatalf("POST after Close: %d, want 503", r.status)
	}
}

// Sessions of one user come and go from many goroutines at once while an
// engine keeps logging in with that user ID: no deadlock, every request is
// answered, and once all is over nothing of the user is left.
func TestConcurrentSessionsOfOneUser(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	eng.publish("lobby", "native-cam")
	before := s.size()
	caster := tok(t, "caster", nil)

	done := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 4 {
				k, stream := "whip", fmt.Sprintf("cam-%d-%d", g, i)
				var offer string
				if g%2 == 1 {
					k, stream = "whep", "native-cam"
					var sub *testkit.Subscriber
					sub, offer, _ = testkit.NewSubscriber(s.api)
					defer sub.Close()
				} else {
					var pub *testkit.Publisher
					pub, offer, _ = testkit.NewPublisher(s.api)
					defer pub.Close()
				}
				r := s.post(t, path(k, "lobby", stream), caster, offer)
				switch r.status {
				case http.StatusCreated:
					if d := s.do(t, http.MethodDelete, r.header.Get("Location"), ""); d.status != http.StatusOK && d.status != http.StatusNotFound {
						t.Errorf("DELETE: %d %s", d.status, d.body)
					}
				case http.StatusConflict: // a kick between the login and the publish
				default:
					t.Errorf("POST %s: %d %s", k, r.status, r.body)
				}
			}
		}()
	}
	go func() { // an engine takes the user ID now and then
		defer close(done)
		for range 3 {
			c, err := testkit.Dial(s.wsURL)
			if err != nil {
				t.Error(err)
				return
			}
			if _, err := c.Handshake(config.DevAppID, config.DevAppSign); err == nil {
				_, _ = c.Login("lobby", "caster", false)
			}
			time.Sleep(20 * time.Millisecond)
			c.Close()
		}
	}()
	wg.Wait()
	<-done
	s.backTo(t, before, "every session ended")
}
