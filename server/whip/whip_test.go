package whip_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/token"
)

// A WHIP client publishes into a room where an engine sits: the engine sees
// the user and the stream arrive, plays it, and sees both go when the
// client DELETEs its session; nothing of it stays in the server.
func TestWHIPPublishesIntoARoom(t *testing.T) {
	for _, mime := range []string{webrtc.MimeTypeVP8, webrtc.MimeTypeH264} {
		t.Run(strings.TrimPrefix(mime, "video/"), func(t *testing.T) {
			s := newStack(t)
			eng, _ := s.newEngine(t, "lobby", "native")
			before := s.size()

			pub, offer := s.whipPublisher(t, mime)
			endpoint := path("whip", "lobby", "obs-cam")
			r := s.post(t, endpoint, tok(t, "obs", nil), offer)
			loc := created(t, r, endpoint)
			accept(t, pub.PC, r.body)
			pub.Start()

			eng.awaitUser("obs", protocol.UpdateAdd)
			st := eng.awaitStream("obs-cam", protocol.UpdateAdd)
			if st.UserID != "obs" || st.VideoState != protocol.DeviceOpen || st.AudioState != protocol.DeviceOpen {
				t.Fatalf("the engine sees stream %+v, want obs's with camera and microphone open", st)
			}
			sub := eng.play("obs-cam")
			if got := sub.VideoCodec(); got != mime {
				t.Fatalf("the engine receives %s, the WHIP client sends %s", got, mime)
			}

			if r = s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusOK {
				t.Fatalf("DELETE: %d %s", r.status, r.body)
			}
			eng.awaitStream("obs-cam", protocol.UpdateDelete)
			await(eng, protocol.TypePlayStopped, func(p protocol.PlayStopped) bool { return p.StreamID == "obs-cam" })
			eng.awaitUser("obs", protocol.UpdateDelete)
			s.backTo(t, before, "DELETE")
			if r := s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusNotFound {
				t.Fatalf("second DELETE: %d, want 404", r.status)
			}
		})
	}
}

