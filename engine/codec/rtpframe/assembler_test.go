package rtpframe_test

import (
	"bytes"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/rtpframe"
	"github.com/pion/rtp"
)

// Payloads of the toy codec: a flags byte, then the frame data.
const (
	fStart = 1 << iota // may begin a frame
	fKey               // begins a keyframe
	fSure              // surely begins a frame
	fBad               // Follow says Breaks
	fJunk              // Parse fails
	fLayer             // two bytes follow: TID, Base
)

type toy struct{ follows int }

func (toy) Parse(dst, p []byte) ([]byte, rtpframe.Info, bool) {
	if p[0]&fJunk != 0 {
		return append(dst, "partial"...), rtpframe.Info{}, false
	}
	info := rtpframe.Info{Start: p[0]&fStart != 0, Key: p[0]&fKey != 0, Sure: p[0]&fSure != 0}
	if p[0]&fBad != 0 {
		info.Part = 1
	}
	if p[0]&fLayer != 0 {
		info.Layered, info.TID, info.Base = true, p[1], p[2]
		return append(dst, p[3:]...), info, true
	}
	return append(dst, p[1:]...), info, true
}

// Follow breaks on a bad packet and ends a frame before a sure start.
func (t *toy) Follow(state uint8, info rtpframe.Info, first, marker bool) (uint8, rtpframe.Verdict) {
	t.follows++
	if !first && state != 1 {
		panic("state not carried")
	}
	switch {
	case info.Part == 1:
		return 0, rtpframe.Breaks
	case !first && info.Start && info.Sure:
		return 0, rtpframe.EndsBefore
	}
	return 1, rtpframe.Fits
}

func pkt(seq uint16, ts uint32, marker bool, flags byte, data string) *rtp.Packet {
	return &rtp.Packet{
		Header:  rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker},
		Payload: append([]byte{flags}, data...),
	}
}

// frame returns the packets of one 3-packet frame.
func frame(seq uint16, ts uint32, flags byte, id string) []*rtp.Packet {
	return []*rtp.Packet{
		pkt(seq, ts, false, flags|fStart, id+"a"),
		pkt(seq+1, ts, false, 0, id+"b"),
		pkt(seq+2, ts, true, 0, id+"c"),
	}
}

type result struct {
	data    []string
	keys    []bool
	needKey bool
}

func push(a *rtpframe.Assembler, pkts ...*rtp.Packet) result {
	var r result
	for _, p := range pkts {
		frames, need := a.Push(p)
		for _, f := range frames {
			r.data = append(r.data, string(f.Data))
			r.keys = append(r.keys, f.Keyframe)
		}
		r.needKey = r.needKey || need
	}
	return r
}

func TestInOrderAndReordered(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{})
	k := frame(100, 0, fKey|fSure, "k")
	r := push(a, k[0], k[2], k[1]) // reordered inside the frame
	if len(r.data) != 1 || r.data[0] != "kakbkc" || !r.keys[0] || r.needKey {
		t.Fatalf("keyframe: %+v", r)
	}
	p := frame(103, 3000, fSure, "p")
	if r := push(a, p...); len(r.data) != 1 || r.data[0] != "papbpc" || r.keys[0] {
		t.Fatalf("inter frame: %+v", r)
	}
	if s := a.Stats(); s.FramesEmitted != 2 || s.LossEvents != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestWaitsForKeyframe(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{KeyframeRetryFrames: 2})
	var needs int
	for i := range 4 {
		r := push(a, frame(uint16(3*i), uint32(3000*i), fSure, "p")...)
		if len(r.data) != 0 {
			t.Fatalf("frame %d emitted before a keyframe", i)
		}
		if r.needKey {
			needs++
		}
	}
	// Asked at once, then again every 2 skipped frames.
	if s := a.Stats(); needs != 2 || s.FramesSkipped != 4 || s.KeyframeRequest != 2 {
		t.Fatalf("needs %d, stats %+v", needs, a.Stats())
	}
	if r := push(a, frame(12, 12000, fKey|fSure, "k")...); len(r.data) != 1 {
		t.Fatalf("keyframe not emitted: %+v", r)
	}
}

