// Package pulsetest starts a private PulseAudio server with a null sink for
// tests: what is played to the sink "parley_test" comes back on its monitor
// source "parley_test.monitor", the server's default source, so speaker and
// microphone code run for real on a machine without a sound card.
package pulsetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Sink and Monitor are the null sink's and its monitor's device IDs.
const (
	Sink    = "parley_test"
	Monitor = "parley_test.monitor"
)

const childEnv = "PARLEY_PULSETEST_CHILD"

// Run gives the calling test a private PulseAudio server. In the test
// process it starts pulseaudio, re-runs just this test in a fresh process
// pointed at the server through $PULSE_SERVER, relays its verdict and
// returns false: the caller returns at once. In that fresh process it
// returns true and the test talks to the devices.
//
// A fresh process keeps $PULSE_SERVER and libpulse's per-process state out
// of the test binary that owns the server. (It does not cure the stall of
// streams described in docs/devices.md: that happens in the fresh process
// too.)
//
// The test is skipped, with the reason, only when pulseaudio is not
// installed or does not come up.
func Run(t *testing.T) bool {
	t.Helper()
	if os.Getenv(childEnv) != "" {
		return true
	}
	server := start(t)
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", "PULSE_SERVER="+server)
	out, err := cmd.CombinedOutput()
	t.Logf("in a fresh process:\n%s", out)
	if err != nil {
		t.Fatalf("the test failed in its fresh process: %v", err)
	}
	return false
}

func start(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pulseaudio")
	if err != nil {
		t.Skip("pulseaudio is not installed (scripts/deps.sh installs it): skipping the real audio device test")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "native")
	// -n: no default.pa, so nothing looks for sound cards; the socket accepts
	// anonymous clients, so running as root (CI) needs no --system mode.
	cmd := exec.Command(bin, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=false",

		"--load=module-null-sink sink_name="+Sink+" rate=48000",
		"--load=module-native-protocol-unix auth-anonymous=1 socket="+sock)
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+dir, "PULSE_RUNTIME_PATH="+dir)
	logf, err := os.Create(filepath.Join(dir, "pulseaudio.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	log := logReader(filepath.Join(dir, "pulseaudio.log"))
	if err := cmd.Start(); err != nil {
		t.Skipf("pulseaudio did not start: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		select {
		case <-exited:
			t.Skipf("pulseaudio exited at start:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Skipf("pulseaudio did not open its socket in 10 s:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "unix:" + sock
}

type logReader string

func (l logReader) String() string {
	b, _ := os.ReadFile(string(l))
	return string(b)
}
