package server

import (
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// iceUfrag is the first ICE username fragment an SDP carries.
func iceUfrag(t *testing.T, sdp string) string {
	t.Helper()
	var d webrtc.SessionDescription
	d.SDP = sdp
	parsed, err := d.Unmarshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range parsed.MediaDescriptions {
		if v, ok := m.Attribute("ice-ufrag"); ok {
			return v
		}
	}
	if v, ok := parsed.Attribute("ice-ufrag"); ok {
		return v
	}
	t.Fatal("no ice-ufrag in the SDP")
	return ""
}

// TestRestartICE restarts ICE on a live publication and on a live play:
// each answer carries new credentials, and media goes on over the
// renegotiated connections. Requests for what the session does not
// publish or play, or with a bad offer, fail with the right code.
func TestRestartICE(t *testing.T) {
	s := startServer(t)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "ice", "alice", false)
	login(t, b, "ice", "bob", false)

	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "ice", StreamID: "s", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	pubUfrag := iceUfrag(t, ans.SDP)
	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := b.Call(protocol.TypePlay, protocol.Play{StreamID: "s", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := sub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	subUfrag := iceUfrag(t, ans.SDP)
	if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		who   string
		cl    *testkit.Client
		pc    *webrtc.PeerConnection
		play  bool
		ufrag string
	}{{"publisher", a, pub.PC, false, pubUfrag}, {"player", b, sub.PC, true, subUfrag}} {
		offer, err := testkit.RestartOffer(c.pc)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.cl.Call(protocol.TypeRestartICE, protocol.RestartICE{StreamID: "s", Play: c.play, SDP: offer}, &ans); err != nil {
			t.Fatalf("%s: restart_ice: %v", c.who, err)
		}
		if u := iceUfrag(t, ans.SDP); u == c.ufrag {
			t.Errorf("%s: the answer kept the ICE credentials %q", c.who, u)
		}
		if err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans.SDP}); err != nil {
			t.Fatalf("%s: %v", c.who, err)
		}
	}
	for drained := false; !drained; { // what arrived before the restarts
		select {
		case <-sub.Got:
		default:
			drained = true
		}
	}
	if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
		t.Fatalf("no media after the restarts: %v", err)
	}

	for _, c := range []struct {
		who  string
		cl   *testkit.Client
		req  protocol.RestartICE
		want protocol.Code
	}{
		{"a stream bob does not publish", b, protocol.RestartICE{StreamID: "s", SDP: offer}, protocol.ErrInvalidStreamID},
		{"a stream alice does not play", a, protocol.RestartICE{StreamID: "s", Play: true, SDP: offer}, protocol.ErrPlayStreamNotFound},
		{"no offer", a, protocol.RestartICE{StreamID: "s"}, protocol.ErrPublishSDPInvalid},
		{"a bad offer", b, protocol.RestartICE{StreamID: "s", Play: true, SDP: "v=0 nonsense"}, protocol.ErrPlaySDPInvalid},
		{"a bad stream ID", a, protocol.RestartICE{StreamID: "no spaces", SDP: offer}, protocol.ErrInvalidStreamID},
	} {
		err := c.cl.Call(protocol.TypeRestartICE, c.req, nil)
		if protocol.CodeOf(err) != c.want {
			t.Errorf("%s: %v, want code %d", c.who, err, c.want)
		}
	}
}
