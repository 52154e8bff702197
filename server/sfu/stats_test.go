package sfu

import (
	"testing"

	"github.com/pion/rtcp"
)

func TestNackedPackets(t *testing.T) {
	b, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: 1},
		&rtcp.TransportLayerNack{MediaSSRC: 2, Nacks: []rtcp.NackPair{{PacketID: 10, LostPackets: 0b101}, {PacketID: 40}}},
		&rtcp.PictureLossIndication{MediaSSRC: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := nackedPackets(b); got != 4 {
		t.Errorf("nackedPackets = %d, want 4 (10, 11, 13, 40)", got)
	}
	if got := nackedPackets(b[:len(b)-3]); got != 4 {
		t.Errorf("a truncated tail: %d, want 4", got)
	}
}
