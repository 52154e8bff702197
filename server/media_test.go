package server

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// TestCallThroughServer is one call: A publishes synthetic VP8 and Opus RTP
// through the server, B plays it and gets the same payloads, B's keyframe
// request reaches A, and everything runs over the server's one UDP port.
func TestCallThroughServer(t *testing.T) {
	s := startServer(t)
	udpPort := s.UDPAddr().(*net.UDPAddr).Port
	tcpPort := strings.TrimPrefix(s.URL(), "ws://127.0.0.1:")
	if strconv.Itoa(udpPort) != tcpPort {
		t.Logf("UDP port %d differs from TCP port %s (it was taken)", udpPort, tcpPort)
	}
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "call", "alice", false)
	login(t, b, "call", "bob", false)

	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "call", StreamID: "alice-main", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	checkCandidates(t, ans.SDP, udpPort)
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	pub.Start()

	su := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)
	if su.UpdateType != protocol.UpdateAdd || su.Streams[0].StreamID != "alice-main" || su.Streams[0].UserID != "alice" {
		t.Fatalf("stream update %+v", su)
	}
	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if err := b.Call(protocol.TypePlay, protocol.Play{StreamID: "alice-main", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	checkCandidates(t, ans.SDP, udpPort)
	if err := sub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
		t.Fatal(err)
	}
	if n := sub.Bad.Load(); n != 0 {
		t.Fatalf("%d packets arrived altered", n)
	}
	for name, pc := range map[string]*webrtc.PeerConnection{"publisher": pub.PC, "subscriber": sub.PC} {
		if p, err := testkit.RemotePort(pc); err != nil || p != udpPort {
			t.Errorf("%s uses server port %d (%v), want %d", name, p, err, udpPort)
		}
	}

	// Keyframes: one when B connected, one more for B's own PLI.
	waitUntil(t, "PLI when the subscriber connected", func() bool { return pub.PLIs.Load() >= 1 })
	before := pub.PLIs.Load()
	time.Sleep(250 * time.Millisecond) // past the per-publication rate limit
	if err := sub.SendPLI(); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "B's PLI at A", func() bool { return pub.PLIs.Load() > before })

	// A stops: B is told and its media connection ends.
	if err := a.Call(protocol.TypeUnpublish, protocol.Unpublish{StreamID: "alice-main"}, nil); err != nil {
		t.Fatal(err)
	}
	if su := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate); su.UpdateType != protocol.UpdateDelete {
		t.Fatalf("stream update %+v", su)
	}
	if ps := event[protocol.PlayStopped](t, b, protocol.TypePlayStopped); ps.StreamID != "alice-main" {
		t.Fatalf("play stopped %+v", ps)
	}
	waitUntil(t, "subscriber PeerConnection to end", func() bool {
		return sub.PC.ConnectionState() != webrtc.PeerConnectionStateConnected
	})
}

func checkCandidates(t *testing.T, sdp string, port int) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(sdp, "\n") {
		if !strings.HasPrefix(l, "a=candidate:") {
			continue
		}
		n++
		if f := strings.Fields(l); len(f) < 6 || f[5] != strconv.Itoa(port) {
			t.Errorf("candidate %q is not on the one UDP port %d", strings.TrimSpace(l), port)
		}
	}
	if n == 0 {
		t.Error("answer has no candidates (want non-trickle)")
	}
}

// TestCloseWithLiveCall closes a server in the middle of a call: clients
// see their connections end and nothing is left running (TestMain checks).
func TestCloseWithLiveCall(t *testing.T) {
	s := startServer(t)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a := authed(t, s, 1)
	login(t, a, "r", "u", false)
	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	waitUntil(t, "publisher connected", func() bool {
		return pub.PC.ConnectionState() == webrtc.PeerConnectionStateConnected
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, a)
	if _, err := testkit.Dial(s.URL()); err == nil {
		t.Fatal("dial after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestListenFailures(t *testing.T) {
	s := startServer(t)
	cfg := s.cfg
	cfg.Listen = strings.TrimPrefix(s.URL(), "ws://") // taken
	s2, err := New(cfg, WithLogger(testLogger()))
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, s2.Start(t.Context()), protocol.ErrServerListenFailed)
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}

	cfg.Listen = "127.0.0.1:0"
	cfg.UDPPort = s.UDPAddr().(*net.UDPAddr).Port // taken
	s3, err := New(cfg, WithLogger(testLogger()))
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, s3.Start(t.Context()), protocol.ErrServerListenFailed)
	_ = s3.Close()

	cfg.Apps = nil
	_, err = New(cfg)
	wantCode(t, err, protocol.ErrServerConfigInvalid)
}

