package engine

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
)

// seqWriter records the sequence numbers written to it, in order.
type seqWriter struct {
	mu   sync.Mutex
	seqs []uint16
}

func (w *seqWriter) Write(h *rtp.Header, _ []byte, _ interceptor.Attributes) (int, error) {
	w.mu.Lock()
	w.seqs = append(w.seqs, h.SequenceNumber)
	w.mu.Unlock()
	return 0, nil
}

func (w *seqWriter) written() []uint16 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]uint16(nil), w.seqs...)
}

// fakeResend stands for the tracker pion's NACK responder attaches to a
// retransmission: pending until every holder released it.
type fakeResend struct {
	mu      sync.Mutex
	holders int
	sent    []bool
}

func (r *fakeResend) Retain() { r.mu.Lock(); r.holders++; r.mu.Unlock() }
func (r *fakeResend) Release(sent bool) {
	r.mu.Lock()
	r.holders--
	r.sent = append(r.sent, sent)
	r.mu.Unlock()
}

func (r *fakeResend) state() (holders int, sent []bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holders, append([]bool(nil), r.sent...)
}

// resendKey is a stand-in for pion's (internal) attribute key.
type resendKey struct{}

// retransmitBehindVideo makes a pacer paced at targetBps and writes n new
// video packets of 1000 bytes (sequence numbers 10 on), then the
// retransmission of packet 3, tracked by the returned fakeResend.
func retransmitBehindVideo(t *testing.T, targetBps, n int) (*pacer, *seqWriter, *fakeResend) {
	t.Helper()
	p := newPacer(1_000_000)
	w := &seqWriter{}
	p.AddStream(1, w)
	p.SetTargetBitrate(targetBps)
	payload := make([]byte, 1000-12)
	for seq := range uint16(n) {
		if _, err := p.Write(&rtp.Header{SSRC: 1, PayloadType: ptVP8, SequenceNumber: 10 + seq}, payload, nil); err != nil {
			t.Fatal(err)
		}
	}
	r := &fakeResend{}
	if _, err := p.Write(&rtp.Header{SSRC: 1, PayloadType: ptVP8, SequenceNumber: 3}, payload,
		interceptor.Attributes{resendKey{}: r}); err != nil {
		t.Fatal(err)
	}
	return p, w, r
}

// A retransmission written while new video waits in the pacer goes out
// before that video, and stays held (pending, so repeated NACKs do not
// queue copies) until it has gone out.
func TestPacerSendsRetransmissionsFirst(t *testing.T) {
	p, w, r := retransmitBehindVideo(t, 100_000, 6) // 125 kbit/s paced: a packet every 64 ms
	defer p.Close()
	if holders, sent := r.state(); holders != 1 && len(sent) == 0 {
		t.Fatalf("the queued retransmission was not held by the pacer (holders %d)", holders)
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(w.written()) < 7 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := w.written()
	if len(got) != 7 {
		t.Fatalf("%d of 7 packets went out: %v", len(got), got)
	}
	// At most the burst credit's two packets left before it; the
	// retransmission goes out next, ahead of the new packets still waiting.
	if i := slices.Index(got, 3); i < 0 || i > 2 {
		t.Errorf("sent in the order %v, want the retransmission (3) among the first three", got)
	}
	if holders, sent := r.state(); holders != 0 || len(sent) != 1 || !sent[0] {
		t.Errorf("after sending: %d holders, releases %v; want the pacer's hold released as sent", holders, sent)
	}
	// The one retransmission of 1000 bytes is the last second's rate.
	if got := p.resentBps(); got != 8000 {
		t.Errorf("retransmissions sent at %d bit/s over the last second, want 8000", got)
	}
}

// The video encoder leaves room within the estimate for the
// retransmissions being sent, never going below a trickle.
func TestVideoTargetLeavesRoomForRetransmissions(t *testing.T) {
	resent := int64(0)
	v := &videoEncoder{resent: func() int64 { return resent }}
	v.bitrate.Store(1_000_000)
	v.estimate.Store(400_000)
	for _, tc := range []struct{ resent, want int64 }{
		{0, 400_000}, {100_000, 300_000}, {399_000, minVideoBps},
	} {
		resent = tc.resent
		if got := v.target(); got != tc.want {
			t.Errorf("estimate 400 kbit/s, retransmitting %d bit/s: target %d, want %d", tc.resent, got, tc.want)
		}
	}
}

// rateMeter forgets what is more than a second old.
func TestRateMeterWindow(t *testing.T) {
	var m rateMeter
	at := time.Unix(100, 0)
	m.add(at, 1000)
	m.add(at.Add(500*time.Millisecond), 500)
	if got := m.bps(at.Add(900 * time.Millisecond)); got != 12000 {
		t.Errorf("%d bit/s within the second, want 12000", got)
	}
	if got := m.bps(at.Add(1200 * time.Millisecond)); got != 4000 {
		t.Errorf("%d bit/s once the first bucket is a second old, want 4000", got)
	}
	if got := m.bps(at.Add(3 * time.Second)); got != 0 {
		t.Errorf("%d bit/s three seconds on, want 0", got)
	}
}

// Closing the pacer releases the retransmissions it still held, as not
// sent, so the responder may send them again elsewhere.
func TestPacerCloseReleasesRetransmissions(t *testing.T) {
	p, w, r := retransmitBehindVideo(t, 10_000, 4) // a packet every 640 ms
	time.Sleep(50 * time.Millisecond)              // the burst's two, then the retransmission waits
	p.Close()
	holders, sent := r.state()
	if holders != 0 || len(sent) != 1 {
		t.Fatalf("after Close: %d holders, releases %v; want exactly one release", holders, sent)
	}
	if wasSent := slices.Contains(w.written(), 3); sent[0] != wasSent {
		t.Errorf("released as sent: %v, but the packets that went out are %v", sent[0], w.written())
	}
}
