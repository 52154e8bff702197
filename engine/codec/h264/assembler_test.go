package h264_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/h264"
	"github.com/pion/rtp"
)

// stream is a sender of fake access units: frame i has id byte i, about 3
// packets, and is an IDR wherever key says.
type stream struct {
	p      packetizer
	frames [][]byte
}

func newStream(firstSeq uint16) *stream { return &stream{p: packetizer{seq: firstSeq}} }

// frame returns the packets of the next access unit.
func (s *stream) frame(key bool) []*rtp.Packet {
	i := len(s.frames)
	f := fakeAU(2500+i, key, byte(i))
	s.frames = append(s.frames, f)
	return s.p.packets(f, uint32(i)*3000)
}

// collector feeds packets and keeps copies of what came out.
type collector struct {
	a       *h264.Assembler
	got     []h264.Frame
	pliAt   []int // packet counts at which a keyframe was requested
	packets int
}

func (c *collector) push(pkts ...*rtp.Packet) (emitted int) {
	for _, p := range pkts {
		c.packets++
		frames, pli := c.a.Push(p)
		for _, f := range frames {
			c.got = append(c.got, h264.Frame{Data: bytes.Clone(f.Data), Timestamp: f.Timestamp, Keyframe: f.Keyframe})
		}
		emitted += len(frames)
		if pli {
			c.pliAt = append(c.pliAt, c.packets)
		}
	}
	return emitted
}

func (c *collector) frameIDs() []int {
	ids := make([]int, len(c.got))
	for i, f := range c.got {
		ids[i] = int(f.Timestamp / 3000)
	}
	return ids
}

func newCollector() *collector { return &collector{a: h264.NewAssembler(h264.AssemblerConfig{})} }

func TestAssemblerEmitsAtMarkerWithoutWaiting(t *testing.T) {
	s, c := newStream(1000), newCollector()
	for i := range 5 {
		pkts := s.frame(i == 0)
		if len(pkts) < 3 {
			t.Fatalf("want a multi-packet frame, got %d packets", len(pkts))
		}
		if n := c.push(pkts[:len(pkts)-1]...); n != 0 {
			t.Fatalf("frame %d emitted before its marker packet", i)
		}
		if n := c.push(pkts[len(pkts)-1]); n != 1 {
			t.Fatalf("frame %d: marker packet emitted %d frames, want 1", i, n)
		}
		// The access unit comes back byte for byte in Annex-B form.
		if !bytes.Equal(c.got[i].Data, s.frames[i]) || c.got[i].Keyframe != (i == 0) {
			t.Fatalf("frame %d: wrong data or key flag", i)
		}
	}
	if len(c.pliAt) != 0 {
		t.Fatalf("no loss, yet keyframe requested at %v", c.pliAt)
	}
}

func TestAssemblerPayloadStructures(t *testing.T) {
	sc := []byte{0, 0, 0, 1}
	sps, pps := []byte{0x67, 0x42, 0xe0, 0x1f, 0x11}, []byte{0x68, 0xce, 0x33}
	idr := []byte{0x65, 0x88, 1, 2, 3}
	single := func(seq uint16, ts uint32, marker bool, p []byte) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: p}
	}
	stap := append([]byte{0x78, 0, byte(len(sps))}, sps...)
	stap = append(append(stap, 0, byte(len(pps))), pps...)
	c := newCollector()
	// An IDR as STAP-A(SPS, PPS) + FU-A in three fragments (S, middle, E).
	c.push(single(10, 90, false, stap),
		single(11, 90, false, []byte{0x7c, 0x85, 0x88, 1}),
		single(12, 90, false, []byte{0x7c, 0x05, 2}),
		single(13, 90, true, []byte{0x7c, 0x45, 3}))
	want := slices.Concat(sc, sps, sc, pps, sc, idr)
	if len(c.got) != 1 || !bytes.Equal(c.got[0].Data, want) || !c.got[0].Keyframe {
		t.Fatalf("STAP-A + FU-A: got %d frames %+v", len(c.got), c.got)
	}
	// Separate SPS, PPS and IDR packets; the PPS packet inside the access
	// unit must not split it.
	c.push(single(14, 180, false, sps), single(15, 180, false, pps), single(16, 180, true, idr))
	if len(c.got) != 2 || !bytes.Equal(c.got[1].Data, slices.Concat(sc, sps, sc, pps, sc, idr)) {
		t.Fatalf("single NAL units: got %d frames", len(c.got))
	}
	// A picture in two slices: the second (first_mb_in_slice ≠ 0) is no start.
	c.push(single(17, 270, false, []byte{0x41, 0x9a, 7}), single(18, 270, true, []byte{0x41, 0x2c, 8}))
	if len(c.got) != 3 || !bytes.Equal(c.got[2].Data, []byte{0, 0, 0, 1, 0x41, 0x9a, 7, 0, 0, 0, 1, 0x41, 0x2c, 8}) || c.got[2].Keyframe {
		t.Fatalf("two-slice picture: got %d frames", len(c.got))
	}
	if len(c.pliAt) != 0 {
		t.Fatalf("keyframe requested at %v", c.pliAt)
	}
}

