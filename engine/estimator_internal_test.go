package engine

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/bwe"
)

// testEstimator is the estimator without pion's estimator, pacer or
// congestion window; it reports each new target to got.
func testEstimator(maxBps int) (*estimator, *[]int) {
	var got []int
	e := &estimator{rule: bwe.NewRule(bweMinBitrate, maxBps, time.Unix(0, 0)), target: maxBps, pushed: maxBps}
	e.onChange = func(bps int) { got = append(got, bps) }
	return e, &got
}

// The server's estimate of its players' downlinks (REMB) caps the target
// while it keeps coming, never below the floor, and the target goes back to
// the uplink's own once it stops.
func TestEstimatorFollowsTheServersCap(t *testing.T) {
	e, got := testEstimator(900_000)
	t0 := time.Unix(0, 0)
	e.capAt(t0, 300_000)
	e.apply(t0.Add(bwe.Tick), 900_000, 0, "increase")
	if e.GetTargetBitrate() != 300_000 || len(*got) != 1 || (*got)[0] != 300_000 {
		t.Fatalf("target %d (reported %v) under the server's 300000 cap", e.GetTargetBitrate(), *got)
	}
	e.capAt(t0.Add(time.Second), 50_000)
	e.apply(t0.Add(time.Second+bwe.Tick), 900_000, 0, "increase")
	if e.GetTargetBitrate() != bweMinBitrate {
		t.Errorf("target %d under a cap below the floor, want the floor %d", e.GetTargetBitrate(), bweMinBitrate)
	}
	e.apply(t0.Add(time.Second+remoteFor+bwe.Tick), 900_000, 0, "increase")
	if e.GetTargetBitrate() != 900_000 {
		t.Errorf("target %d %v after the server's last cap, want the uplink's own 900000", e.GetTargetBitrate(), remoteFor)
	}
}
