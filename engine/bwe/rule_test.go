package bwe

import (
	"math/rand/v2"
	"testing"
	"time"
)

const testMin = 150_000

func testRule(maxBps int) *Rule { return NewRule(testMin, maxBps, time.Unix(0, 0)) }

// feed runs the rule for d at its tick with pion's figures from
// figures(tick).
func feed(e *Rule, from time.Time, d time.Duration, figures func(i int) (int, float64, string)) time.Time {
	n := int(d / Tick)
	for i := range n {
		delay, loss, state := figures(i)
		e.Apply(from.Add(time.Duration(i+1)*Tick), delay, loss, state)
	}
	return from.Add(time.Duration(n) * Tick)
}

// A few percent of random loss — pion's 200 ms average wandering around
// 5 %, now and then past 10 % — leaves the rate alone: no ratchet.
func TestRuleIgnoresRandomLoss(t *testing.T) {
	e := testRule(900_000)
	rng := rand.New(rand.NewPCG(1, 2))
	feed(e, time.Unix(0, 0), time.Minute, func(int) (int, float64, string) {
		return 900_000, rng.Float64() * 0.14, "hold"
	})
	if got := e.Target(); got != 900_000 {
		t.Errorf("target %d after a minute of 0–14 %% loss on a free link, want 900000", got)
	}
}

// Heavy loss cuts at once to what got through; a second of moderate loss
// cuts once, by half the loss.
func TestRuleCutsOnLoss(t *testing.T) {
	e := testRule(900_000)
	at := feed(e, time.Unix(0, 0), Tick, func(int) (int, float64, string) { return 900_000, 0.6, "hold" })
	if got := e.Target(); got != 360_000 {
		t.Errorf("target %d after 60 %% loss, want 360000 (what got through)", got)
	}
	e2 := testRule(900_000)
	feed(e2, at, time.Second, func(int) (int, float64, string) { return 900_000, 0.2, "hold" })
	if got := e2.Target(); got != 810_000 {
		t.Errorf("target %d after a second of 20 %% loss, want 810000 (cut by half the loss, once)", got)
	}
}

// Feedback that comes back after an outage reports the outage's packets
// lost, and pion's delay-based part takes the gap for delay: that is not
// congestion, and the rate stays; loss that goes on after the grace second
// still cuts.
func TestRuleIgnoresAnOutagesLoss(t *testing.T) {
	e := testRule(900_000)
	t0 := time.Unix(0, 0)
	e.Feedback(t0)
	back := t0.Add(5 * time.Second)
	e.Feedback(back)
	at := feed(e, back, 900*time.Millisecond, func(i int) (int, float64, string) {
		return 400_000, max(1-float64(i)/5, 0), "decrease"
	})
	if got := e.Target(); got != 900_000 {
		t.Fatalf("target %d in the second after a 5 s outage, want 900000 (the outage's loss ignored)", got)
	}
	feed(e, at, time.Second, func(int) (int, float64, string) { return 900_000, 0.6, "hold" })
	if got := e.Target(); got > 450_000 {
		t.Errorf("target %d after 60 %% loss went on past the grace, want a cut", got)
	}
	// So does the first feedback, when it comes long after the start.
	e3 := testRule(900_000)
	e3.Feedback(t0.Add(3 * time.Second))
	feed(e3, t0.Add(3*time.Second), 500*time.Millisecond, func(int) (int, float64, string) { return 400_000, 0.9, "decrease" })
	if got := e3.Target(); got != 900_000 {
		t.Errorf("target %d just after the first feedback came 3 s late, want 900000", got)
	}
	// Feedback at its usual pace opens no grace.
	e2 := testRule(900_000)
	for i := range 10 {
		e2.Feedback(t0.Add(time.Duration(i) * 100 * time.Millisecond))
	}
	feed(e2, t0.Add(time.Second), Tick, func(int) (int, float64, string) { return 900_000, 0.6, "hold" })
	if got := e2.Target(); got != 360_000 {
		t.Errorf("target %d after 60 %% loss with steady feedback, want 360000", got)
	}
}

