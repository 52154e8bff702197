package sfu

import (
	"testing"

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
