package vp8_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/pion/rtp"
)

// stream is a sender of fake frames: frame i has id byte i, 3 packets, and a
// keyframe wherever keys says.
type stream struct {
	p      packetizer
	frames [][]byte
}

func newStream(firstSeq uint16) *stream { return &stream{p: packetizer{seq: firstSeq}} }

// frame returns the packets of the next frame (about 3 packets each).
func (s *stream) frame(key bool) []*rtp.Packet {
	i := len(s.frames)
	f := fakeFrame(2500+i, key, byte(i))
	s.frames = append(s.frames, f)
	return s.p.packets(f, uint32(i)*3000)
}

// pushAll feeds packets and collects copies of what came out.
type collector struct {
	a       *vp8.Assembler
	got     []vp8.Frame
	pliAt   []int // packet counts at which a keyframe was requested
	packets int
}

func (c *collector) push(pkts ...*rtp.Packet) (emitted int) {
	for _, p := range pkts {
		c.packets++
		frames, pli := c.a.Push(p)
		for _, f := range frames {
			c.got = append(c.got, vp8.Frame{Data: bytes.Clone(f.Data), Timestamp: f.Timestamp, Keyframe: f.Keyframe})
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

func newCollector() *collector { return &collector{a: vp8.NewAssembler(vp8.AssemblerConfig{})} }

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
		if !bytes.Equal(c.got[i].Data, s.frames[i]) || c.got[i].Keyframe != (i == 0) {
			t.Fatalf("frame %d: wrong data or key flag", i)
		}
	}
	if len(c.pliAt) != 0 {
		t.Fatalf("no loss, yet keyframe requested at %v", c.pliAt)
	}
}

func TestAssemblerReorderDuplicateAndWrap(t *testing.T) {
	s, c := newStream(65533), newCollector() // wraps inside the second frame
	f0, f1, f2 := s.frame(true), s.frame(false), s.frame(false)
	c.push(f0[1], f0[0], f0[0], f0[2], f0[1]) // reordered and duplicated
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
	for i := range vp8.DefaultHoldFrames {
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
	key := vp8.DefaultHoldFrames + 4 // the lossy frame, the held ones, the give-up frame, one skipped
	if ids := c.frameIDs(); len(ids) != 3 || ids[1] != key || ids[2] != key+1 || !c.got[1].Keyframe {
		t.Fatalf("frames %v, want [0 %d %d] resuming at the keyframe", ids, key, key+1)
	}
}

func TestAssemblerKeyframeEndsWaitEarly(t *testing.T) {
	s, c := newStream(500), newCollector()
	c.push(s.frame(true)...)
	lossy := s.frame(false)
	c.push(lossy[1:]...) // the start is lost
	c.push(s.frame(true)...)
	if ids := c.frameIDs(); len(ids) != 2 || ids[1] != 2 {
		t.Fatalf("frames %v: a complete keyframe should end the wait at once", ids)
	}
	if len(c.pliAt) != 0 {
		t.Fatalf("keyframe already here, yet requested at %v", c.pliAt)
	}
}

func TestAssemblerLostMarkerIsNotGlued(t *testing.T) {
	s, c := newStream(100), newCollector()
	c.push(s.frame(true)...)
	lossy := s.frame(false)
	c.push(lossy[:len(lossy)-1]...) // marker lost
	for range vp8.DefaultHoldFrames + 1 {
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
		t.Fatal("no recovery at the keyframe")
	}
}

func TestAssemblerStartsAtKeyframe(t *testing.T) {
	s, c := newStream(40000), newCollector()
	s.frame(true) // joined late: the first keyframe was missed
	c.push(s.frame(false)...)
	if len(c.got) != 0 || len(c.pliAt) != 1 {
		t.Fatalf("%d frames, plis %v: want nothing emitted and a keyframe asked for", len(c.got), c.pliAt)
	}
	for range vp8.DefaultKeyframeRetryFrames {
		c.push(s.frame(false)...)
	}
	if len(c.pliAt) != 2 {
		t.Fatalf("plis %v: the request should repeat after %d skipped frames", c.pliAt, vp8.DefaultKeyframeRetryFrames)
	}
	c.push(s.frame(true)...)
	if len(c.got) != 1 || !c.got[0].Keyframe {
		t.Fatalf("keyframe not emitted")
	}
}

func TestAssemblerPaddingAndGarbage(t *testing.T) {
	s, c := newStream(65535), newCollector()
	c.push(s.frame(true)...)
	pad := &rtp.Packet{Header: rtp.Header{SequenceNumber: s.p.seq, Timestamp: 1}} // padding-only probe
	s.p.seq++
	c.push(pad, nil)
	c.push(s.frame(false)...)
	c.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: s.p.seq + 300}, Payload: []byte{0x80}}) // truncated descriptor
	if len(c.got) != 2 {
		t.Fatalf("%d frames: padding must not break the stream", len(c.got))
	}
}

func TestAssemblerLargeKeyframe(t *testing.T) {
	s, c := newStream(65000), newCollector()
	c.push(s.frame(true)...)
	f := fakeFrame(450*1188, true, 1) // 450 packets: a big 1080p keyframe
	pkts := s.p.packets(f, 3000)
	slices.Reverse(pkts) // and every packet out of order
	c.push(pkts[:len(pkts)-1]...)
	if len(c.got) != 1 || len(c.pliAt) != 0 {
		t.Fatalf("%d frames, plis %v while the keyframe's first packet is late", len(c.got), c.pliAt)
	}
	c.push(pkts[len(pkts)-1])
	if len(c.got) != 2 || !bytes.Equal(c.got[1].Data, f) {
		t.Fatal("large keyframe not assembled")
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

func TestAssemblerSteadyStateAllocatesNothing(t *testing.T) {
	s := newStream(0)
	a := vp8.NewAssembler(vp8.AssemblerConfig{})
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
