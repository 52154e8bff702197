package engine

import "github.com/parley-rtc/parley/engine/codec/red"

// maxAudioGap is the longest run of lost audio packets a player fills in
// (100 ms of 20 ms packets); a longer one is left to the mixer, which
// plays silence until audio comes again.
const maxAudioGap = 5

// audioFill is how one lost audio packet is rendered: decoded from a copy
// (a RED block), recovered from the in-band FEC of the packet after it, or
// concealed (PLC, data nil).
type audioFill struct {
	data []byte
	fec  bool
}

// planGap appends to fills how to render the gap lost packets before the
// one that arrived, in order. blocks are that packet's encodings as RED
// parsed them (the redundant ones with their offsets, the primary last);
// a plain Opus packet is one block. samples is a packet's duration in RTP
// clock units (48 kHz), the same for every packet. For each lost packet
// the best of what arrived is used: its own copy, else the FEC carried by
// the encoding after it, else concealment.
func planGap(fills []audioFill, gap int, blocks []red.Block, samples uint32) []audioFill {
	if gap <= 0 || gap > maxAudioGap || len(blocks) == 0 || samples == 0 {
		return fills
	}
	// at returns the encoding captured off samples before the primary.
	at := func(off uint32) []byte {
		for _, b := range blocks {
			if uint32(b.Offset) == off && len(b.Data) > 0 {
				return b.Data
			}
		}
		return nil
	}
	for i := gap; i >= 1; i-- { // i packets before the one that arrived
		off := uint32(i) * samples
		if d := at(off); d != nil {
			fills = append(fills, audioFill{data: d})
		} else if d := at(off - samples); d != nil {
			fills = append(fills, audioFill{data: d, fec: true})
		} else {
			fills = append(fills, audioFill{})
		}
	}
	return fills
}