// trickle splits an offer into the offer without candidates, as a trickle
// ICE client first sends it, and the candidate lines it sends later.
func trickle(offer string) (string, []string) {
	var kept []string
	var cands []string
	for _, l := range strings.SplitAfter(offer, "\n") {
		switch {
		case strings.HasPrefix(l, "a=candidate:"):
			cands = append(cands, strings.TrimRight(l, "\r\n"))
		case !strings.HasPrefix(l, "a=end-of-candidates"):
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, ""), cands
}

// ufragOf is an SDP's first ice-ufrag.
func ufragOf(sdp string) string {
	for _, l := range strings.Split(sdp, "\n") {
		if u, ok := strings.CutPrefix(strings.TrimSpace(l), "a=ice-ufrag:"); ok {
			return u
		}
	}
	return ""
}

// A WHIP client that trickles its candidates with PATCH, as OBS and
// GStreamer do: each PATCH is 204 and the media reaches the room; what RFC
// 9725 refuses is refused with its status and Parley's code.
func TestWHIPTrickleICE(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	pub, offer := s.whipPublisher(t, webrtc.MimeTypeVP8)
	offer, cands := trickle(offer)
	if len(cands) == 0 {
		t.Fatal("the client's offer has no candidates to trickle")
	}
	endpoint := path("whip", "lobby", "cam")
	r := s.post(t, endpoint, tok(t, "obs", nil), offer)
	loc := created(t, r, endpoint)
	accept(t, pub.PC, r.body)
	etag := r.header.Get("ETag")
	frag := "a=ice-ufrag:" + ufragOf(offer) + "\r\na=ice-pwd:x\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"

	patch := func(body string, headers ...string) reply {
		return s.do(t, http.MethodPatch, loc, body, append([]string{"Content-Type", "application/trickle-ice-sdpfrag"}, headers...)...)
	}
	for _, c := range cands {
		if r := patch(frag+c+"\r\n", "If-Match", etag); r.status != http.StatusNoContent {
			t.Fatalf("PATCH %s: %d %s, want 204", c, r.status, r.body)
		}
	}
	if r := patch(frag + "a=end-of-candidates\r\n"); r.status != http.StatusNoContent {
		t.Fatalf("PATCH end-of-candidates without If-Match: %d %s, want 204", r.status, r.body)
	}
	pub.Start()
	eng.awaitStream("cam", protocol.UpdateAdd)
	eng.play("cam")

	for name, tc := range map[string]struct {
		method, path, body string
		headers            []string
		status             int
	}{
		"stale ETag":         {http.MethodPatch, loc, frag, []string{"If-Match", `"stale"`}, http.StatusPreconditionFailed},
		"ICE restart":        {http.MethodPatch, loc, "a=ice-ufrag:new1\r\na=ice-pwd:newpasswordnewpassword\r\n", []string{"If-Match", "*"}, http.StatusUnprocessableEntity},
		"not an sdpfrag":     {http.MethodPatch, loc, "hello", nil, http.StatusBadRequest},
		"bad candidate":      {http.MethodPatch, loc, frag + "a=candidate:1 1 UDP x\r\n", nil, http.StatusBadRequest},
		"wrong Content-Type": {http.MethodPatch, loc, frag, []string{"Content-Type", "application/sdp"}, http.StatusUnsupportedMediaType},
		"unknown session":    {http.MethodPatch, endpoint + "/00112233445566778899aabbccddeeff", frag, nil, http.StatusNotFound},
		"another stream":     {http.MethodDelete, path("whip", "lobby", "other") + loc[len(endpoint):], "", nil, http.StatusNotFound},
		"GET":                {http.MethodGet, loc, "", nil, http.StatusMethodNotAllowed},
	} {
		headers := append([]string{"Content-Type", "application/trickle-ice-sdpfrag"}, tc.headers...)
		r := s.do(t, tc.method, tc.path, tc.body, headers...)
		if r.status != tc.status {
			t.Errorf("%s: %d %s, want %d", name, r.status, r.body, tc.status)
			continue
		}
		r.errorBody(t)
	}
	// None of them disturbed the stream.
	eng.play("cam")
}

// A WHEP player plays an engine's stream: it is a member of the room while
// it plays, trickles its candidates, and leaves when it DELETEs its session.
func TestWHEPPlaysAnEngineStream(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	eng.publish("lobby", "native-cam")
	before := s.size()

	sub, offer, err := testkit.NewSubscriber(s.api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	offer, cands := trickle(offer)
	endpoint := path("whep", "lobby", "native-cam")
	viewer := tok(t, "viewer", func(c *token.Claims) { c.Privileges.PublishStream = false; c.RoomID = "lobby" })
	r := s.post(t, endpoint, viewer, offer)
	loc := created(t, r, endpoint)
	if err := sub.Accept(r.body); err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		r := s.do(t, http.MethodPatch, loc, c+"\r\n", "Content-Type", "application/trickle-ice-sdpfrag", "If-Match", r.header.Get("ETag"))
		if r.status != http.StatusNoContent {
			t.Fatalf("PATCH: %d %s", r.status, r.body)
		}
	}
	receives(t, sub)
	eng.awaitUser("viewer", protocol.UpdateAdd)

	if r := s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusOK {
		t.Fatalf("DELETE: %d %s", r.status, r.body)
	}
	eng.awaitUser("viewer", protocol.UpdateDelete)
	s.backTo(t, before, "DELETE")

	// A play that the publisher ends ends its session too.
	sub2, offer, err := testkit.NewSubscriber(s.api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub2.Close)
	r = s.post(t, endpoint, viewer, offer)
	loc = created(t, r, endpoint)
	if err := sub2.Accept(r.body); err != nil {
		t.Fatal(err)
	}
	receives(t, sub2)
	if err := eng.c.Call(protocol.TypeUnpublish, protocol.Unpublish{StreamID: "native-cam"}, nil); err != nil {
		t.Fatal(err)
	}
	eng.awaitUser("viewer", protocol.UpdateDelete)
	s.backTo(t, size{Counts: room.Counts{Sessions: 1, Rooms: 1, Participants: 1}}, "the stream's end")
	if r := s.do(t, http.MethodDelete, loc, ""); r.status != http.StatusNotFound {
		t.Fatalf("DELETE after the stream ended: %d, want 404", r.status)
	}
}