func TestAssemblerRefusesOtherPacketizationModes(t *testing.T) {
	s, c := newStream(300), newCollector()
	c.push(s.frame(true)...)
	bad := [][]byte{
		{0x79, 0, 1, 2},       // STAP-B
		{0x7a, 0, 1, 2, 3},    // MTAP16
		{0x7d, 0x85, 0, 1, 2}, // FU-B
		{0xe5, 0x88, 1},       // forbidden bit set
		{0x78, 0, 9, 0x67},    // STAP-A whose size runs past the end
		{0x7c, 0xc5, 1},       // FU-A with both S and E
		{0x60},                // NAL type 0
	}
	for _, p := range bad {
		c.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: s.p.seq, Timestamp: 99, Marker: true}, Payload: p})
		s.p.seq++
	}
	if st := c.a.Stats(); st.PacketsMalform != uint64(len(bad)) {
		t.Fatalf("malformed %d, want %d", st.PacketsMalform, len(bad))
	}
	c.push(s.frame(false)...) // the fillers in between are no loss
	if len(c.got) != 2 || len(c.pliAt) != 0 {
		t.Fatalf("%d frames, plis %v", len(c.got), c.pliAt)
	}
}

func TestAssemblerBrokenFragmentsAreDropped(t *testing.T) {
	s, c := newStream(0), newCollector()
	c.push(s.frame(true)...)
	// A picture whose FU-A ends without its E fragment, then a marker.
	seq := s.p.seq
	c.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: 3000}, Payload: []byte{0x5c, 0x81, 0x88, 1}},
		&rtp.Packet{Header: rtp.Header{SequenceNumber: seq + 1, Timestamp: 3000, Marker: true}, Payload: []byte{0x5c, 0x01, 2}})
	s.p.seq += 2
	s.frames = append(s.frames, nil)
	if len(c.got) != 1 || len(c.pliAt) != 1 {
		t.Fatalf("%d frames, plis %v: a broken FU-A must be dropped and a keyframe asked for", len(c.got), c.pliAt)
	}
	c.push(s.frame(true)...)
	if ids := c.frameIDs(); len(ids) != 2 || ids[1] != 2 {
		t.Fatalf("frames %v, want recovery at the IDR", ids)
	}
}

