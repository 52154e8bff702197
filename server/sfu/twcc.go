package sfu

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/pion/interceptor"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
)

// Transport-wide sequence numbers on a player's packets and the feedback
// that reports their arrival (draft-holmer-rmcat-transport-wide-cc-
// extensions-01), for the downlink estimate (downlink.go). pion's own
// (twcc and gcc) allocate several objects per packet and keep 250 packets
// of history; on the fan-out path that tripled the server's allocations and
// added half to its CPU per packet (docs/decisions.md). Here a packet costs
// a stamp and a slot in a ring, without allocation.

// sentRingSize is how many of a player's packets are remembered: about
// four seconds of a 720p stream, far longer than feedback takes.
const sentRingSize = 1 << 10

// sentPacket is one packet as it left.
type sentPacket struct {
	at    int64 // unix nanoseconds
	size  int32
	seq   uint16
	valid bool
}

// twccSender numbers one player's PeerConnection's packets and remembers
// when each left.
type twccSender struct {
	mu   sync.Mutex
	next uint16
	ring [sentRingSize]sentPacket
}

// record numbers a packet of size bytes leaving at now.
func (t *twccSender) record(now int64, size int) uint16 {
	t.mu.Lock()
	seq := t.next
	t.next++
	t.ring[int(seq)%sentRingSize] = sentPacket{at: now, size: int32(size), seq: seq, valid: true}
	t.mu.Unlock()
	return seq
}

// ack is one packet as feedback reports it.
type ack struct {
	sent    int64 // unix nanoseconds
	arrival int64 // microseconds on the player's clock; lost packets have 0
	size    int
	lost    bool
}

// acks appends to dst the packets a transport-wide feedback packet reports
// on that are still in the ring, in sequence order; b is the one RTCP
// packet, its header included, and symbols the caller's scratch space. It
// reads the wire format itself: pion's rtcp allocates an object per packet
// reported. ok is false for a malformed packet, whose acks are dropped.
func (t *twccSender) acks(dst []ack, b []byte, symbols []uint8) (_ []ack, _ []uint8, ok bool) {
	if len(b) < 20 {
		return dst, symbols, false
	}
	if b[0]&0x20 != 0 { // padding: the last byte counts it
		pad := int(b[len(b)-1])
		if pad == 0 || pad > len(b)-20 {
			return dst, symbols, false
		}
		b = b[:len(b)-pad]
	}
	seq := binary.BigEndian.Uint16(b[12:14])
	count := int(binary.BigEndian.Uint16(b[14:16]))
	arrival := (int64(b[16])<<16 | int64(b[17])<<8 | int64(b[18])) * 64000 // µs
	symbols = symbols[:0]
	i := 20
	for len(symbols) < count {
		if i+2 > len(b) {
			return dst, symbols, false
		}
		c := binary.BigEndian.Uint16(b[i : i+2])
		i += 2
		switch {
		case c&0x8000 == 0: // run length
			sym, run := uint8(c>>13&3), int(c&0x1fff)
			for range min(run, count-len(symbols)) {
				symbols = append(symbols, sym)
			}
		case c&0x4000 == 0: // fourteen one-bit symbols
			for k := 13; k >= 0 && len(symbols) < count; k-- {
				symbols = append(symbols, uint8(c>>k&1))
			}
		default: // seven two-bit symbols
			for k := 12; k >= 0 && len(symbols) < count; k -= 2 {
				symbols = append(symbols, uint8(c>>k&3))
			}
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, sym := range symbols {
		var delta int64
		switch sym {
		case 1: // received, small delta: one unsigned byte of 250 µs
			if i+1 > len(b) {
				return dst, symbols, false
			}
			delta = int64(b[i]) * 250
			i++
		case 2: // received, large or negative delta: two signed bytes
			if i+2 > len(b) {
				return dst, symbols, false
			}
			delta = int64(int16(binary.BigEndian.Uint16(b[i:i+2]))) * 250
			i += 2
		}
		arrival += delta
		p := t.ring[int(seq)%sentRingSize]
		if p.valid && p.seq == seq {
			a := ack{sent: p.at, size: int(p.size), lost: sym != 1 && sym != 2}
			if !a.lost {
				a.arrival = arrival
			}
			dst = append(dst, a)
		}
		seq++
	}
	return dst, symbols, true
}

// twccStampFactory makes each player's PeerConnection the interceptor that
// stamps its packets; downlinkHub gives it the PeerConnection's sender.
type twccStampFactory struct{ hub *downlinkHub }

func (f twccStampFactory) NewInterceptor(string) (interceptor.Interceptor, error) {
	d := newDownlink(time.Now())
	f.hub.last = d
	return &twccStamp{down: d}, nil
}

// twccStamp stamps the streams of one PeerConnection that negotiated the
// extension; others pass through unchanged.
type twccStamp struct {
	interceptor.NoOp
	down *downlink
}

func (s *twccStamp) BindLocalStream(info *interceptor.StreamInfo, w interceptor.RTPWriter) interceptor.RTPWriter {
	for _, e := range info.RTPHeaderExtensions {
		if e.URI == sdp.TransportCCURI && e.ID > 0 && e.ID < 15 {
			return &stampWriter{id: uint8(e.ID), sender: &s.down.sender, next: w}
		}
	}
	return w
}

// stampWriter stamps one stream. Its lock keeps buf, which the header
// points into until the write below returns, to one packet at a time: the
// stream is written by the publication's forwarding goroutine and, for
// retransmissions, by the player's RTCP reader.
type stampWriter struct {
	id     uint8
	sender *twccSender
	next   interceptor.RTPWriter
	mu     sync.Mutex
	buf    [2]byte
}

func (w *stampWriter) Write(h *rtp.Header, payload []byte, a interceptor.Attributes) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	size := h.MarshalSize() + len(payload) + 8 // and the extension, once added
	seq := w.sender.record(time.Now().UnixNano(), size)
	binary.BigEndian.PutUint16(w.buf[:], seq)
	if err := h.SetExtension(w.id, w.buf[:]); err != nil {
		return 0, err
	}
	return w.next.Write(h, payload, a)
}
