package network

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
)

// benchScenario is one impaired link of the benchmark.
type benchScenario struct {
	key, name string
	run       func(*testing.T, callOpts) figures
	limit     time.Duration // the recovery figures' limit
}

var benchScenarios = []benchScenario{
	{"loss", "5 % loss, 50 ± 10 ms", benchLoss, 0},
	{"heavyloss", "20 % loss for 8 s", benchHeavyLoss, recoveryLimit},
	{"cap", "300 kbit/s for 20 s", benchCap, fullRateLimit},
	{"downcap", "player's link 300 kbit/s for 20 s", benchDownCap, fullRateLimit},
	{"outage", "5 s outage", benchOutage, 10 * time.Second},
}

// benchVariant is Parley with one mechanism turned off, or none: the
// publisher's (without) or the server's.
type benchVariant struct {
	key, name  string
	without    engine.Mechanisms
	noDownlink bool
}

var benchVariants = []benchVariant{
	{key: "parley", name: "Parley (all on)", without: engine.Mechanisms{}},
	{key: "noNACK", name: "without NACK", without: engine.Mechanisms{NACK: true}},
	{key: "noCC", name: "without congestion control", without: engine.Mechanisms{CongestionControl: true}},
	{key: "noPacing", name: "without pacing", without: engine.Mechanisms{Pacing: true}},
	{key: "noAdaptation", name: "without adaptation", without: engine.Mechanisms{Adaptation: true}},
	{key: "noCwnd", name: "without the congestion window", without: engine.Mechanisms{CongestionWindow: true}},
	{key: "noLayers", name: "without temporal layers", without: engine.Mechanisms{TemporalLayers: true}},
	{key: "noDownlink", name: "without the server's downlink estimate", noDownlink: true},
	{key: "noRED", name: "without audio redundancy", without: engine.Mechanisms{AudioRedundancy: true}},
}

// The view B renders into for the benchmark: large enough for the test
// pattern's code to read after scaling (64x36, the tests' view, is not).
const benchViewW, benchViewH = 320, 180

// TestNetbench runs every scenario with every variant, PARLEY_NETBENCH_RUNS
// times (3 by default; the variants of a run one after another, so the
// machine's noise falls on all of them alike), and prints a markdown table
// of the medians (make netbench, docs/benchmarks.md). It measures; it
// fails only when a call does not start.
func TestNetbench(t *testing.T) {
	if os.Getenv("PARLEY_NETBENCH") != "1" {
		t.Skip("make netbench runs it (PARLEY_NETBENCH=1)")
	}
	runs := 3
	if s := os.Getenv("PARLEY_NETBENCH_RUNS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("PARLEY_NETBENCH_RUNS=%q: want a positive number", s)
		}
		runs = n
	}
	scenarios := benchScenarios
	if keys := os.Getenv("PARLEY_NETBENCH_SCENARIOS"); keys != "" {
		scenarios = nil
		for _, sc := range benchScenarios {
			if slices.Contains(strings.Split(keys, ","), sc.key) {
				scenarios = append(scenarios, sc)
			}
		}
		if len(scenarios) == 0 {
			t.Fatalf("PARLEY_NETBENCH_SCENARIOS=%q names no scenario", keys)
		}
	}
	got := map[string][]figures{} // by scenario/variant key
	for run := 1; run <= runs; run++ {
		t.Run(fmt.Sprintf("run%d", run), func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(sc.key, func(t *testing.T) {
					for _, v := range benchVariants {
						t.Run(v.key, func(t *testing.T) {
							o := callOpts{without: v.without, noDownlink: v.noDownlink, seed: uint64(41 + run),
								viewW: benchViewW, viewH: benchViewH, melody: true}
							f := sc.run(t, o)
							t.Logf("%s, %s: %s", sc.name, v.name, f)
							got[sc.key+"/"+v.key] = append(got[sc.key+"/"+v.key], f)
						})
					}
				})
			}
		})
	}
	table := benchTable(got, runs)
	fmt.Print(table)
	t.Log("\n" + table)
}

// String is one run's figures, for the log.
func (f figures) String() string {
	return fmt.Sprintf("%.1f fps, %.1f freezes/min, g2g %.0f/%.0f ms (code read in %.0f%% of frames), longest wait %.2f s, %.0f kbit/s, notes right %.0f%%, recovery %.2f s, to 90%% of the free rate %.2f s (free %.0f kbit/s)",
		f.fps, f.freezes, f.g2g50, f.g2g95, f.decodedCode*100, f.wait, f.kbps, f.audio*100, f.recovery, f.fullRate, f.freeKbps)
}

// benchTable formats the medians as a markdown table, a row per scenario
// and variant.
func benchTable(got map[string][]figures, runs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nmedians of %d runs\n\n", runs)
	b.WriteString("| link | mechanisms | fps | freezes /min | g2g p50 / p95 ms | longest wait s | kbit/s sent | notes right | recovery s | to 90 % of free rate s | runs |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, sc := range benchScenarios {
		for _, v := range benchVariants {
			fs := got[sc.key+"/"+v.key]
			if len(fs) == 0 {
				continue // a scenario left out (PARLEY_NETBENCH_SCENARIOS)
			}
			med := func(field func(figures) float64) float64 {
				var vals []float64
				for _, f := range fs {
					vals = append(vals, field(f))
				}
				return median(vals)
			}
			p50, p95 := med(func(f figures) float64 { return f.g2g50 }), med(func(f figures) float64 { return f.g2g95 })
			g := "—"
			if !math.IsNaN(p50) {
				g = fmt.Sprintf("%.0f / %.0f", p50, p95)
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", sc.name, v.name,
				cell(med(func(f figures) float64 { return f.fps }), "%.1f", 0),
				cell(med(func(f figures) float64 { return f.freezes }), "%.1f", 0),
				g,
				cell(med(func(f figures) float64 { return f.wait }), "%.2f", 0),
				cell(med(func(f figures) float64 { return f.kbps }), "%.0f", 0),
				cell(med(func(f figures) float64 { return f.audio * 100 }), "%.0f %%", 0),
				cell(med(func(f figures) float64 { return f.recovery }), "%.2f", sc.limit),
				cell(med(func(f figures) float64 { return f.fullRate }), "%.1f", sc.limit),
				len(fs))
		}
	}
	return b.String()
}

// cell formats v: "—" for NaN (does not apply), "> limit" for +Inf (not
// reached within it).
func cell(v float64, format string, limit time.Duration) string {
	switch {
	case math.IsNaN(v):
		return "—"
	case math.IsInf(v, 1):
		return fmt.Sprintf("> %.0f", limit.Seconds())
	}
	return fmt.Sprintf(format, v)
}

// median of the values that are not NaN; NaN if there are none. +Inf
// sorts last, so "not reached" wins only when most runs did not reach.
func median(vals []float64) float64 {
	var v []float64
	for _, x := range vals {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return math.NaN()
	}
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