func TestAssemblerReorderDuplicateAndWrap(t *testing.T) {
	s, c := newStream(65533), newCollector() // wraps inside the second frame
	f0, f1, f2 := s.frame(true), s.frame(false), s.frame(false)
	c.push(f0[1], f0[0], f0[0], f0[3], f0[2], f0[1]) // reordered and duplicated
	c.push(f1[2], f1[0])
	if len(c.got) != 1 {
		t.Fatalf("got %d frames, want only frame 0 so far", len(c.got))
	}
	c.push(f2...) // complete but must wait: frame 1 is incomplete
	if len(c.got) != 1 {
		t.Fatalf("frame 2 emitted before frame 1")
	}
	if n := c.push(f1[1]); n != 2 { // the late packet releases both, in order
		t.Fatalf("late packet released %d frames, want 2", n)
	}
	c.push(f1[1], f0[2]) // stale duplicates change nothing
	for i, id := range c.frameIDs() {
		if id != i || !bytes.Equal(c.got[i].Data, s.frames[i]) {
			t.Fatalf("frames out of order or damaged: %v", c.frameIDs())
		}
	}
	if st := c.a.Stats(); st.PacketsDup == 0 || st.PacketsLate == 0 || len(c.pliAt) != 0 {
		t.Fatalf("stats %+v, plis %v", st, c.pliAt)
	}
}

func TestAssemblerLossHoldsThenAsksForKeyframe(t *testing.T) {
	s, c := newStream(7), newCollector()
	c.push(s.frame(true)...)
	lossy := s.frame(false)
	c.push(lossy[0], lossy[2]) // lossy[1] never arrives
	for i := range h264.DefaultHoldFrames {
		c.push(s.frame(false)...)
		if len(c.got) != 1 || len(c.pliAt) != 0 {
			t.Fatalf("after %d more frames: %d emitted, plis %v; want holding", i+1, len(c.got), c.pliAt)
		}
	}
	c.push(s.frame(false)...) // one frame too many: give up
	if len(c.pliAt) != 1 || len(c.got) != 1 {
		t.Fatalf("gave up with plis %v and %d frames; want one request, no inter frames", c.pliAt, len(c.got))
	}
	c.push(s.frame(false)...) // inter frames decode to garbage: still skipped
	c.push(s.frame(true)...)
	c.push(s.frame(false)...)
	key := h264.DefaultHoldFrames + 4 // the lossy frame, the held ones, the give-up frame, one skipped
	if ids := c.frameIDs(); len(ids) != 3 || ids[1] != key || ids[2] != key+1 || !c.got[1].Keyframe {
		t.Fatalf("frames %v, want [0 %d %d] resuming at the IDR", ids, key, key+1)
	}
}

func TestAssemblerKeyframeEndsWaitEarly(t *testing.T) {
	s, c := newStream(500), newCollector()
	c.push(s.frame(true)...)
	lossy := s.frame(false)
	c.push(lossy[1:]...) // the start is lost
	c.push(s.frame(true)...)
	if ids := c.frameIDs(); len(ids) != 2 || ids[1] != 2 {
		t.Fatalf("frames %v: a complete IDR should end the wait at once", ids)
	}
	if len(c.pliAt) != 0 {
		t.Fatalf("IDR already here, yet requested at %v", c.pliAt)
	}
}

func TestAssemblerLostMarkerIsNotGlued(t *testing.T) {
	s, c := newStream(100), newCollector()
	c.push(s.frame(true)...)
	lossy := s.frame(false)
	c.push(lossy[:len(lossy)-1]...) // marker lost
	for range h264.DefaultHoldFrames + 1 {
		c.push(s.frame(false)...)
	}
	if len(c.got) != 1 || len(c.pliAt) != 1 {
		t.Fatalf("%d frames, plis %v: a frame without its end must be dropped and a keyframe asked for", len(c.got), c.pliAt)
	}
	c.push(s.frame(true)...)
	for i, f := range c.got {
		if !bytes.Equal(f.Data, s.frames[c.frameIDs()[i]]) {
			t.Fatal("damaged frame emitted")
		}
	}
	if len(c.got) != 2 {
		t.Fatal("no recovery at the IDR")
	}
}

