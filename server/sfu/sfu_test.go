package sfu

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newSFU(t *testing.T) *SFU {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Conn: conn, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		conn.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// candidatePorts lists the ports of the candidates in an SDP.
func candidatePorts(sdp string) []int {
	var ports []int
	for _, l := range strings.Split(sdp, "\n") {
		if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(l), "a=candidate:")); strings.HasPrefix(l, "a=candidate:") && len(f) > 5 {
			p, _ := strconv.Atoi(f[5])
			ports = append(ports, p)
		}
	}
	return ports
}

func TestForwardAndKeyframes(t *testing.T) {
	s := newSFU(t)
	ctx := testCtx(t)
	log := slog.New(slog.DiscardHandler)
	udpPort := s.LocalAddr().(*net.UDPAddr).Port
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}

	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	answer, err := s.Publish(ctx, PublishParams{ID: 1, Label: "stream-1", Offer: offer, Log: log,
		OnGone: func() { t.Error("publisher reported gone after a server-side unpublish") }})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	pub.Start()

	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	answer, err = s.Play(ctx, PlayParams{Publication: 1, Subscriber: 7, Offer: offer, Log: log,
		OnGone: func() { t.Error("subscriber reported gone after a server-side unpublish") }})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range candidatePorts(answer) {
		if p != udpPort {
			t.Errorf("answer candidate port %d, want the one UDP port %d", p, udpPort)
		}
	}
	if err := sub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := sub.VideoCodec(); got != webrtc.MimeTypeVP8 {
		t.Fatalf("subscriber's video track is %q, want %s", got, webrtc.MimeTypeVP8)
	}
	if n := sub.Bad.Load(); n != 0 {
		t.Fatalf("%d packets arrived altered", n)
	}
	for name, port := range map[string]func() (int, error){
		"publisher":  func() (int, error) { return testkit.RemotePort(pub.PC) },
		"subscriber": func() (int, error) { return testkit.RemotePort(sub.PC) },
	} {
		p, err := port()
		if err != nil || p != udpPort {
			t.Errorf("%s talks to port %d (%v), want %d", name, p, err, udpPort)
		}
	}

	// The subscriber connecting asked for a keyframe; a PLI of its own
	// reaches the publisher too.
	waitFor(t, "PLI on subscriber connect", func() bool { return pub.PLIs.Load() >= 1 })
	before := pub.PLIs.Load()
	time.Sleep(250 * time.Millisecond) // past the rate limit
	if err := sub.SendPLI(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "subscriber PLI at publisher", func() bool { return pub.PLIs.Load() > before })

	// The counters of /metrics saw it all.
	st := s.Stats()
	if st.Publications != 1 || st.Subscribers != 1 || st.TracksIn != 2 || st.TracksOut != 2 {
		t.Errorf("stats count %d publications, %d subscribers, %d tracks in, %d out; want 1, 1, 2, 2",
			st.Publications, st.Subscribers, st.TracksIn, st.TracksOut)
	}
	var observed uint64
	for _, c := range st.LatencyCounts {
		observed += c
	}
	if st.PacketsIn == 0 || st.PacketsOut == 0 || st.BytesOut < 120*st.PacketsOut || observed == 0 ||
		observed > st.PacketsIn || st.PLIsIn == 0 || st.PLIsOut < 2 {
		t.Errorf("stats: %+v", st)
	}

	// Unpublish closes the subscriber's PeerConnection too; pion's DTLS
	// close_notify tells the client at once.
	s.Unpublish(1)
	waitFor(t, "subscriber connection ends", func() bool {
		return sub.PC.ConnectionState() != webrtc.PeerConnectionStateConnected
	})
}