func TestLossHoldsThenGivesUp(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{HoldFrames: 2})
	push(a, frame(0, 0, fKey|fSure, "k")...)
	lost := frame(3, 3000, fSure, "x")
	if r := push(a, lost[0], lost[2]); len(r.data) != 0 || r.needKey {
		t.Fatalf("gap not held: %+v", r)
	}
	for i := range 2 { // two newer frames: still held
		if r := push(a, frame(uint16(6+3*i), uint32(6000+3000*i), fSure, "p")...); len(r.data) != 0 || r.needKey {
			t.Fatalf("newer frame %d: %+v", i, r)
		}
	}
	r := push(a, frame(12, 12000, fSure, "p")...) // the third gives up
	if len(r.data) != 0 || !r.needKey {
		t.Fatalf("loss not given up: %+v", r)
	}
	if s := a.Stats(); s.LossEvents != 1 || s.FramesSkipped != 3 {
		t.Fatalf("stats %+v", s)
	}
	if r := push(a, lost[1]); len(r.data) != 0 || a.Stats().PacketsLate != 1 {
		t.Fatalf("late packet: %+v, stats %+v", r, a.Stats())
	}
	if r := push(a, frame(15, 15000, fKey|fSure, "k")...); len(r.data) != 1 {
		t.Fatalf("keyframe after loss: %+v", r)
	}
}

// A packet of a frame given up on that arrives after all (a retransmission
// just too late) makes the hold longer, so the next such packet fills its
// gap in time; calm frames bring the hold back down.
func TestHoldGrowsWhenRetransmissionsComeJustTooLate(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{HoldFrames: 2, MaxHoldFrames: 5})
	seq, ts := uint16(0), uint32(0)
	next := func(flags byte) []*rtp.Packet {
		f := frame(seq, ts, flags, "f")
		seq, ts = seq+3, ts+3000
		return f
	}
	push(a, next(fKey|fSure)...)
	// The hold of 2 runs out on the third newer frame; the missing packet
	// comes right after.
	lost := next(fSure)
	push(a, lost[0], lost[2])
	for range 3 {
		push(a, next(fSure)...)
	}
	push(a, lost[1])
	if h := a.Stats().HoldFrames; h != 4 {
		t.Fatalf("hold %d after a retransmission came just too late, want 4", h)
	}
	push(a, next(fKey|fSure)...) // recovered
	// The same delay now fills the gap: no keyframe request, every frame out.
	lost = next(fSure)
	r := push(a, lost[0], lost[2])
	for range 3 {
		r2 := push(a, next(fSure)...)
		r.data, r.needKey = append(r.data, r2.data...), r.needKey || r2.needKey
	}
	r2 := push(a, lost[1])
	if r.needKey || len(r.data)+len(r2.data) != 4 {
		t.Fatalf("with the longer hold: %d + %d frames, needKey %v; want 4 frames and no request", len(r.data), len(r2.data), r.needKey)
	}
	// A late packet grows the hold at most to the maximum, once per give-up.
	for range 3 {
		lost = next(fSure)
		push(a, lost[0], lost[2])
		for range a.Stats().HoldFrames + 1 {
			push(a, next(fSure)...)
		}
		push(a, lost[1])
		push(a, lost[1])
		push(a, next(fKey|fSure)...)
	}
	if h := a.Stats().HoldFrames; h != 5 {
		t.Fatalf("hold %d, want the maximum 5", h)
	}
	// 1800 calm frames (a minute at 30 fps) take one frame off, down to
	// HoldFrames at most.
	for range 1800 {
		push(a, next(fSure)...)
	}
	if h := a.Stats().HoldFrames; h != 4 {
		t.Fatalf("hold %d after 1800 calm frames, want 4", h)
	}
	for range 1800 * 3 {
		push(a, next(fSure)...)
	}
	if h := a.Stats().HoldFrames; h != 2 {
		t.Fatalf("hold %d after 7200 calm frames, want back at 2", h)
	}
}

