//go:build linux && (amd64 || arm64)

package sfu

import (
	"net"
	"net/netip"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mmsghdr is the kernel's struct mmsghdr on 64-bit Linux.
type mmsghdr struct {
	hdr unix.Msghdr
	n   uint32
	_   [4]byte
}

// mmsgQueue holds up to batchSize datagrams in buffers allocated once, with
// the message headers sendmmsg reads pointing into them. It is Parley's own
// rather than golang.org/x/net/ipv4's WriteBatch because x/net addresses
// IPv4 peers as AF_INET even on an AF_INET6 socket, which the kernel
// refuses: a server listening on 0.0.0.0 gets a dual-stack [::] socket, and
// could not have batched. Here IPv4 peers of such a socket are v4-mapped.
type mmsgQueue struct {
	raw    syscall.RawConn
	v6     bool // an AF_INET6 socket: IPv4 peers are addressed v4-mapped
	worked bool // a sendmmsg has succeeded on this socket
	hdrs   [batchSize]mmsghdr
	iovs   [batchSize]unix.Iovec
	sa4    [batchSize]unix.RawSockaddrInet4
	sa6    [batchSize]unix.RawSockaddrInet6
	bufs   [batchSize][maxDatagram]byte
}

func newMmsgQueue(c *net.UDPConn) *mmsgQueue {
	raw, err := c.SyscallConn()
	if err != nil {
		return nil
	}
	family := 0
	if err := raw.Control(func(fd uintptr) {
		switch sa, _ := unix.Getsockname(int(fd)); sa.(type) {
		case *unix.SockaddrInet4:
			family = unix.AF_INET
		case *unix.SockaddrInet6:
			family = unix.AF_INET6
		}
	}); err != nil || family == 0 {
		return nil
	}
	q := &mmsgQueue{raw: raw, v6: family == unix.AF_INET6}
	for i := range q.hdrs {
		q.iovs[i].Base = &q.bufs[i][0]
		h := &q.hdrs[i].hdr
		h.Iov = &q.iovs[i]
		h.SetIovlen(1)
		if q.v6 {
			q.sa6[i].Family = unix.AF_INET6
			h.Name, h.Namelen = (*byte)(unsafe.Pointer(&q.sa6[i])), unix.SizeofSockaddrInet6
		} else {
			q.sa4[i].Family = unix.AF_INET
			h.Name, h.Namelen = (*byte)(unsafe.Pointer(&q.sa4[i])), unix.SizeofSockaddrInet4
		}
	}
	return q
}

// put copies datagram p to addr into slot i; false if this socket cannot
// address it (an IPv6 peer of an IPv4 socket).
func (q *mmsgQueue) put(i int, p []byte, addr netip.AddrPort) bool {
	ip, port := addr.Addr(), addr.Port()
	if q.v6 {
		sa := &q.sa6[i]
		sa.Addr = ip.As16()
		*(*[2]byte)(unsafe.Pointer(&sa.Port)) = [2]byte{byte(port >> 8), byte(port)}
	} else {
		if !ip.Unmap().Is4() {
			return false
		}
		sa := &q.sa4[i]
		sa.Addr = ip.Unmap().As4()
		*(*[2]byte)(unsafe.Pointer(&sa.Port)) = [2]byte{byte(port >> 8), byte(port)}
	}
	q.iovs[i].SetLen(copy(q.bufs[i][:], p))
	return true
}

// datagram is slot i's bytes.
func (q *mmsgQueue) datagram(i int) []byte { return q.bufs[i][:q.iovs[i].Len] }

// send sends slots [from, to) with one sendmmsg and returns how many left.
// The socket never blocks: a full send buffer is EAGAIN, waited for in the
// poller.
func (q *mmsgQueue) send(from, to int) (int, error) {
	var n uintptr
	var errno syscall.Errno
	err := q.raw.Write(func(fd uintptr) bool {
		n, _, errno = unix.Syscall6(unix.SYS_SENDMMSG, fd, uintptr(unsafe.Pointer(&q.hdrs[from])), uintptr(to-from), 0, 0, 0)
		return errno != unix.EAGAIN
	})
	if err == nil && errno != 0 {
		err = errno
	}
	if err != nil {
		return 0, err
	}
	q.worked = true
	return int(n), nil
}
