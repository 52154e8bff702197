package engine

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

func TestNTPRoundTrip(t *testing.T) {
	for _, at := range []time.Time{time.Unix(0, 0), time.Unix(1_790_000_000, 123_456_789), time.Now()} {
		if got := fromNTP(toNTP(at)); got.Sub(at).Abs() > time.Microsecond {
			t.Errorf("fromNTP(toNTP(%v)) = %v", at, got)
		}
	}
	// The 16.16 middle bits: 1.5 s apart is 0x18000 apart.
	a := time.Unix(1_790_000_000, 0)
	if d := ntpMid(toNTP(a.Add(1500*time.Millisecond))) - ntpMid(toNTP(a)); d != 0x18000 {
		t.Errorf("1.5 s is %#x in 16.16, want 0x18000", d)
	}
}

func TestRemoteClockMapsThroughTheLeastDelayedReport(t *testing.T) {
	var c remoteClock
	if c.captureTimeMs(1234) != 0 {
		t.Fatal("a clock without a report must say unknown (0)")
	}
	t0 := time.UnixMilli(1_790_000_000_000)
	// The sender's report says RTP 90000 is "now" (t0); it arrives 30 ms
	// later over a 20 ms round trip: 10 ms in a queue.
	c.update(&rtcp.SenderReport{RTPTime: 90000}, t0.Add(30*time.Millisecond), 20*time.Millisecond)
	if got := c.captureTimeMs(90000 + 90*500); got != t0.Add(520*time.Millisecond).UnixMilli() {
		t.Fatalf("mapped %d, want t0+520 ms", got-t0.UnixMilli())
	}
	// A later report that waited less wins; one that waited more does not.
	c.update(&rtcp.SenderReport{RTPTime: 90000 + 90000}, t0.Add(time.Second+10*time.Millisecond), 20*time.Millisecond)
	c.update(&rtcp.SenderReport{RTPTime: 90000 + 180000}, t0.Add(2*time.Second+90*time.Millisecond), 20*time.Millisecond)
	if got := c.captureTimeMs(90000); got != t0.UnixMilli() {
		t.Fatalf("mapped %d, want t0", got-t0.UnixMilli())
	}
	// RTP time wraps.
	c = remoteClock{}
	wrap := uint32(0xFFFFFF00)
	c.update(&rtcp.SenderReport{RTPTime: wrap}, t0.Add(3*time.Second), 0)
	c.update(&rtcp.SenderReport{RTPTime: wrap}, t0.Add(3*time.Second-time.Millisecond), 0)
	if got := c.captureTimeMs(wrap + 9000); got != t0.Add(3099*time.Millisecond).UnixMilli() {
		t.Fatalf("across the wrap mapped %d, want t0+3099 ms", got-t0.UnixMilli())
	}
}

func TestRTTMeterReadsADLRRAnswer(t *testing.T) {
	m := newRTTMeter()
	sent := time.Now()
	p := probe(42, sent).(*rtcp.ExtendedReport)
	lrr := ntpMid(p.Reports[0].(*rtcp.ReceiverReferenceTimeReportBlock).NTPTimestamp)
	// The server held it 5 ms; it came back 25 ms after it left.
	m.answer(&rtcp.ExtendedReport{Reports: []rtcp.ReportBlock{&rtcp.DLRRReportBlock{
		Reports: []rtcp.DLRRReport{{SSRC: 42, LastRR: lrr, DLRR: 5 * 65536 / 1000}},
	}}}, sent.Add(25*time.Millisecond))
	if got := m.ms.Load(); got < 19 || got > 21 {
		t.Fatalf("rtt %d ms, want 20", got)
	}
	// An answer to nothing (LastRR 0) is ignored.
	m.answer(&rtcp.ExtendedReport{Reports: []rtcp.ReportBlock{&rtcp.DLRRReportBlock{
		Reports: []rtcp.DLRRReport{{SSRC: 42}},
	}}}, sent)
	if got := m.ms.Load(); got < 19 || got > 21 {
		t.Fatalf("rtt %d ms after an empty answer", got)
	}
}

func TestCaptureRTPTimeIsMillisecondsTimes90(t *testing.T) {
	at := time.UnixMilli(1_790_000_000_123)
	if got, want := captureRTPTime(at), uint32(at.UnixMilli()*90); got != want {
		t.Fatalf("%d, want %d", got, want)
	}
}