// layered returns the packets of one 3-packet frame of temporal layer tid
// predicting from base-layer frame base (its own index if tid is 0).
func layered(seq uint16, ts uint32, flags byte, tid, base byte, id string) []*rtp.Packet {
	f := frame(seq, ts, flags|fLayer, id)
	for _, p := range f {
		p.Payload = append([]byte{p.Payload[0], tid, base}, p.Payload[1:]...)
	}
	return f
}

// On a layered stream, a lost frame above the base layer costs that frame
// only: the frames after it play on and no keyframe is asked for. A lost
// base-layer frame still waits for a keyframe.
func TestLayeredLossAboveTheBase(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{HoldFrames: 2})
	seq, ts, n := uint16(0), uint32(0), 0
	next := func(flags, tid, base byte) []*rtp.Packet {
		f := layered(seq, ts, flags, tid, base, string(rune('a'+n%26)))
		seq, ts, n = seq+3, ts+3000, n+1
		return f
	}
	if r := push(a, next(fKey|fSure, 0, 0)...); len(r.data) != 1 {
		t.Fatalf("keyframe: %+v", r)
	}
	lost := next(fSure, 1, 0) // above the base: its middle packet never comes
	r := push(a, lost[0], lost[2])
	for _, f := range [][]*rtp.Packet{next(fSure, 0, 1), next(fSure, 1, 1), next(fSure, 0, 2), next(fSure, 1, 2)} {
		r2 := push(a, f...)
		r.data, r.needKey = append(r.data, r2.data...), r.needKey || r2.needKey
	}
	if r.needKey || len(r.data) != 4 {
		t.Fatalf("after a lost layer-1 frame: %d frames, needKey %v; want the 4 after it and no keyframe request", len(r.data), r.needKey)
	}
	if s := a.Stats(); s.LossEvents != 1 || s.LayerRecoveries != 1 || s.KeyframeRequest != 0 {
		t.Fatalf("stats %+v", s)
	}
	// A lost base frame: what follows predicts from it, so it waits.
	lost = next(fSure, 0, 3)
	r = push(a, lost[0], lost[2])
	for _, f := range [][]*rtp.Packet{next(fSure, 1, 3), next(fSure, 0, 4), next(fSure, 1, 4)} {
		r2 := push(a, f...)
		r.data, r.needKey = append(r.data, r2.data...), r.needKey || r2.needKey
	}
	if !r.needKey || len(r.data) != 0 {
		t.Fatalf("after a lost base frame: %d frames, needKey %v; want none and a keyframe request", len(r.data), r.needKey)
	}
	if r := push(a, next(fKey|fSure, 0, 5)...); len(r.data) != 1 {
		t.Fatalf("keyframe after the loss: %+v", r)
	}
	if r := push(a, next(fSure, 1, 5)...); len(r.data) != 1 {
		t.Fatalf("frame after the keyframe: %+v", r)
	}
}

func TestRetransmissionFillsGap(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{})
	k := frame(0, 0, fKey|fSure, "k")
	p := frame(3, 3000, fSure, "p")
	push(a, k[0], k[2])
	push(a, p...)
	r := push(a, k[1])
	if len(r.data) != 2 || r.data[0] != "kakbkc" || r.data[1] != "papbpc" || r.needKey {
		t.Fatalf("gap fill: %+v", r)
	}
}

