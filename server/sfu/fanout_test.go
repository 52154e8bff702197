package sfu

import (
	"net"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/red"
)

// fakeBinding is a subscriber's side of a Bind: its codecs, SSRC and a
// writer that records what it is sent.
type fakeBinding struct {
	id   string
	ssrc webrtc.SSRC
	pt   webrtc.PayloadType
	got  []rtp.Packet
	// codecs, if set, are the subscriber's instead of videoCodec at pt.
	codecs []webrtc.RTPCodecParameters
}

func (b *fakeBinding) CodecParameters() []webrtc.RTPCodecParameters {
	if b.codecs != nil {
		return b.codecs
	}
	return []webrtc.RTPCodecParameters{{RTPCodecCapability: videoCodec, PayloadType: b.pt}}
}
func (b *fakeBinding) HeaderExtensions() []webrtc.RTPHeaderExtensionParameter { return nil }
func (b *fakeBinding) SSRC() webrtc.SSRC                                      { return b.ssrc }
func (b *fakeBinding) SSRCRetransmission() webrtc.SSRC                        { return 0 }
func (b *fakeBinding) SSRCForwardErrorCorrection() webrtc.SSRC                { return 0 }
func (b *fakeBinding) WriteStream() webrtc.TrackLocalWriter                   { return b }
func (b *fakeBinding) ID() string                                             { return b.id }
func (b *fakeBinding) RTCPReader() interceptor.RTCPReader                     { return nil }
func (b *fakeBinding) Write(p []byte) (int, error)                            { return len(p), nil }
func (b *fakeBinding) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	b.got = append(b.got, rtp.Packet{Header: *h, Payload: slices.Clone(payload)})
	return h.MarshalSize() + len(payload), nil
}

// TestFanoutWritesAndResends: every bound subscriber gets each packet with
// its own SSRC and payload type; a NACK gets the cached packet again, to
// that subscriber only; an unbound one gets nothing more.
func TestFanoutWritesAndResends(t *testing.T) {
	var cnt counters
	f, err := newFanout(videoCodec, "video", "s", 16, &cnt)
	if err != nil {
		t.Fatal(err)
	}
	a := &fakeBinding{id: "a", ssrc: 111, pt: 96}
	b := &fakeBinding{id: "b", ssrc: 222, pt: 100}
	for _, fb := range []*fakeBinding{a, b} {
		if _, err := f.Bind(fb); err != nil {
			t.Fatal(err)
		}
	}
	for seq := uint16(65530); seq != 4; seq++ { // across the wrap
		h := rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: uint32(seq) * 10, Marker: seq%2 == 0, SSRC: 9}
		f.write(&h, []byte{byte(seq), 1, 2, 3})
	}
	for _, fb := range []*fakeBinding{a, b} {
		if len(fb.got) != 10 {
			t.Fatalf("%s got %d packets, want 10", fb.id, len(fb.got))
		}
		for _, p := range fb.got {
			if p.SSRC != uint32(fb.ssrc) || p.PayloadType != uint8(fb.pt) || p.Payload[0] != byte(p.SequenceNumber) {
				t.Errorf("%s got %+v", fb.id, p)
			}
		}
	}
	if got := cnt.packetsOut.Load(); got != 20 {
		t.Errorf("counted %d packets out, want 20", got)
	}

	buf := make([]byte, maxPayload)
	if n, octets := f.resend(222, []uint16{65535, 2, 100}, buf); n != 2 || octets != 8 {
		t.Errorf("resent %d (%d bytes), want 2 (100 was never sent) of four bytes each", n, octets)
	}
	if len(a.got) != 10 || len(b.got) != 12 {
		t.Fatalf("after the NACK: a has %d, b %d; want 10 and 12", len(a.got), len(b.got))
	}
	re := b.got[10]
	if re.SequenceNumber != 65535 || re.Timestamp != 655350 || re.Marker || re.SSRC != 222 || re.Payload[0] != 0xff {
		t.Errorf("resent %+v", re)
	}
	if cnt.retransmits.Load() != 2 {
		t.Errorf("counted %d retransmits", cnt.retransmits.Load())
	}
	// Older than the cache: gone.
	for seq := uint16(4); seq < 40; seq++ {
		h := rtp.Header{Version: 2, SequenceNumber: seq}
		f.write(&h, []byte{1})
	}
	if n, _ := f.resend(222, []uint16{2}, buf); n != 0 {
		t.Errorf("a packet past the cache was resent")
	}

	if err := f.Unbind(a); err != nil {
		t.Fatal(err)
	}
	h := rtp.Header{Version: 2, SequenceNumber: 50}
	f.write(&h, []byte{1})
	if len(a.got) != 46 || len(b.got) != 49 {
		t.Errorf("after unbinding a: a has %d, b %d; want 46 and 49", len(a.got), len(b.got))
	}
}

