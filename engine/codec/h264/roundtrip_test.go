package h264_test

import (
	"math/rand/v2"
	"testing"

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

// TestRoundTripThroughBadLink is the receive path end to end: mediadevices'
// openh264 encoder, pion's H264Payloader at MTU 1200, a link that shuffles,
// duplicates and loses, the assembler, a PLI answered by the encoder with an
// IDR, and the decoder.
func TestRoundTripThroughBadLink(t *testing.T) {
	const n, lossAt = 60, 23
	enc := newH264Encoder(t, 640, 360, 6_000_000)
	dec, ref := newDecoder(t), newDecoder(t) // ref sees every frame, in order
	asm := newCollector().a
	pk := &packetizer{seq: 65500} // wraps during the call
	link := &badLink{rng: rand.New(rand.NewPCG(5, 6)), drop: map[uint16]bool{}}
	pic := newI420(640, 360)

	// The colours change every 10 frames only: openh264 turns a scene
	// change into an IDR of its own, which would hide the PLI.
	decoded, want, skipped := map[int]bool{}, map[int]uint64{}, map[int]bool{}
	pli, multi, stapA, fuA, lost := false, 0, 0, 0, -1
	for i := range n {
		if pli {
			enc.forceKeyframe(t)
			pli = false
		}
		paintHalves(pic, palette[i/10%len(palette)], palette[(i/10+3)%len(palette)])
		addGrain(pic, uint64(i), 12)
		data := enc.encodeOrSkip(t, pic)
		if data == nil {
			skipped[i] = true
			continue
		}
		refPic, err := ref.Decode(data)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = pictureHash(refPic)
		pkts := pk.packets(data, uint32(i)*3000)
		if len(pkts) >= 3 {
			multi++
		}
		for _, p := range pkts {
			switch p.Payload[0] & 0x1f {
			case 24:
				stapA++
			case 28:
				fuA++
			}
		}
		if i >= lossAt && lost < 0 { // the first frame from lossAt on that was not skipped
			link.drop[pkts[len(pkts)/2].SequenceNumber] = true
			lost = i
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
				checkPalette(t, out, idx, idx/10%len(palette)) // and it is the right picture
			}
		}
	}
	if len(skipped) > n/10 {
		t.Fatalf("the encoder skipped %d of %d frames", len(skipped), n)
	}
	if multi < n/2 || stapA == 0 || fuA == 0 {
		t.Fatalf("%d of %d frames span 3+ packets, %d STAP-A, %d FU-A: the test does not exercise the assembler", multi, n, stapA, fuA)
	}
	for i := range lost {
		if !decoded[i] && !skipped[i] {
			t.Errorf("frame %d before the loss never decoded", i)
		}
	}
	if lost < 0 || decoded[lost] {
		t.Error("the frame that lost a packet was decoded")
	}
	if !decoded[n-2] && !skipped[n-2] || len(decoded) < n-10-len(skipped) {
		t.Errorf("decoded %d of %d frames (%d skipped); recovery after the loss took too long", len(decoded), n, len(skipped))
	}
	if st := asm.Stats(); st.KeyframeRequest == 0 || st.PacketsDup == 0 {
		t.Errorf("stats %+v: the link should have caused a PLI and duplicates", st)
	}
}
