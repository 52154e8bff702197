package whip_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// Every refusal answers with the RFCs' status and Parley's code in a JSON
// body, and leaves the directory and the SFU as they were: no user logged
// in, no room made, no PeerConnection kept.
func TestRefusalsLeaveNothingBehind(t *testing.T) {
	s := newStack(t)
	eng, _ := s.newEngine(t, "lobby", "native")
	eng.publish("lobby", "taken")
	_, good := s.whipPublisher(t, webrtc.MimeTypeVP8)
	sub, playOffer, err := testkit.NewSubscriber(s.api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sub.Close)
	before := s.size()
	publisher := tok(t, "obs", nil)

	for _, tc := range []struct {
		name   string
		path   string
		body   string
		hdr    []string
		status int
		code   protocol.Code
	}{
		{"no token", "/whip/lobby/cam", good, []string{"Content-Type", "application/sdp"}, 401, protocol.ErrRoomAuthFailed},
		{"not a token", "/whip/lobby/cam", good, bearer("garbage"), 401, protocol.ErrRoomAuthFailed},
		{"basic auth", "/whip/lobby/cam", good, []string{"Authorization", "Basic b2JzOnB3", "Content-Type", "application/sdp"}, 401, protocol.ErrRoomAuthFailed},
		{"expired", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.ExpiresAt = time.Now().Add(-time.Minute) })), 401, protocol.ErrRoomTokenExpired},
		{"signed by another app", "/whip/lobby/cam", good, bearer(forged(t)), 401, protocol.ErrRoomAuthFailed},
		{"unknown app", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.AppID = 9 })), 401, protocol.ErrRoomAuthFailed},
		{"no publish privilege", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.Privileges.PublishStream = false })), 403, protocol.ErrPublishNoPrivilege},
		{"another stream ID", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.StreamIDs = []string{"obs-main"} })), 403, protocol.ErrPublishNoPrivilege},
		{"another room", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.RoomID = "studio" })), 403, protocol.ErrRoomTokenInvalid},
		{"no login privilege", "/whip/lobby/cam", good, bearer(tok(t, "obs", func(c *token.Claims) { c.Privileges.LoginRoom = false })), 403, protocol.ErrRoomTokenInvalid},
		{"not SDP", "/whip/lobby/cam", good, []string{"Authorization", "Bearer " + publisher, "Content-Type", "text/plain"}, 415, protocol.ErrPublishSDPInvalid},
		{"malformed SDP", "/whip/lobby/cam", "hello", bearer(publisher), 400, protocol.ErrPublishSDPInvalid},
		{"empty body", "/whip/lobby/cam", "", bearer(publisher), 400, protocol.ErrPublishSDPInvalid},
		{"huge SDP", "/whip/lobby/cam", good + strings.Repeat("a=x\r\n", 8000), bearer(publisher), 413, protocol.ErrPublishSDPInvalid},
		{"a play offer", "/whip/lobby/cam", playOffer, bearer(publisher), 422, protocol.ErrPublishSDPInvalid},
		{"bad room ID", "/whip/a%20b/cam", good, bearer(publisher), 400, protocol.ErrInvalidRoomID},
		{"bad stream ID", "/whip/lobby/c%2Fam", good, bearer(publisher), 400, protocol.ErrInvalidStreamID},
		{"stream ID in use", "/whip/lobby/taken", good, bearer(publisher), 409, protocol.ErrPublishStreamIDInUse},
		{"WHEP unknown room", "/whep/nowhere/taken", playOffer, bearer(publisher), 404, protocol.ErrPlayStreamNotFound},
		{"WHEP unknown stream", "/whep/lobby/nothing", playOffer, bearer(publisher), 404, protocol.ErrPlayStreamNotFound},
		{"WHEP stream of another room", "/whep/studio/taken", playOffer, bearer(publisher), 404, protocol.ErrPlayStreamNotFound},
		{"WHEP a publish offer", "/whep/lobby/taken", good, bearer(publisher), 422, protocol.ErrPlaySDPInvalid},
		{"WHEP no token", "/whep/lobby/taken", playOffer, []string{"Content-Type", "application/sdp"}, 401, protocol.ErrRoomAuthFailed},
		{"WHEP no login privilege", "/whep/lobby/taken", playOffer, bearer(tok(t, "obs", func(c *token.Claims) { c.Privileges.LoginRoom = false })), 403, protocol.ErrRoomTokenInvalid},
	} {
		r := s.do(t, http.MethodPost, tc.path, tc.body, tc.hdr...)
		if r.status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, r.status, r.body, tc.status)
			continue
		}
		if e := r.errorBody(t); e.Code != tc.code {
			t.Errorf("%s: code %s (%s), want %s", tc.name, e.Code.Name(), e.Message, tc.code.Name())
		}
		if tc.status == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: 401 without WWW-Authenticate: Bearer", tc.name)
		}
		s.backTo(t, before, tc.name)
	}
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut} {
		r := s.do(t, m, "/whip/lobby/cam", "")
		if r.status != http.StatusMethodNotAllowed || !strings.Contains(r.header.Get("Allow"), "POST") {
			t.Errorf("%s on the endpoint: %d, Allow %q; want 405 with POST allowed", m, r.status, r.header.Get("Allow"))
		}
	}
	if r := s.do(t, http.MethodGet, "/whip/lobby", ""); r.status != http.StatusNotFound {
		t.Errorf("GET /whip/lobby: %d, want 404", r.status)
	}
}

func bearer(tok string) []string {
	return []string{"Authorization", "Bearer " + tok, "Content-Type", "application/sdp"}
}

// forged is a token for the development app signed with another app's secret.
func forged(t *testing.T) string {
	t.Helper()
	s, err := token.Mint(app2Secret, token.Claims{AppID: config.DevAppID, UserID: "obs",
		Privileges: token.Privileges{LoginRoom: true, PublishStream: true}, ExpiresAt: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