// 20 % random loss — pion's 200 ms average wandering between 5 and 40 % —
// for 8 s is not taken for a narrowed link: the rate comes down by the
// one-second rule only, not to the floor.
func TestRuleRandomHeavyLossDoesNotRatchet(t *testing.T) {
	e := testRule(800_000)
	rng := rand.New(rand.NewPCG(3, 4))
	feed(e, time.Unix(0, 0), 8*time.Second, func(int) (int, float64, string) {
		return 800_000, 0.05 + rng.Float64()*0.35, "hold"
	})
	if got := e.Target(); got < 300_000 {
		t.Errorf("target %d after 8 s of 20 %% random loss, want at least 300000", got)
	}
}

// Once a narrow link is gone, clean seconds in a row climb faster and
// faster: from a sixth of the maximum back to 90 % of it within 9 s; the
// first clean seconds after a cut climb gently (10 and 15 %).
func TestRuleClimbsBackFastOnACleanLink(t *testing.T) {
	e := testRule(900_000)
	at := feed(e, time.Unix(0, 0), 3*time.Second, func(int) (int, float64, string) { return 900_000, 0.6, "hold" })
	low := e.Target()
	if low > 160_000 {
		t.Fatalf("target %d after 3 s of 60 %% loss, want the floor", low)
	}
	at = feed(e, at, 2*time.Second, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.Target(); got > low*14/10 {
		t.Errorf("target %d two clean seconds after the cut from %d: the first climb should be gentle", got, low)
	}
	feed(e, at, 7*time.Second, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.Target(); got < 810_000 {
		t.Errorf("target %d nine clean seconds after the cut, want at least 810000", got)
	}
}

// After a decrease, the increase state climbs 15 % a second, above pion's
// additive figure, and never past the maximum; a decrease is followed.
func TestRuleRampsAndFollowsDecreases(t *testing.T) {
	e := testRule(900_000)
	at := feed(e, time.Unix(0, 0), Tick, func(int) (int, float64, string) { return 200_000, 0, "decrease" })
	if e.Target() != 200_000 {
		t.Fatalf("target %d after pion's decrease to 200000", e.Target())
	}
	at = feed(e, at, 5*time.Second, func(i int) (int, float64, string) { return 200_000 + 1000*i, 0, "increase" })
	want := 200_000 * 2.01 // 1.15^5
	if got := float64(e.Target()); got < want*0.95 || got > want*1.05 {
		t.Errorf("target %.0f after 5 s of increase from 200000, want about %.0f", got, want)
	}
	feed(e, at, 30*time.Second, func(int) (int, float64, string) { return 200_000, 0, "increase" })
	if e.Target() != 900_000 {
		t.Errorf("target %d after a long climb, want the maximum 900000", e.Target())
	}
}

// A higher configured bitrate lets the estimate climb past the maximum it
// started with (pion's own stays at it); a lower one caps it at once.
func TestRuleFollowsTheConfiguredMaximum(t *testing.T) {
	e := testRule(900_000)
	e.SetMax(1_800_000)
	at := feed(e, time.Unix(0, 0), 10*time.Second, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.Target(); got <= 1_500_000 {
		t.Errorf("target %d 10 s after the maximum went from 900000 to 1800000, want it past 1500000", got)
	}
	e.SetMax(400_000)
	feed(e, at, Tick, func(int) (int, float64, string) { return 900_000, 0, "increase" })
	if got := e.Target(); got != 400_000 {
		t.Errorf("target %d after the maximum went down to 400000", got)
	}
}

// A rule that follows a stream's rate goes up with it while nothing held
// it back, and after a cut climbs by its own rules, not with the maximum.
func TestRuleFollowsAStreamsRate(t *testing.T) {
	e := testRule(600_000)
	e.Follow(2_000_000)
	if e.Target() != 2_000_000 {
		t.Fatalf("target %d after an unconstrained maximum rose to 2000000", e.Target())
	}
	at := feed(e, time.Unix(0, 0), Tick, func(int) (int, float64, string) { return 500_000, 0, "decrease" })
	e.Follow(3_000_000)
	feed(e, at, Tick, func(int) (int, float64, string) { return 1, 0, "increase" })
	if got := e.Target(); got > 600_000 {
		t.Errorf("target %d a tick after a decrease to 500000 and a higher maximum, want a gentle climb", got)
	}
	e.Follow(400_000)
	if got := e.Target(); got != 400_000 {
		t.Errorf("target %d after the maximum fell to 400000", got)
	}
}
