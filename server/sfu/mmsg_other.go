//go:build !(linux && (amd64 || arm64))

package sfu

import (
	"net"
	"net/netip"
)

// mmsgQueue is not available here: every write goes out at once.
type mmsgQueue struct{ worked, v6 bool }

func newMmsgQueue(*net.UDPConn) *mmsgQueue                { return nil }
func (q *mmsgQueue) put(int, []byte, netip.AddrPort) bool { return false }
func (q *mmsgQueue) datagram(int) []byte                  { return nil }
func (q *mmsgQueue) send(int, int) (int, error)           { return 0, net.ErrClosed }