// An H.264 publication forwards H.264: the server's track takes the codec
// of the publisher's offer, and a subscriber offering both codecs receives
// H.264 with every payload intact. A subscriber offering VP8 only is told so.
func TestForwardH264(t *testing.T) {
	s := newSFU(t)
	ctx := testCtx(t)
	log := slog.New(slog.DiscardHandler)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pub, offer, err := testkit.NewPublisherWith(api, webrtc.MimeTypeH264)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if strings.Contains(offer, "VP8/90000") || !strings.Contains(offer, "H264/90000") {
		t.Fatalf("the publisher's offer should list H.264 only:\n%s", offer)
	}
	answer, err := s.Publish(ctx, PublishParams{ID: 1, Label: "stream-h264", Offer: offer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	pub.Start()

	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if !strings.Contains(offer, "VP8/90000") || !strings.Contains(offer, "H264/90000") {
		t.Fatalf("the subscriber's offer should list both codecs:\n%s", offer)
	}
	vp8Only := strings.ReplaceAll(offer, "H264/90000", "VP9/90000")
	if _, err := s.Play(ctx, PlayParams{Publication: 1, Subscriber: 8, Offer: vp8Only, Log: log}); protocol.CodeOf(err) != protocol.ErrPlaySDPInvalid {
		t.Errorf("VP8-only subscriber of an H.264 stream: %v, want PLAY_SDP_INVALID", err)
	}
	answer, err = s.Play(ctx, PlayParams{Publication: 1, Subscriber: 7, Offer: offer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := sub.VideoCodec(); got != webrtc.MimeTypeH264 {
		t.Fatalf("subscriber's video track is %q, want %s", got, webrtc.MimeTypeH264)
	}
	if n := sub.Bad.Load(); n != 0 {
		t.Fatalf("%d packets arrived altered", n)
	}
	waitFor(t, "PLI on subscriber connect", func() bool { return pub.PLIs.Load() >= 1 })
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestBadOffers(t *testing.T) {
	s := newSFU(t)
	ctx := testCtx(t)
	log := slog.New(slog.DiscardHandler)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pub, pubOffer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	sub, subOffer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	cases := []struct {
		name  string
		offer string
		play  bool
		code  protocol.Code
	}{
		{"garbage", "hello", false, protocol.ErrPublishSDPInvalid},
		{"too big", pubOffer + strings.Repeat("a=x\r\n", protocol.MaxSDPBytes/5), false, protocol.ErrPublishSDPInvalid},
		{"recvonly publish", subOffer, false, protocol.ErrPublishSDPInvalid},
		{"sendonly play", pubOffer, true, protocol.ErrPlaySDPInvalid},
		{"neither VP8 nor H.264", strings.ReplaceAll(pubOffer, "VP8/90000", "VP9/90000"), false, protocol.ErrPublishSDPInvalid},
		{"garbage play", "v=0", true, protocol.ErrPlaySDPInvalid},
	}
	for _, tc := range cases {
		var err error
		if tc.play {
			_, err = s.Play(ctx, PlayParams{Publication: 1, Subscriber: 1, Offer: tc.offer, Log: log})
		} else {
			_, err = s.Publish(ctx, PublishParams{ID: 1, Label: "x", Offer: tc.offer, Log: log})
		}
		if protocol.CodeOf(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code.Name())
		}
	}
	// Playing a publication that does not exist.
	if _, err := s.Play(ctx, PlayParams{Publication: 99, Subscriber: 1, Offer: subOffer, Log: log}); protocol.CodeOf(err) != protocol.ErrPlayStreamNotFound {
		t.Errorf("unknown publication: %v", err)
	}
}

func TestWantsKeyframe(t *testing.T) {
	rr := []byte{0x80, 201, 0, 1, 0, 0, 0, 1}              // empty receiver report
	pli := []byte{0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2} // PLI
	fir := []byte{0x84, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2} // FIR header
	nack := []byte{0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2}
	if wantsKeyframe(rr) || wantsKeyframe(nack) || wantsKeyframe(nil) || wantsKeyframe(rr[:5]) {
		t.Error("false positive")
	}
	if !wantsKeyframe(append(append([]byte{}, rr...), pli...)) || !wantsKeyframe(fir) {
		t.Error("missed a keyframe request")
	}
}

// When a client closes its PeerConnection without a word on signaling, the
// SFU reports the publication or subscriber gone, once.
func TestClientClosesReportsGone(t *testing.T) {
	s := newSFU(t)
	ctx := testCtx(t)
	log := slog.New(slog.DiscardHandler)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pubGone, subGone := make(chan struct{}, 2), make(chan struct{}, 2)
	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	answer, err := s.Publish(ctx, PublishParams{ID: 1, Offer: offer, Log: log, OnGone: func() { pubGone <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	pub.Start()
	sub, offer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	answer, err = s.Play(ctx, PlayParams{Publication: 1, Subscriber: 2, Offer: offer, Log: log,
		OnGone: func() { subGone <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	if err := sub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	wait := func(what string, ch chan struct{}) {
		t.Helper()
		select {
		case <-ch:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s not reported", what)
		}
	}
	sub.Close()
	wait("subscriber gone", subGone)
	pub.Close()
	wait("publisher gone", pubGone)
	s.Unpublish(1)
	time.Sleep(100 * time.Millisecond)
	if len(pubGone)+len(subGone) != 0 {
		t.Fatal("gone reported twice")
	}
}