func TestAssemblerStartsAtKeyframe(t *testing.T) {
	s, c := newStream(40000), newCollector()
	s.frame(true) // joined late: the first IDR was missed
	c.push(s.frame(false)...)
	if len(c.got) != 0 || len(c.pliAt) != 1 {
		t.Fatalf("%d frames, plis %v: want nothing emitted and a keyframe asked for", len(c.got), c.pliAt)
	}
	for range h264.DefaultKeyframeRetryFrames {
		c.push(s.frame(false)...)
	}
	if len(c.pliAt) != 2 {
		t.Fatalf("plis %v: the request should repeat after %d skipped frames", c.pliAt, h264.DefaultKeyframeRetryFrames)
	}
	c.push(s.frame(true)...)
	if len(c.got) != 1 || !c.got[0].Keyframe {
		t.Fatalf("IDR not emitted")
	}
}

func TestAssemblerJoinMidFrame(t *testing.T) {
	s, c := newStream(9000), newCollector()
	key := s.frame(true)
	c.push(key[2:]...) // joined inside the IDR: its start never comes
	c.push(s.frame(false)...)
	c.push(s.frame(true)...)
	if ids := c.frameIDs(); len(ids) != 1 || ids[0] != 2 {
		t.Fatalf("frames %v, want only the next IDR", ids)
	}
}

func TestAssemblerPaddingAndGarbage(t *testing.T) {
	s, c := newStream(65535), newCollector()
	c.push(s.frame(true)...)
	pad := &rtp.Packet{Header: rtp.Header{SequenceNumber: s.p.seq, Timestamp: 1}} // padding-only probe
	s.p.seq++
	c.push(pad, nil)
	c.push(s.frame(false)...)
	c.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: s.p.seq + 300}, Payload: []byte{0x7c}}) // truncated FU-A
	if len(c.got) != 2 {
		t.Fatalf("%d frames: padding must not break the stream", len(c.got))
	}
}

func TestAssemblerLargeKeyframe(t *testing.T) {
	s, c := newStream(65000), newCollector()
	c.push(s.frame(true)...)
	f := fakeAU(450*1186, true, 1) // 450 packets: a big 1080p IDR
	pkts := s.p.packets(f, 3000)
	slices.Reverse(pkts) // and every packet out of order
	c.push(pkts[:len(pkts)-1]...)
	if len(c.got) != 1 || len(c.pliAt) != 0 {
		t.Fatalf("%d frames, plis %v while the IDR's first packet is late", len(c.got), c.pliAt)
	}
	c.push(pkts[len(pkts)-1])
	if len(c.got) != 2 || !bytes.Equal(c.got[1].Data, f) {
		t.Fatal("large IDR not assembled")
	}
}

func TestAssemblerJumpResets(t *testing.T) {
	s, c := newStream(0), newCollector()
	c.push(s.frame(true)...)
	s.p.seq += 5000
	c.push(s.frame(false)...)
	if len(c.pliAt) != 1 || len(c.got) != 1 {
		t.Fatalf("plis %v, frames %d after a sequence jump", c.pliAt, len(c.got))
	}
	c.push(s.frame(true)...)
	if len(c.got) != 2 {
		t.Fatal("no recovery after the jump")
	}
}

func TestAssemblerReset(t *testing.T) {
	s, c := newStream(10), newCollector()
	c.push(s.frame(true)...)
	c.a.Reset()
	c.push(s.frame(false)...) // a new sender: no IDR yet
	c.push(s.frame(true)...)
	if ids := c.frameIDs(); len(ids) != 2 || ids[1] != 2 {
		t.Fatalf("frames %v after Reset", ids)
	}
}

func TestAssemblerSteadyStateAllocatesNothing(t *testing.T) {
	s := newStream(0)
	a := h264.NewAssembler(h264.AssemblerConfig{})
	var pkts []*rtp.Packet
	for i := range 64 {
		pkts = append(pkts, s.frame(i == 0)...)
	}
	for _, p := range pkts { // warm the buffers
		a.Push(p)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		p := pkts[i%len(pkts)]
		p.SequenceNumber += uint16(len(pkts))
		p.Timestamp += 64 * 3000
		a.Push(p)
		i++
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per packet, want 0", allocs)
	}
	if a.Stats().LossEvents != 0 {
		t.Fatalf("stats %+v", a.Stats())
	}
}
