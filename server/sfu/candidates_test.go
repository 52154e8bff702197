package sfu

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// trickled splits an offer into the offer without its candidates and the
// candidates' attribute values, as a trickle ICE client sends them.
func trickled(offer string) (string, []string) {
	var lines, cands []string
	for _, l := range strings.SplitAfter(offer, "\n") {
		if c, ok := strings.CutPrefix(strings.TrimRight(l, "\r\n"), "a=candidate:"); ok {
			cands = append(cands, "candidate:"+c)
			continue
		}
		if strings.HasPrefix(l, "a=end-of-candidates") {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, ""), cands
}

// remoteHosts lists the addresses of the remote host candidates pc knows.
func remoteHosts(pc *webrtc.PeerConnection) []string {
	var out []string
	for _, st := range pc.GetStats() {
		if c, ok := st.(webrtc.ICECandidateStats); ok && c.Type == webrtc.StatsTypeRemoteCandidate &&
			c.CandidateType == webrtc.ICECandidateTypeHost {
			out = append(out, c.IP)
		}
	}
	return out
}

// A publisher and a subscriber that send their offers without candidates
// and trickle them afterwards: the server's PeerConnections take them, and
// media flows.
func TestTrickledCandidates(t *testing.T) {
	s := newSFU(t)
	ctx := testCtx(t)
	log := slog.New(slog.DiscardHandler)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}

	pub, offer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	offer, cands := trickled(offer)
	if len(cands) == 0 {
		t.Fatal("the test publisher's offer has no candidates to trickle")
	}
	if err := s.AddPublisherCandidate(1, cands[0]); protocol.CodeOf(err) != protocol.ErrPublishNetwork {
		t.Fatalf("candidate for a publication not there yet: %v, want PUBLISH_NETWORK", err)
	}
	answer, err := s.Publish(ctx, PublishParams{ID: 1, Label: "s", Offer: offer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if err := s.AddPublisherCandidate(1, c); err != nil {
			t.Fatalf("publisher candidate %q: %v", c, err)
		}
	}
	if err := s.AddPublisherCandidate(1, "candidate:not a candidate"); protocol.CodeOf(err) != protocol.ErrInvalidArgument {
		t.Fatalf("malformed candidate: %v, want INVALID_ARGUMENT", err)
	}
	s.mu.Lock()
	serverPC := s.pubs[1].pc
	s.mu.Unlock()
	// pion's ICE agent takes added candidates on its own goroutine.
	var hosts []string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if hosts = remoteHosts(serverPC); len(hosts) > 0 {
			break
		}
	}
	if len(hosts) == 0 || hosts[0] != "127.0.0.1" {
		t.Fatalf("the server's publisher connection knows remote host candidates %v, want the trickled 127.0.0.1", hosts)
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
	offer, cands = trickled(offer)
	if err := s.AddSubscriberCandidate(1, 7, cands[0]); protocol.CodeOf(err) != protocol.ErrPlayStreamNotFound {
		t.Fatalf("candidate for a subscriber not there yet: %v, want PLAY_STREAM_NOT_FOUND", err)
	}
	if err := s.AddSubscriberCandidate(2, 7, cands[0]); protocol.CodeOf(err) != protocol.ErrPlayStreamNotFound {
		t.Fatalf("candidate for an unknown publication: %v, want PLAY_STREAM_NOT_FOUND", err)
	}
	answer, err = s.Play(ctx, PlayParams{Publication: 1, Subscriber: 7, Offer: offer, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cands {
		if err := s.AddSubscriberCandidate(1, 7, c); err != nil {
			t.Fatalf("subscriber candidate %q: %v", c, err)
		}
	}
	if err := sub.Accept(answer); err != nil {
		t.Fatal(err)
	}
	if err := sub.WaitKinds("va", 10*time.Second); err != nil {
		t.Fatal(err)
	}
	s.Unpublish(1)
	if err := s.AddPublisherCandidate(1, cands[0]); protocol.CodeOf(err) != protocol.ErrPublishNetwork {
		t.Fatalf("candidate after the unpublish: %v, want PUBLISH_NETWORK", err)
	}
}