func TestDuplicatesWrapMalformed(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{})
	k := frame(65534, 0, fKey|fSure, "k")      // 65534, 65535, 0
	r := push(a, k[0], k[0], k[1], k[2], k[2]) // the last one is late
	if s := a.Stats(); len(r.data) != 1 || s.PacketsDup != 1 || s.PacketsLate != 1 {
		t.Fatalf("dups: %+v, stats %+v", r, a.Stats())
	}
	junk := pkt(1, 3000, false, fJunk, "")
	pad := &rtp.Packet{Header: rtp.Header{SequenceNumber: 2, Timestamp: 3000}}
	r = push(a, junk, pad)
	r2 := push(a, frame(3, 3000, fSure, "p")...)
	if len(r.data) != 0 || len(r2.data) != 1 || r2.data[0] != "papbpc" || r2.needKey {
		t.Fatalf("after filler: %+v %+v", r, r2)
	}
	if s := a.Stats(); s.PacketsMalform != 1 || s.LossEvents != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestFollowVerdicts(t *testing.T) {
	codec := &toy{}
	a := rtpframe.New(codec, rtpframe.Config{})
	push(a, frame(0, 0, fKey|fSure, "k")...)
	if codec.follows == 0 {
		t.Fatal("Follow never called")
	}
	// Breaks: the frame and the bad packet go; the next keyframe is emitted.
	r := push(a,
		pkt(3, 3000, false, fStart|fSure, "p"),
		pkt(4, 3000, false, fBad, "bad"))
	if len(r.data) != 0 || !r.needKey || a.Stats().LossEvents != 1 {
		t.Fatalf("Breaks: %+v, stats %+v", r, a.Stats())
	}
	// EndsBefore: a frame whose end is lost runs into a sure start, which
	// is kept and begins the next frame.
	r = push(a, pkt(5, 6000, false, fStart|fKey|fSure, "x"))
	r2 := push(a, frame(6, 6000, fKey|fSure, "k")...)
	if len(r.data) != 0 || len(r2.data) != 1 || r2.data[0] != "kakbkc" || a.Stats().LossEvents != 2 {
		t.Fatalf("EndsBefore: %+v %+v, stats %+v", r, r2, a.Stats())
	}
}

// A keyframe start that is not sure is skipped to after a gap only when the
// packet before it ended a frame: otherwise a late packet may precede it.
func TestUnsureKeyframeNeedsBoundary(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{HoldFrames: 10})
	push(a, frame(0, 0, fKey|fSure, "k")...)
	gap := frame(3, 3000, 0, "p")
	k := frame(6, 6000, fKey, "k") // packet 5, before it, is missing
	if r := push(a, gap[0], k[0], k[1], k[2]); len(r.data) != 0 {
		t.Fatalf("skipped to a keyframe without a boundary: %+v", r)
	}
	if r := push(a, gap[2]); len(r.data) != 1 || r.data[0] != "kakbkc" || r.needKey {
		t.Fatalf("keyframe after a boundary: %+v", r)
	}
	if s := a.Stats(); s.LossEvents != 1 || s.KeyframeRequest != 0 {
		t.Fatalf("stats %+v", s)
	}
}

func TestResetAndInit(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{})
	push(a, frame(0, 0, fKey|fSure, "k")...)
	a.Reset()
	if r := push(a, frame(5000, 9000, fSure, "p")...); len(r.data) != 0 || !r.needKey {
		t.Fatalf("after Reset: %+v", r)
	}
	if a.Stats().FramesEmitted != 1 {
		t.Fatal("Reset cleared the counters")
	}
	var b rtpframe.Assembler
	b.Init(&toy{}, rtpframe.Config{})
	if r := push(&b, frame(7, 0, fKey|fSure, "k")...); len(r.data) != 1 {
		t.Fatalf("Init: %+v", r)
	}
	if frames, need := b.Push(nil); frames != nil || need {
		t.Fatal("nil packet")
	}
}

func TestSteadyStateAllocatesNothing(t *testing.T) {
	a := rtpframe.New(&toy{}, rtpframe.Config{})
	var pkts []*rtp.Packet
	for i := range 64 {
		flags := byte(fSure)
		if i == 0 {
			flags |= fKey
		}
		pkts = append(pkts, frame(uint16(3*i), uint32(3000*i), flags, string(rune('A'+i%26)))...)
	}
	for _, p := range pkts {
		a.Push(p)
	}
	i, emitted := 0, 0
	allocs := testing.AllocsPerRun(1000, func() {
		p := pkts[i%len(pkts)]
		p.SequenceNumber += uint16(len(pkts))
		p.Timestamp += 64 * 3000
		frames, _ := a.Push(p)
		emitted += len(frames)
		i++
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per packet", allocs)
	}
	if emitted < 300 || !bytes.Equal(pkts[0].Payload[1:], []byte("Aa")) {
		t.Fatalf("emitted %d frames", emitted)
	}
}
