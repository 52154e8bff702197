package netns

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// serverBin is parleyd, built once per run by TestMain.
var serverBin string

// TestMain runs the scenarios only with PARLEY_NETNS=1 (make test-netns).
// Then a host that cannot make namespaces is an error, not a skip: CI must
// not pass a suite it never ran. A client process (PARLEY_NETNS_ROLE set)
// inherits PARLEY_NETNS and runs only TestClientProcess.
func TestMain(m *testing.M) {
	if os.Getenv("PARLEY_NETNS") != "1" {
		fmt.Println("tests/netns: skipped; make test-netns runs them (PARLEY_NETNS=1, as root)")
		os.Exit(0)
	}
	if os.Getenv(envRole) != "" {
		goleak.VerifyTestMain(m)
		return
	}
	goleak.VerifyTestMain(harness{m})
}

// harness checks the host and builds parleyd around the tests.
type harness struct{ m *testing.M }

func (h harness) Run() int {
	if err := checkHost(); err != nil {
		fmt.Fprintf(os.Stderr, "tests/netns: PARLEY_NETNS=1 but %v\n", err)
		return 1
	}
	dir, err := os.MkdirTemp("", "parley-netns-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "tests/netns:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	serverBin = filepath.Join(dir, "parleyd")
	build := exec.Command("go", "build", "-o", serverBin, "github.com/parley-rtc/parley/cmd/parleyd")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "tests/netns: go build parleyd: %v\n%s", err, out)
		return 1
	}
	return h.m.Run()
}

// checkHost reports why this host cannot run the scenarios: they need root
// and iproute2's ip, and a kernel (or container) that lets root make network
// namespaces, which a probe namespace tries.
func checkHost() error {
	if os.Geteuid() != 0 {
		return errors.New("not root: network namespaces and veth pairs need root (sudo make test-netns)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return errors.New("no ip command: install iproute2 (scripts/deps.sh does)")
	}
	probe := fmt.Sprintf("%s%d-0-probe", nsPrefix, os.Getpid())
	if out, err := exec.Command("ip", "netns", "add", probe).CombinedOutput(); err != nil {
		return fmt.Errorf("root cannot make a network namespace here (a container needs --privileged): ip netns add: %v: %s", err, out)
	}
	if out, err := exec.Command("ip", "netns", "del", probe).CombinedOutput(); err != nil {
		return fmt.Errorf("ip netns del %s: %v: %s", probe, err, out)
	}
	return nil
}
