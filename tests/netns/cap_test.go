package netns

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// capKbps is the cap TestBandwidthCap puts on A's link, each way.
const capKbps = 300

// TestBandwidthCap: A publishes hard-to-compress video (about 750 kbit/s
// on a free link); its link is capped with tbf at 300 kbit/s for 20 s, then
// freed. A's video rate follows the cap within 5 s (the quality reports
// average 3 s; those from 8 s on average under the cap, none past half as
// much again), B's view never goes a whole second without a frame, from
// the cap's onset on (docs/media.md, Congestion control), and within 10 s
// of the cap's end A's video rate climbs a quarter past its average under the cap.
//
// It runs with make test-netns-long only: on this 2-core machine its climb
// after the cap passed two runs in three (the in-process TestBandwidthCap
// of tests/network, which make test runs, covers the scenario in CI).
func TestBandwidthCap(t *testing.T) {
	if os.Getenv("PARLEY_NETNS_LONG") != "1" {
		t.Skip("make test-netns-long runs it (PARLEY_NETNS_LONG=1)")
	}
	c := startCallWith(t, 0, sourceNoisy)
	_, rec := c.a.expect(t, "A sending over 500 kbit/s on the free link", 0, time.Now().Add(10*time.Second), videoOver(500))
	t.Logf("free link: %s", rec.Info)

	markA, markB := c.a.len(), c.b.len()
	c.tp.limit(t, "a", strconv.Itoa(capKbps)+"kbit")
	capped := time.Now()
	time.Sleep(20 * time.Second)
	c.tp.unlimit(t, "a")
	freed, markFreed := time.Now(), c.a.len()

	sum, n := 0, 0
	for _, r := range c.a.since(markA) {
		if kbps, ok := videoKbps(r); ok && r.at.Sub(capped) >= 8*time.Second && r.at.Before(freed) {
			t.Logf("capped, %v in: %s", r.at.Sub(capped).Round(time.Second), r.Info)
			sum, n = sum+kbps, n+1
			if kbps > capKbps*3/2 {
				t.Errorf("%v into the cap A sends %d kbit/s of video, want it to follow the %d kbit/s cap", r.at.Sub(capped).Round(time.Second), kbps, capKbps)
			}
		}
	}
	if n == 0 {
		t.Fatal("no quality report from A under the cap")
	} else if sum/n > capKbps {
		t.Errorf("A sends %d kbit/s of video on average from 8 s into the cap, want at most %d", sum/n, capKbps)
	}
	worst, frames := 1<<30, []int{}
	for _, r := range c.b.since(markB) {
		if r.Kind == "stats" && r.at.Sub(capped) >= time.Second && r.at.Before(freed) {
			worst = min(worst, r.Frames)
			frames = append(frames, r.Frames)
		}
	}
	t.Logf("capped: frames in the second before, every %v: %v", statsPeriod, frames)
	if worst == 0 {
		t.Errorf("B's view went a whole second without a frame under the cap")
	}
	climb := sum / max(n, 1) * 5 / 4
	_, rec = c.a.expect(t, fmt.Sprintf("A past %d kbit/s of video after the cap ended", climb), markFreed, freed.Add(10*time.Second), videoOver(climb))
	t.Logf("freed, %v later: %s", rec.at.Sub(freed).Round(time.Second), rec.Info)
	c.end(t)
}

var videoRate = regexp.MustCompile(`video (\d+) kbps`)

// videoKbps reads the video rate of a publish_quality record.
func videoKbps(r record) (int, bool) {
	if r.Kind != "publish_quality" {
		return 0, false
	}
	m := videoRate.FindStringSubmatch(r.Info)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

func videoOver(kbps int) func(record) bool {
	return func(r record) bool { n, ok := videoKbps(r); return ok && n > kbps }
}
