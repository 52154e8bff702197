// Package pulsetest gives tests the private PulseAudio server with a null
// sink that scripts/pulse-test-server.sh starts: what is played to the sink "parley_test" comes back on its monitor
// source "parley_test.monitor", the server's default source, so speaker and
// microphone code run for real on a machine without a sound card.
package pulsetest

import (
	"os"
	"testing"
)

// Sink and Monitor are the null sink's and its monitor's device IDs.
const (
	Sink    = "parley_test"
	Monitor = "parley_test.monitor"
)

// Run reports whether the calling test has a PulseAudio server with the null
// sink: the one $PULSE_SERVER names, started from a shell by
// scripts/pulse-test-server.sh (make test-go does it). Without $PULSE_SERVER
// the test is skipped with the reason.
//
// The server is not started from the test process: streams to a server
// that a Go test process started stall after their first buffer
// (docs/devices.md).
func Run(t *testing.T) bool {
	t.Helper()
	if os.Getenv("PULSE_SERVER") == "" {
		t.Skip("PULSE_SERVER is not set: run through make test-go, or start scripts/pulse-test-server.sh and export the PULSE_SERVER it prints")
	}
	return true
}
