package engine

import (
	"math/rand/v2"
	"testing"
	"time"
)

// testEstimator is the estimator's rule alone, without pion's estimator.
func testEstimator(maxBps int) (*estimator, *[]int) {
	var got []int
	now := time.Unix(0, 0)
	e := &estimator{min: bweMinBitrate, max: maxBps, ceiling: maxBps, delay: maxBps, target: maxBps,
		windowAt: now, updated: now}
	e.onChange = func(bps int) { got = append(got, bps) }
	return e, &got
}

// feed runs the rule for d at the estimator's tick with pion's figures
// from figures(tick).
func feed(e *estimator, from time.Time, d time.Duration, figures func(i int) (int, float64, string)) time.Time {
	n := int(d / estimatorTick)
	for i := range n {
		delay, loss, state := figures(i)
		e.apply(from.Add(time.Duration(i+1)*estimatorTick), delay, loss, state)
	}
	return from.Add(time.Duration(n) * estimatorTick)
}

// A few percent of random loss — pion's 200 ms average wandering around
// 5 %, now and then past 10 % — leaves the rate alone: no ratchet.
func TestEstimatorIgnoresRandomLoss(t *testing.T) {
	e, _ := testEstimator(900_000)
	rng := rand.New(rand.NewPCG(1, 2))
	feed(e, time.Unix(0, 0), time.Minute, func(int) (int, float64, string) {
		return 900_000, rng.Float64() * 0.14, "hold"
	})
	if got := e.GetTargetBitrate(); got != 900_000 {
		t.Errorf("target %d after a minute of 0–14 %% loss on a free link, want 900000", got)
	}
}

// Heavy loss cuts at once to what got through; a second of moderate loss
// cuts once, by half the loss.
func TestEstimatorCutsOnLoss(t *testing.T) {
	e, _ := testEstimator(900_000)
	at := feed(e, time.Unix(0, 0), estimatorTick, func(int) (int, float64, string) { return 900_000, 0.6, "hold" })
	if got := e.GetTargetBitrate(); got != 360_000 {
		t.Errorf("target %d after 60 %% loss, want 360000 (what got through)", got)
	}
	e2, _ := testEstimator(900_000)
	feed(e2, at, time.Second, func(int) (int, float64, string) { return 900_000, 0.2, "hold" })
	if got := e2.GetTargetBitrate(); got != 810_000 {
		t.Errorf("target %d after a second of 20 %% loss, want 810000 (cut by half the loss, once)", got)
	}
}

// After a decrease, the increase state climbs 15 % a second, above pion's
// additive figure, and never past the maximum; a decrease is followed.
func TestEstimatorRampsAndFollowsDecreases(t *testing.T) {
	e, got := testEstimator(900_000)
	at := feed(e, time.Unix(0, 0), estimatorTick, func(int) (int, float64, string) { return 200_000, 0, "decrease" })
	if e.GetTargetBitrate() != 200_000 {
		t.Fatalf("target %d after pion's decrease to 200000", e.GetTargetBitrate())
	}
	at = feed(e, at, 5*time.Second, func(i int) (int, float64, string) { return 200_000 + 1000*i, 0, "increase" })
	want := 200_000 * 2.01 // 1.15^5
	if got := float64(e.GetTargetBitrate()); got < want*0.95 || got > want*1.05 {
		t.Errorf("target %.0f after 5 s of increase from 200000, want about %.0f", got, want)
	}
	feed(e, at, 30*time.Second, func(int) (int, float64, string) { return 200_000, 0, "increase" })
	if e.GetTargetBitrate() != 900_000 {
		t.Errorf("target %d after a long climb, want the maximum 900000", e.GetTargetBitrate())
	}
	if len(*got) == 0 {
		t.Error("no change was reported")
	}
}

// A higher configured bitrate lets the estimate climb past the maximum it
// started with (pion's own stays at it); a lower one caps it at once.
func TestEstimatorFollowsTheConfiguredMaximum(t *testing.T) {
	e, _ := testEstimator(900_000)
	e.setMax(1_800_000)
	at := feed(e, time.Unix(0, 0), 10*time.Second, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.GetTargetBitrate(); got <= 1_500_000 {
		t.Errorf("target %d 10 s after the maximum went from 900000 to 1800000, want it past 1500000", got)
	}
	e.setMax(400_000)
	feed(e, at, estimatorTick, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.GetTargetBitrate(); got != 400_000 {
		t.Errorf("target %d after the maximum went down to 400000", got)
	}
}
