package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// scenario is one row of make bench-sfu.
type scenario struct {
	name        string
	profile     string
	publishers  int
	subscribers int
	allToAll    bool
}

// scenarios are the issue's: one 720p stream to 10–300 viewers, ten audio
// streams to 10–100 viewers each, and a room of 20 where everyone plays
// everyone.
var scenarios = []scenario{
	{"video-10", "720p", 1, 10, false},
	{"video-50", "720p", 1, 50, false},
	{"video-100", "720p", 1, 100, false},
	{"video-200", "720p", 1, 200, false},
	{"video-300", "720p", 1, 300, false},
	{"audio-10", "audio", 10, 10, false},
	{"audio-50", "audio", 10, 50, false},
	{"audio-100", "audio", 10, 100, false},
	{"all-to-all-20", "360p+audio", 20, 0, true},
}

// maxRetries is how many starved runs a scenario may replace.
const maxRetries = 3

// loadAverage is /proc/loadavg's 1, 5 and 15 minute figures.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "?"
}

type benchConfig struct {
	runs             int
	only             string
	warmup, duration time.Duration
}

// runBench runs each scenario cfg.runs times, each against a fresh server,
// and prints a markdown table of medians with every run's CPU per packet.
func runBench(ctx context.Context, cfg benchConfig, start func() (string, int, func(), error), stdout, stderr io.Writer) int {
	var rows, notes []string
	code := exitOK
	for _, sc := range scenarios {
		if cfg.only != "" && !slices.Contains(strings.Split(cfg.only, ","), sc.name) {
			continue
		}
		var results []*result
		starved := 0
		// A run whose publishers fell behind measured the machine's other
		// load, not the server: it is reported, then run again (at most
		// maxRetries times per scenario).
		for try := 0; len(results) < cfg.runs && try < cfg.runs+maxRetries; try++ {
			url, pid, stop, err := start()
			if err != nil {
				fmt.Fprintf(stderr, "parley-load: %v\n", err)
				return exitFailed
			}
			lc := loadConfig{URL: url, ServerPid: pid, Profile: profiles[sc.profile], Publishers: sc.publishers,
				Subscribers: sc.subscribers, AllToAll: sc.allToAll, Warmup: cfg.warmup, Duration: cfg.duration}
			fmt.Fprintf(stdout, "== %s, run %d of %d (load average %s)\n", sc.name, len(results)+1, cfg.runs, loadAverage())
			describe(stdout, lc)
			res, err := runLoad(ctx, lc)
			stop()
			if err != nil {
				fmt.Fprintf(stderr, "parley-load: %s: %v\n", sc.name, err)
				code = exitFailed
				continue
			}
			report(stdout, res)
			if ctx.Err() != nil {
				return exitFailed
			}
			if res.Starved() {
				starved++
				continue
			}
			results = append(results, res)
		}
		if starved > 0 {
			notes = append(notes, fmt.Sprintf("%s: %d starved run(s) discarded and run again", sc.name, starved))
		}
		if len(results) > 0 {
			rows = append(rows, benchRow(sc, results))
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprintln(stdout, "| scenario | tracks | server CPU (% of a core) | µs per packet sent (runs) | loss | forward latency p50 / p99 | server fan-out p50 / p99 | server RSS | tool CPU |")
	fmt.Fprintln(stdout, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintln(stdout, r)
	}
	for _, n := range notes {
		fmt.Fprintln(stdout, "\n"+n)
	}
	return code
}

// benchRow is a scenario's medians.
func benchRow(sc scenario, rs []*result) string {
	med := func(f func(*result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	var per []string
	for _, r := range rs {
		per = append(per, fmt.Sprintf("%.1f", r.MicrosPerPacket()))
	}
	core := func(d time.Duration, r *result) float64 { return 100 * d.Seconds() / r.Window.Seconds() }
	msOf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return fmt.Sprintf("| %s | %d | %.1f | %.1f (%s) | %.3f %% | %.2f / %.2f ms | %.2f / %.2f ms | %.0f MiB | %.1f |",
		sc.name, rs[0].Tracks,
		med(func(r *result) float64 { return core(r.ServerCPU, r) }),
		med(func(r *result) float64 { return r.MicrosPerPacket() }), strings.Join(per, ", "),
		med(func(r *result) float64 { return 100 * r.LossRatio() }),
		med(func(r *result) float64 { return msOf(r.Latency.quantile(0.5)) }),
		med(func(r *result) float64 { return msOf(r.Latency.quantile(0.99)) }),
		med(func(r *result) float64 { return msOf(r.ServerFwdP50) }),
		med(func(r *result) float64 { return msOf(r.ServerFwdP99) }),
		med(func(r *result) float64 { return float64(r.ServerRSSPeak) / (1 << 20) }),
		med(func(r *result) float64 { return core(r.ToolCPU, r) }))
}