// TestFanoutRED: a subscriber that negotiated RED gets the publisher's RED
// packets whole, under its own RED payload type; one that did not gets
// their primary Opus, also when resent; plain Opus goes to both as it is.
func TestFanoutRED(t *testing.T) {
	var cnt counters
	f, err := newFanout(audioCodec, "audio", "s", 16, &cnt)
	if err != nil {
		t.Fatal(err)
	}
	f.redIn.Store(63)
	redSub := &fakeBinding{id: "red", ssrc: 1, codecs: []webrtc.RTPCodecParameters{
		{RTPCodecCapability: audioCodec, PayloadType: 111},
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/red", ClockRate: 48000, Channels: 2, SDPFmtpLine: "111/111"}, PayloadType: 120},
	}}
	opusSub := &fakeBinding{id: "opus", ssrc: 2, codecs: []webrtc.RTPCodecParameters{
		{RTPCodecCapability: audioCodec, PayloadType: 109},
		// RED over another codec is no RED over Opus.
		{RTPCodecCapability: webrtc.RTPCodecCapability{MimeType: "audio/red", ClockRate: 48000, Channels: 2, SDPFmtpLine: "0/0"}, PayloadType: 121},
	}}
	for _, b := range []*fakeBinding{redSub, opusSub} {
		if _, err := f.Bind(b); err != nil {
			t.Fatal(err)
		}
	}
	prev, cur := []byte("previous"), []byte("current")
	payload, _ := red.Append(nil, 111, cur, red.Block{PT: 111, Offset: 960, Data: prev})
	h := rtp.Header{Version: 2, PayloadType: 63, SequenceNumber: 7}
	f.write(&h, payload)
	h = rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: 8}
	f.write(&h, []byte("plain"))
	h = rtp.Header{Version: 2, PayloadType: 63, SequenceNumber: 9}
	f.write(&h, []byte{0xef, 0, 3, 0xff, 111}) // a block longer than the packet
	if n, _ := f.resend(2, []uint16{7}, make([]byte, maxPayload)); n != 1 {
		t.Fatalf("resent %d packets, want 1", n)
	}
	want := map[*fakeBinding][]struct {
		pt      uint8
		payload string
	}{
		redSub:  {{120, string(payload)}, {111, "plain"}, {120, "\xef\x00\x03\xff\x6f"}},
		opusSub: {{109, "current"}, {109, "plain"}, {109, "current"}},
	}
	for b, w := range want {
		if len(b.got) != len(w) {
			t.Fatalf("%s got %d packets, want %d", b.id, len(b.got), len(w))
		}
		for i, p := range b.got {
			if p.PayloadType != w[i].pt || string(p.Payload) != w[i].payload {
				t.Errorf("%s packet %d: PT %d %q, want PT %d %q", b.id, i, p.PayloadType, p.Payload, w[i].pt, w[i].payload)
			}
		}
	}
}

func TestFanoutWriteAllocatesNothing(t *testing.T) {
	var cnt counters
	f, err := newFanout(videoCodec, "video", "s", 16, &cnt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 128 {
		if _, err := f.Bind(&nopBinding{fakeBinding{id: strconv.Itoa(i), ssrc: webrtc.SSRC(i), pt: 96}}); err != nil {
			t.Fatal(err)
		}
	}
	payload := make([]byte, 1000)
	var h rtp.Header
	if n := testing.AllocsPerRun(100, func() { h.SequenceNumber++; f.write(&h, payload) }); n != 0 {
		t.Errorf("%v allocations per packet", n)
	}
	if got := cnt.packetsOut.Load(); got != 101*128 {
		t.Errorf("%d packets out, want %d", got, 101*128)
	}
}

// nopBinding drops what it is sent.
type nopBinding struct{ fakeBinding }

func (b *nopBinding) WriteStream() webrtc.TrackLocalWriter { return b }
func (b *nopBinding) WriteRTP(h *rtp.Header, payload []byte) (int, error) {
	return len(payload) + 12, nil
}

// TestBatchConn: writes during a hold arrive once it is released, in order;
// writes outside a hold arrive at once.
func TestBatchConn(t *testing.T) {
	rx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer rx.Close()
	tx, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	b := newBatchConn(tx)
	defer b.Close()
	to := rx.LocalAddr().(*net.UDPAddr).AddrPort()
	read := func() (byte, bool) {
		buf := make([]byte, 2000)
		_ = rx.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := rx.Read(buf)
		return buf[0], err == nil && n == 1200
	}

	if _, err := b.WriteToAddrPort(make([]byte, 1200), to); err != nil {
		t.Fatal(err)
	}
	if _, ok := read(); !ok {
		t.Fatal("a write outside a hold did not arrive at once")
	}
	b.hold()
	const n = batchSize + 10 // one full batch goes out by itself
	for i := range n {
		p := make([]byte, 1200)
		p[0] = byte(i)
		if _, err := b.WriteToAddrPort(p, to); err != nil {
			t.Fatal(err)
		}
	}
	for i := range batchSize {
		if v, ok := read(); !ok || v != byte(i) {
			t.Fatalf("packet %d of the full batch: %d %v", i, v, ok)
		}
	}
	if _, ok := read(); ok {
		t.Fatal("a packet of the unfinished batch left before the release")
	}
	b.release()
	for i := batchSize; i < n; i++ {
		if v, ok := read(); !ok || v != byte(i) {
			t.Fatalf("packet %d after the release: %d %v", i, v, ok)
		}
	}
}

// TestBatchConnDualStack: a socket listening on [::] (what a server on
// 0.0.0.0 gets) batches datagrams to IPv6 peers and, v4-mapped, to IPv4 ones.
func TestBatchConnDualStack(t *testing.T) {
	tx, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv6unspecified})
	if err != nil {
		t.Skip("no IPv6:", err)
	}
	b := newBatchConn(tx)
	defer b.Close()
	if b.q == nil || !b.q.v6 {
		t.Skip("no sendmmsg here, or not a dual-stack socket")
	}
	var rxs []*net.UDPConn
	for _, ip := range []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback} {
		rx, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip})
		if err != nil {
			t.Skip(err)
		}
		defer rx.Close()
		rxs = append(rxs, rx)
	}
	b.hold()
	for _, rx := range rxs {
		if _, err := b.WriteToAddrPort([]byte("x"), rx.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
			t.Fatal(err)
		}
	}
	b.release()
	for _, rx := range rxs {
		_ = rx.SetReadDeadline(time.Now().Add(time.Second))
		if n, err := rx.Read(make([]byte, 10)); err != nil || n != 1 {
			t.Errorf("%v got nothing: %v", rx.LocalAddr(), err)
		}
	}
}
