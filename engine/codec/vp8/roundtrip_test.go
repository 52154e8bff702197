package vp8_test

import (
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/pion/rtp"
)

// badLink reorders packets (also across frames), duplicates some and drops
// the ones it is told to, like a congested path with NACK turned off.
type badLink struct {
	rng  *rand.Rand
	held []*rtp.Packet
	drop map[uint16]bool
}

// carry takes the packets of one frame and returns what arrives now; one
// packet may be held back to arrive with the next frame.
func (l *badLink) carry(pkts []*rtp.Packet) []*rtp.Packet {
	q := append(l.held, pkts...)
	l.rng.Shuffle(len(q), func(i, j int) { q[i], q[j] = q[j], q[i] })
	l.held = nil
	if l.rng.IntN(3) == 0 {
		l.held = []*rtp.Packet{q[len(q)-1]}
		q = q[:len(q)-1]
	}
	var out []*rtp.Packet
	for _, p := range q {
		if l.drop[p.SequenceNumber] {
			continue
		}
		out = append(out, p)
		if l.rng.IntN(8) == 0 {
			out = append(out, p) // duplicate
		}
	}
	return out
}

// TestRoundTripThroughBadLink is the receive path end to end: Parley's
// encoder, its payloader at MTU 1200, a link that shuffles, duplicates and
// loses, the assembler, a PLI answered by the encoder, and the decoder.
func TestRoundTripThroughBadLink(t *testing.T) {
	const n, lossAt = 60, 20
	enc := newVP8Encoder(t, 640, 360, 3_000_000)
	dec, ref := newDecoder(t), newDecoder(t) // ref sees every frame, in order
	asm := newCollector().a
	pk := &packetizer{seq: 65500} // wraps during the call
	link := &badLink{rng: rand.New(rand.NewPCG(5, 6)), drop: map[uint16]bool{}}
	pic := newI420(640, 360)

	decoded, want := map[int]bool{}, map[int]uint64{}
	pli, multi := false, 0
	for i := range n {
		if pli {
			enc.forceKeyframe(t)
			pli = false
		}
		paintHalves(pic, palette[i%len(palette)], palette[(i+3)%len(palette)])
		addGrain(pic, uint64(i), 40)
		data := enc.encode(t, pic)
		refPic, err := ref.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = pictureHash(refPic)
		pkts := pk.packets(data, uint32(i)*3000)
		if len(pkts) >= 3 {
			multi++
		}
		if i == lossAt {
			link.drop[pkts[0].SequenceNumber] = true
		}
		for _, p := range link.carry(pkts) {
			frames, need := asm.Push(p)
			pli = pli || need
			for _, f := range frames {
				idx := int(f.Timestamp / 3000)
				out, err := dec.Decode(f.Data)
				if err != nil {
					t.Fatalf("frame %d: %v", idx, err)
				}
				if decoded[idx] {
					t.Fatalf("frame %d emitted twice", idx)
				}
				decoded[idx] = true
				if pictureHash(out) != want[idx] {
					t.Fatalf("frame %d differs from what a lossless receiver decodes", idx)
				}
				checkPalette(t, out, idx, idx%len(palette)) // and it is the right picture
			}
		}
	}
	if multi < n/2 {
		t.Fatalf("only %d of %d frames span 3+ packets; the link cannot reorder inside frames", multi, n)
	}
	for i := range lossAt {
		if !decoded[i] {
			t.Errorf("frame %d before the loss never decoded", i)
		}
	}
	if decoded[lossAt] {
		t.Error("the frame that lost a packet was decoded")
	}
	if !decoded[n-2] || len(decoded) < n-10 {
		t.Errorf("decoded %d of %d frames; recovery after the loss took too long", len(decoded), n)
	}
	if st := asm.Stats(); st.KeyframeRequest == 0 || st.PacketsDup == 0 {
		t.Errorf("stats %+v: the link should have caused a PLI and duplicates", st)
	}
}

// With two temporal layers, losing frames above the base layer — whole, or
// one packet of one — costs those frames only: everything else decodes to
// exactly what a lossless receiver sees, and no keyframe is asked for.
func TestLayeredRoundTripLosesOnlyUpperFrames(t *testing.T) {
	const n = 40
	lostWhole, lostPart := map[int]bool{12: true, 26: true}, 32
	enc, err := vp8.NewEncoder(vp8.EncoderConfig{Width: 640, Height: 360, BitrateBps: 3_000_000, TemporalLayers: 2,
		MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, ref := newDecoder(t), newDecoder(t)
	asm := newCollector().a
	pk := &packetizer{seq: 65500}
	link := &badLink{rng: rand.New(rand.NewPCG(7, 8)), drop: map[uint16]bool{}}
	pic := newI420(640, 360)
	decoded, want := map[int]bool{}, map[int]uint64{}
	for i := range n {
		paintHalves(pic, palette[i%len(palette)], palette[(i+3)%len(palette)])
		addGrain(pic, uint64(i), 40)
		out, err := enc.Encode(pic, int64(i*33))
		if err != nil {
			t.Fatal(err)
		}
		if (lostWhole[i] || i == lostPart) && out.TID != 1 {
			t.Fatalf("frame %d is on layer %d, the test loses layer-1 frames", i, out.TID)
		}
		refPic, err := ref.Decode(out.Data)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = pictureHash(refPic)
		pkts := pk.layered(out.Data, uint32(i)*3000, out.TID, true)
		for k, p := range pkts {
			if lostWhole[i] || (i == lostPart && k == len(pkts)/2) {
				link.drop[p.SequenceNumber] = true
			}
		}
		for _, p := range link.carry(pkts) {
			frames, need := asm.Push(p)
			if need {
				t.Fatalf("a keyframe asked for at frame %d", i)
			}
			for _, f := range frames {
				idx := int(f.Timestamp / 3000)
				got, err := dec.Decode(f.Data)
				if err != nil {
					t.Fatalf("frame %d: %v", idx, err)
				}
				decoded[idx] = true
				if pictureHash(got) != want[idx] {
					t.Fatalf("frame %d differs from what a lossless receiver decodes", idx)
				}
			}
		}
	}
	for i := range n - 1 { // the last may still be held back by the link
		if lost := lostWhole[i] || i == lostPart; decoded[i] == lost {
			t.Errorf("frame %d: decoded %v", i, decoded[i])
		}
	}
	if st := asm.Stats(); st.LayerRecoveries != 3 || st.KeyframeRequest != 0 {
		t.Errorf("stats %+v: want 3 losses recovered on the layers, no keyframe request", st)
	}
}
