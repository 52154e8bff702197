package netns

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// topology is a server namespace and one namespace per client, each client
// joined to the server's by its own veth pair.
type topology struct {
	server string // the server's namespace
	links  map[string]*link
}

// link is one client's veth pair: the client's end is clientDev in ns, the
// server's end is serverDev in the server's namespace.
type link struct {
	ns                   string
	clientDev, serverDev string
	clientIP, serverIP   string
}

// nsPrefix starts every namespace name this package makes; the pid after
// it tells a live run's namespaces from a killed one's.
const nsPrefix = "parley-netns-"

var topoSeq atomic.Int32

// newTopology makes the server namespace and one per client name, the n-th
// client on 10.77.n.0/24, with lo up everywhere. They are deleted when the
// test ends, after the processes in them (cleanups run last in, first out).
func newTopology(t *testing.T, clients ...string) *topology {
	t.Helper()
	sweepStale(t)
	base := fmt.Sprintf("%s%d-%d-", nsPrefix, os.Getpid(), topoSeq.Add(1))
	tp := &topology{server: base + "srv", links: map[string]*link{}}
	made := []string{}
	t.Cleanup(func() {
		for _, ns := range made {
			if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
				t.Errorf("ip netns del %s: %v: %s", ns, err, out)
			}
		}
	})
	for _, ns := range append([]string{tp.server}, prefixed(base, clients)...) {
		ip(t, "netns", "add", ns)
		made = append(made, ns)
		ip(t, "-n", ns, "link", "set", "lo", "up")
	}
	for i, name := range clients {
		l := &link{ns: base + name, clientDev: "parley0", serverDev: "to-" + name,
			clientIP: fmt.Sprintf("10.77.%d.2", i+1), serverIP: fmt.Sprintf("10.77.%d.1", i+1)}
		ip(t, "link", "add", "name", l.clientDev, "netns", l.ns, "type", "veth",
			"peer", "name", l.serverDev, "netns", tp.server)
		ip(t, "-n", l.ns, "addr", "add", l.clientIP+"/24", "dev", l.clientDev)
		ip(t, "-n", tp.server, "addr", "add", l.serverIP+"/24", "dev", l.serverDev)
		ip(t, "-n", l.ns, "link", "set", l.clientDev, "up")
		ip(t, "-n", tp.server, "link", "set", l.serverDev, "up")
		tp.links[name] = l
	}
	return tp
}

func prefixed(base string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = base + n
	}
	return out
}

// cut takes a client's link down at the server's end: the client's packets
// vanish and nothing comes back, with no error on the client's side.
func (tp *topology) cut(t *testing.T, client string) {
	t.Helper()
	ip(t, "-n", tp.server, "link", "set", tp.links[client].serverDev, "down")
}

// restore brings a cut link back.
func (tp *topology) restore(t *testing.T, client string) {
	t.Helper()
	ip(t, "-n", tp.server, "link", "set", tp.links[client].serverDev, "up")
}

// readdress moves a client to another address on its link, as a device
// that changed networks: its sockets on the old address are dead, and the
// server's packets to it go nowhere.
func (tp *topology) readdress(t *testing.T, client string) {
	t.Helper()
	l := tp.links[client]
	moved := l.clientIP[:strings.LastIndexByte(l.clientIP, '.')] + ".3"
	ip(t, "-n", l.ns, "addr", "del", l.clientIP+"/24", "dev", l.clientDev)
	ip(t, "-n", l.ns, "addr", "add", moved+"/24", "dev", l.clientDev)
	l.clientIP = moved
}

// limit caps a client's link at rate (tc's notation, "300kbit") each way
// with a token bucket filter: 16 kB bursts, at most 50 ms queued.
func (tp *topology) limit(t *testing.T, client, rate string) {
	t.Helper()
	l := tp.links[client]
	for _, end := range [][2]string{{l.ns, l.clientDev}, {tp.server, l.serverDev}} {
		run(t, "tc", "-n", end[0], "qdisc", "replace", "dev", end[1], "root",
			"tbf", "rate", rate, "burst", "16kb", "latency", "50ms")
	}
}

// unlimit removes a client's caps.
func (tp *topology) unlimit(t *testing.T, client string) {
	t.Helper()
	l := tp.links[client]
	for _, end := range [][2]string{{l.ns, l.clientDev}, {tp.server, l.serverDev}} {
		run(t, "tc", "-n", end[0], "qdisc", "del", "dev", end[1], "root")
	}
}

// url is the server's websocket address as a client reaches it.
func (tp *topology) url(client string) string {
	return "ws://" + tp.links[client].serverIP + ":" + serverPort
}

// sweepStale deletes the namespaces of runs whose process is gone (killed
// before its cleanups ran).
func sweepStale(t *testing.T) {
	out, err := exec.Command("ip", "netns", "list").Output()
	if err != nil {
		t.Fatalf("ip netns list: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(line, " ")
		rest, ok := strings.CutPrefix(name, nsPrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		_ = exec.Command("ip", "netns", "del", name).Run()
	}
}

func ip(t *testing.T, args ...string) {
	t.Helper()
	run(t, "ip", args...)
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v: %s", name, strings.Join(args, " "), err, out)
	}
}
