package source_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/source"
)

func TestPacerTicksOnScheduleWithoutDrift(t *testing.T) {
	const interval = 10 * time.Millisecond
	p := source.NewPacer(interval)
	defer p.Stop()
	first, err := p.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prev := first
	for k := 1; k <= 20; k++ {
		due, err := p.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// On a loaded machine a tick may be skipped, but every tick stays
		// on the grid laid down by the first: no drift.
		if d := due.Sub(prev); d <= 0 || d%interval != 0 || due.Sub(first)%interval != 0 {
			t.Fatalf("tick %d due %v after the first, %v after the last: off the %v grid", k, due.Sub(first), d, interval)
		}
		if now := time.Now(); now.Before(due) {
			t.Fatalf("tick %d returned %v early", k, due.Sub(now))
		}
		prev = due
	}
	if el := time.Since(first); el < 200*time.Millisecond || el > 600*time.Millisecond {
		t.Fatalf("20 ticks of 10 ms took %v", el)
	}
}

func TestPacerSkipsInsteadOfBursting(t *testing.T) {
	p := source.NewPacer(10 * time.Millisecond)
	defer p.Stop()
	first, _ := p.Wait(context.Background())
	time.Sleep(55 * time.Millisecond) // a stall: ~5 ticks missed
	due, _ := p.Wait(context.Background())
	next, _ := p.Wait(context.Background())
	if due.Sub(first) < 50*time.Millisecond {
		t.Fatalf("after a stall the pacer returned the stale tick at +%v", due.Sub(first))
	}
	if d := next.Sub(due); d <= 0 || d%(10*time.Millisecond) != 0 {
		t.Fatalf("ticks %v apart after the stall: a burst or off the grid", d)
	}
}

func TestPacerStopsOnContext(t *testing.T) {
	p := source.NewPacer(time.Hour)
	defer p.Stop()
	p.Wait(context.Background()) // tick 0 is due at once
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := p.Wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait = %v, want the context's error", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("Wait ignored the context")
	}
}
