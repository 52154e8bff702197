package sfu

import (
	"net"
	"net/netip"
	"sync"

	"golang.org/x/net/ipv4"
)

// batchConn is the SFU's UDP socket with batched sends. While a forward
// holds it (hold ... release around the fan-out of one packet), the
// datagrams written through it are copied into preallocated slots and sent
// with one sendmmsg per batch (golang.org/x/net/ipv4's WriteBatch) instead
// of one sendto each: the fan-out of a packet to N subscribers costs
// N/batchSize system calls. Outside a hold (STUN, DTLS, RTCP) writes go out
// at once. Writes queued by others during a hold leave with the next
// release, within one fan-out.
type batchConn struct {
	*net.UDPConn
	pc *ipv4.PacketConn

	mu    sync.Mutex
	off   bool // the platform refused a batch: every write goes out at once
	holds int
	n     int // queued messages
	msgs  []ipv4.Message
	bufs  [][maxDatagram]byte
	addrs []net.UDPAddr
	ips   [][16]byte
}

const (
	batchSize   = 64
	maxDatagram = 1500 + 64 // an RTP packet of maxPayload with its header and SRTP tag
)

func newBatchConn(c *net.UDPConn) *batchConn {
	la, _ := c.LocalAddr().(*net.UDPAddr)
	b := &batchConn{UDPConn: c, pc: ipv4.NewPacketConn(c), off: la == nil || la.IP.To4() == nil, msgs: make([]ipv4.Message, batchSize),
		bufs: make([][maxDatagram]byte, batchSize), addrs: make([]net.UDPAddr, batchSize), ips: make([][16]byte, batchSize)}
	for i := range b.msgs {
		b.msgs[i].Buffers = make([][]byte, 1)
		b.msgs[i].Addr = &b.addrs[i]
	}
	return b
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
	if b.holds == 0 || b.off || len(p) > maxDatagram {
		b.mu.Unlock()
		return b.UDPConn.WriteToUDPAddrPort(p, addr)
	}
	i := b.n
	b.n++
	m := &b.msgs[i]
	m.Buffers[0] = b.bufs[i][:copy(b.bufs[i][:], p)]
	ua := &b.addrs[i]
	b.ips[i] = addr.Addr().As16()
	if addr.Addr().Is4() || addr.Addr().Is4In6() {
		ua.IP = b.ips[i][12:16]
	} else {
		ua.IP = b.ips[i][:]
	}
	ua.Port, ua.Zone = int(addr.Port()), ""
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

// flush sends the queued messages; b.mu is held. If the platform cannot
// send a batch (no sendmmsg, or an IPv6 socket, whose IPv4 peers x/net
// would address as AF_INET), the messages go out one by one and batching
// stops.
func (b *batchConn) flush() {
	sent := 0
	for sent < b.n && !b.off {
		k, err := b.pc.WriteBatch(b.msgs[sent:b.n], 0)
		switch {
		case err == nil && k > 0:
			sent += k
		case sent == 0 && k <= 0:
			b.off = true
		default:
			sent++ // the kernel refused this one: dropped, as a lost packet is
		}
	}
	for ; sent < b.n; sent++ {
		m := &b.msgs[sent]
		_, _ = b.UDPConn.WriteTo(m.Buffers[0], m.Addr)
	}
	b.n = 0
}
