package sfu

import (
	"net"
	"net/netip"
	"sync"
)

// batchConn is the SFU's UDP socket with batched sends. While a forward
// holds it (hold ... release around the fan-out of one packet), the
// datagrams written through it are copied into preallocated slots and sent
// with one sendmmsg per batch (mmsg_linux.go) instead of one sendto each:
// the fan-out of a packet to N subscribers costs N/batchSize system calls.
// Outside a hold (STUN, DTLS, RTCP) writes go out at once. Writes queued by
// others during a hold leave with the next release, within one fan-out.
// Where sendmmsg is not available every write goes out at once.
type batchConn struct {
	*net.UDPConn
	q *mmsgQueue // nil: no batching here

	mu    sync.Mutex
	holds int
	n     int              // queued datagrams
	addrs []netip.AddrPort // of the queued datagrams, for the fallback
}

const (
	batchSize   = 64
	maxDatagram = 1500 + 64 // an RTP packet of maxPayload with its header and SRTP tag
)

func newBatchConn(c *net.UDPConn) *batchConn {
	return &batchConn{UDPConn: c, q: newMmsgQueue(c), addrs: make([]netip.AddrPort, batchSize)}
}

// hold starts queueing writes; release sends what is queued. Both do
// nothing on a nil batchConn (a socket that is not UDP).
func (b *batchConn) hold() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.holds++
	b.mu.Unlock()
}

func (b *batchConn) release() {
	if b == nil {
		return
	}
	b.mu.Lock()
	b.holds--
	b.flush()
	b.mu.Unlock()
}

// ReadFromAddrPort and WriteToAddrPort make the ICE UDP mux use this
// socket without allocating per packet (ice.AddrPortReaderWriter).
func (b *batchConn) ReadFromAddrPort(p []byte) (int, netip.AddrPort, error) {
	return b.UDPConn.ReadFromUDPAddrPort(p)
}

func (b *batchConn) WriteToAddrPort(p []byte, addr netip.AddrPort) (int, error) {
	b.mu.Lock()
	if b.holds == 0 || b.q == nil || len(p) > maxDatagram || !b.q.put(b.n, p, addr) {
		b.mu.Unlock()
		return b.UDPConn.WriteToUDPAddrPort(p, addr)
	}
	b.addrs[b.n] = addr
	b.n++
	if b.n == batchSize {
		b.flush()
	}
	b.mu.Unlock()
	return len(p), nil
}

// WriteTo is the net.PacketConn write, for callers without an AddrPort.
func (b *batchConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if ua, ok := addr.(*net.UDPAddr); ok {
		return b.WriteToAddrPort(p, ua.AddrPort())
	}
	return b.UDPConn.WriteTo(p, addr)
}

// flush sends the queued datagrams; b.mu is held. A datagram the kernel
// refuses is dropped, as a lost packet would be. If the kernel refuses
// sendmmsg itself, the datagrams go out one by one and batching stops.
func (b *batchConn) flush() {
	q, sent := b.q, 0
	for sent < b.n && b.q != nil {
		k, err := q.send(sent, b.n)
		switch {
		case k > 0:
			sent += k
		case err != nil && sent == 0 && !q.worked:
			b.q = nil // never worked: not supported here
		default:
			sent++ // the kernel refused this one: dropped
		}
	}
	for ; sent < b.n; sent++ {
		_, _ = b.UDPConn.WriteToUDPAddrPort(q.datagram(sent), b.addrs[sent])
	}
	b.n = 0
}
