package sfu

import (
	"testing"
	"time"

	"github.com/pion/rtcp"
)

// Feedback in the form pion's receivers send it is read back into the
// packets it names, with their send times, sizes, arrivals and losses;
// packets the ring no longer holds are left out.
func TestTWCCFeedbackNamesThePackets(t *testing.T) {
	var s twccSender
	for i := range 6 {
		if seq := s.record(int64(i)*1e6, 1000+i); seq != uint16(i) {
			t.Fatalf("packet %d numbered %d", i, seq)
		}
	}
	raw := testFeedback(t)
	acks, _, ok := s.acks(nil, raw, nil)
	if !ok {
		t.Fatal("the feedback was not read")
	}
	ref := int64(10 * 64000)
	want := []ack{
		{sent: 1e6, size: 1001, arrival: ref + 1000},
		{sent: 2e6, size: 1002, arrival: ref + 3000},
		{sent: 3e6, size: 1003, lost: true},
		{sent: 4e6, size: 1004, arrival: ref + 8000},
		{sent: 5e6, size: 1005, arrival: ref + 8250},
	}
	if len(acks) != len(want) {
		t.Fatalf("got %d acks %+v, want %d", len(acks), acks, len(want))
	}
	for i := range want {
		if acks[i] != want[i] {
			t.Errorf("ack %d: %+v, want %+v", i, acks[i], want[i])
		}
	}
	// A ring's length later, the old packets are gone.
	for range sentRingSize {
		s.record(0, 1)
	}
	if got, _, _ := s.acks(nil, raw, nil); len(got) != 0 {
		t.Errorf("%d acks for packets the ring no longer holds", len(got))
	}
	// Cut short anywhere, it is refused, not misread.
	for n := 4; n < len(raw); n += 3 {
		cut := append([]byte(nil), raw[:n]...)
		if _, _, ok := s.acks(nil, cut, nil); ok && n < 28 {
			t.Errorf("feedback cut to %d bytes was read", n)
		}
	}
}

// testFeedback is transport-wide feedback on packets 1–5 (3 lost), as
// pion's receivers send it, on the wire.
func testFeedback(t *testing.T) []byte {
	t.Helper()
	fb := &rtcp.TransportLayerCC{BaseSequenceNumber: 1, PacketStatusCount: 5, ReferenceTime: 10,
		PacketChunks: []rtcp.PacketStatusChunk{
			&rtcp.RunLengthChunk{PacketStatusSymbol: rtcp.TypeTCCPacketReceivedSmallDelta, RunLength: 2},
			&rtcp.StatusVectorChunk{SymbolSize: rtcp.TypeTCCSymbolSizeTwoBit, SymbolList: []uint16{
				rtcp.TypeTCCPacketNotReceived, rtcp.TypeTCCPacketReceivedLargeDelta, rtcp.TypeTCCPacketReceivedSmallDelta,
				rtcp.TypeTCCPacketNotReceived, rtcp.TypeTCCPacketNotReceived}}, // past the count: ignored
		},
		RecvDeltas: []*rtcp.RecvDelta{{Type: rtcp.TypeTCCPacketReceivedSmallDelta, Delta: 1000},
			{Type: rtcp.TypeTCCPacketReceivedSmallDelta, Delta: 2000}, {Type: rtcp.TypeTCCPacketReceivedLargeDelta, Delta: 5000},
			{Type: rtcp.TypeTCCPacketReceivedSmallDelta, Delta: 250}}}
	// Round trip through the wire format, as the server reads it.
	fb.Header = rtcp.Header{Padding: true /* 29 bytes, padded to 32 */, Count: rtcp.FormatTCC,
		Type: rtcp.TypeTransportSpecificFeedback, Length: uint16(fb.MarshalSize()/4 - 1)}
	raw, err := fb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// Feedback that reaches both of a player's senders' readers (a compound
// packet addressed to both streams) counts once; the next one counts.
func TestDownlinkTakesEachFeedbackOnce(t *testing.T) {
	d := newDownlink(time.Unix(0, 0))
	for i := range 6 {
		d.sender.record(int64(i)*1e6, 1000)
	}
	raw := testFeedback(t)
	d.feedback(raw, time.Unix(1, 0))
	d.feedback(raw, time.Unix(1, 0))
	if d.seen != 5 || d.lost != 1 {
		t.Fatalf("%d packets reported, %d lost, after the same feedback twice; want 5 and 1", d.seen, d.lost)
	}
	again := append([]byte(nil), raw...)
	again[19]++ // the next feedback packet
	d.feedback(again, time.Unix(1, 0))
	if d.seen != 10 {
		t.Errorf("%d packets reported after a new feedback packet, want 10", d.seen)
	}
}
