package loadkit

import (
	"context"
	"net"
	"net/url"
)

// MaxClients is how many loopback addresses Dialers has.
const MaxClients = 1 << 16

// DialFunc opens a signaling connection's TCP connection (nil: the default).
type DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// Dialers returns, for client i, how it dials. Against a server on a
// loopback IPv4 address every client dials from its own address in
// 127.42.0.0/16, as real clients come from many addresses: the server's
// per-address connection and login limits then hold each client alone.
func Dialers(serverURL string) (func(i int) DialFunc, error) {
	u, err := url.Parse(serverURL)
	if err != nil {
		return nil, err
	}
	ip := net.ParseIP(u.Hostname())
	if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
		return func(int) DialFunc { return nil }, nil
	}
	return func(i int) DialFunc {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 42, byte(i>>8), byte(i))}}
		return d.DialContext
	}, nil
}
