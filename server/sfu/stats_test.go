package sfu

import (
	"slices"
	"testing"

	"github.com/pion/rtcp"
)

func TestNextNACK(t *testing.T) {
	b, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: 1},
		&rtcp.TransportLayerNack{MediaSSRC: 2, Nacks: []rtcp.NackPair{{PacketID: 10, LostPackets: 0b101}, {PacketID: 40}}},
		&rtcp.PictureLossIndication{MediaSSRC: 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	ssrc, seqs, rest, ok := nextNACK(b, nil)
	if !ok || ssrc != 2 || !slices.Equal(seqs, []uint16{10, 11, 13, 40}) {
		t.Errorf("nextNACK = %d %v %v, want SSRC 2 asking for 10, 11, 13, 40", ssrc, seqs, ok)
	}
	if _, _, _, ok := nextNACK(rest, seqs); ok {
		t.Error("a second NACK found in the PLI after it")
	}
	if _, seqs, _, ok := nextNACK(b[:len(b)-3], seqs); !ok || len(seqs) != 4 {
		t.Errorf("a truncated tail: %v %v", seqs, ok)
	}
}