// TestMediaGone: a client that closes a PeerConnection without a word on
// signaling leaves no ghost behind. A closed play is reported to its player;
// a closed publication ends for everyone and is reported to its publisher,
// whose stream ID is free again.
func TestMediaGone(t *testing.T) {
	s := startServer(t)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "r", "ua", false)
	login(t, b, "r", "ub", false)
	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)

	play := func() *testkit.Subscriber {
		sub, offer, err := testkit.NewSubscriber(api)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sub.Close)
		if err := b.Call(protocol.TypePlay, protocol.Play{StreamID: "s", SDP: offer}, &ans); err != nil {
			t.Fatal(err)
		}
		if err := sub.Accept(ans.SDP); err != nil {
			t.Fatal(err)
		}
		if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
			t.Fatal(err)
		}
		return sub
	}
	play().Close()
	if ps := event[protocol.PlayStopped](t, b, protocol.TypePlayStopped); ps.StreamID != "s" || ps.Code != protocol.ErrPlayNetwork {
		t.Fatalf("play stopped %+v", ps)
	}
	play() // playing again works

	pub.Close()
	if ps := event[protocol.PublishStopped](t, a, protocol.TypePublishStopped); ps.StreamID != "s" || ps.Code != protocol.ErrPublishNetwork {
		t.Fatalf("publish stopped %+v", ps)
	}
	if su := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate); su.UpdateType != protocol.UpdateDelete {
		t.Fatalf("stream update %+v", su)
	}
	if ps := event[protocol.PlayStopped](t, b, protocol.TypePlayStopped); ps.StreamID != "s" || ps.Code != 0 {
		t.Fatalf("play stopped %+v", ps)
	}
	pub2, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub2.Close()
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: offer}, nil); err != nil {
		t.Fatalf("publish again after the media ended: %v", err)
	}
}

// TestREDToPlayersWithAndWithout: a publisher sends its audio as RED; a
// player that negotiated RED gets each packet whole (the packet before it
// inside), one that did not — a browser without RED — gets the primary
// Opus alone, byte for byte.
func TestREDToPlayersWithAndWithout(t *testing.T) {
	s := startServer(t)
	redAPI, err := testkit.NewAPIWith(true)
	if err != nil {
		t.Fatal(err)
	}
	opusAPI, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "red", "alice", false)
	login(t, b, "red", "bob", false)
	pub, offer, err := testkit.NewREDPublisher(redAPI)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "red", StreamID: "alice-main", SDP: offer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)
	for _, c := range []struct {
		name string
		api  *webrtc.API
		red  bool
	}{{"player with RED", redAPI, true}, {"player without RED", opusAPI, false}} {
		sub, offer, err := testkit.NewSubscriber(c.api)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()
		if err := b.Call(protocol.TypePlay, protocol.Play{StreamID: "alice-main", SDP: offer}, &ans); err != nil {
			t.Fatal(err)
		}
		if err := sub.Accept(ans.SDP); err != nil {
			t.Fatal(err)
		}
		if err := sub.WaitKinds("va", testkit.Timeout); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n := sub.Bad.Load(); n != 0 {
			t.Errorf("%s: %d packets arrived altered", c.name, n)
		}
		if got := sub.RED.Load() > 0; got != c.red {
			t.Errorf("%s: got RED packets %v, want %v", c.name, got, c.red)
		}
	}
}
