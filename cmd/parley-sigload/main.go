// Command parley-sigload loads a Parley server's signaling: many concurrent
// clients, each authenticated with the development app's sign, log in to
// random rooms and out again, then all leave; the server must have answered
// every request and hold no room or session afterwards. See
// docs/benchmarks.md.
//
//	parley-sigload                               build parleyd, start it, 200 clients, 50 rooms, 60 s
//	parley-sigload --clients 200 --duration 15s  the CI-sized run (make test)
//	parley-sigload --server ws://127.0.0.1:7880  against a running `parleyd --dev`
//
// It prints logins/s, the login round trip's p50/p95/p99, errors, the
// server's RSS before, during and after, and its gauges once everyone has
// left; it exits 1 on any error or anything left behind.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/parley-rtc/parley/cmd/internal/loadkit"
	"github.com/parley-rtc/parley/server/metrics"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // errors, leaks, or the server could not be started
	exitUsage  = 2
)

// Figures of the server's /metrics besides Parley's gauges.
const (
	cpuSeconds = "process_cpu_seconds_total"
	goroutines = "go_goroutines"
)

// drainTimeout bounds the wait for the server to drop what clients left.
const drainTimeout = 10 * time.Second

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parley-sigload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadConfig
	fs.IntVar(&cfg.Clients, "clients", 200, "concurrent signaling clients")
	fs.IntVar(&cfg.Rooms, "rooms", 50, "rooms the clients pick from")
	fs.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long the clients log in and out")
	fs.Float64Var(&cfg.Rate, "rate", 10, "login/logout cycles per second per client (0: as fast as answered)")
	server := fs.String("server", "", "URL of a running `parleyd --dev` (default: build and start one)")
	bin := fs.String("parleyd", "", "parleyd binary to start (default: go build ./cmd/parleyd)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "parley-sigload: "+format+"\n", a...)
		return exitFailed
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parley-sigload: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}

	cfg.URL = *server
	rss := func() (int64, error) { return scrapedRSS(ctx, cfg.URL) }
	var pid int
	if cfg.URL == "" {
		if *bin == "" {
			dir, err := os.MkdirTemp("", "parley-sigload-")
			if err != nil {
				return fail("%v", err)
			}
			defer os.RemoveAll(dir)
			if *bin, err = loadkit.BuildParleyd(ctx, dir, stderr); err != nil {
				return fail("%v", err)
			}
		}
		p, err := loadkit.StartParleyd(ctx, *bin, stderr)
		if err != nil {
			return fail("%v", err)
		}
		defer func() {
			if err := p.Stop(); err != nil {
				fmt.Fprintf(stderr, "parley-sigload: parleyd: %v\n", err)
			}
		}()
		cfg.URL, pid = p.URL, p.Pid()
		rss = func() (int64, error) { return loadkit.RSS(pid) }
	}

	before, err := metrics.Scrape(ctx, cfg.URL)
	t0 := time.Now()
	if err != nil {
		return fail("server metrics: %v", err)
	}
	rssBefore, _ := rss()
	fmt.Fprintf(stdout, "parley-sigload: %d clients, %d rooms, %v, %g cycles/s per client, server %s",
		cfg.Clients, cfg.Rooms, cfg.Duration, cfg.Rate, cfg.URL)
	if pid != 0 {
		fmt.Fprintf(stdout, " (parleyd pid %d)", pid)
	}
	fmt.Fprintln(stdout)

	sampler := loadkit.SampleRSS(rss, 500*time.Millisecond)
	res, err := runLoad(ctx, cfg)
	peak, mean := sampler.Stop()
	if err != nil {
		return fail("%v", err)
	}
	after, drained := waitDrained(ctx, cfg.URL, before[goroutines])
	rssAfter, _ := rss()
	// Over connecting, the load and leaving: what the clients cost it.
	cpu := (after[cpuSeconds] - before[cpuSeconds]) / time.Since(t0).Seconds()

	report(stdout, res)
	fmt.Fprintf(stdout, "server RSS      before %.1f MiB, during mean %.1f MiB peak %.1f MiB, after %.1f MiB\n",
		mib(rssBefore), mib(mean), mib(peak), mib(rssAfter))
	fmt.Fprintf(stdout, "server CPU      %.2f cores over the run\n", cpu)
	fmt.Fprintf(stdout, "server after    sessions %v, rooms %v, publications %v; goroutines %v (before %v)\n",
		after[metrics.Sessions], after[metrics.Rooms], after[metrics.Publications],
		after[goroutines], before[goroutines])

	code := exitOK
	if res.Errors > 0 || res.Connected < cfg.Clients {
		fmt.Fprintf(stderr, "parley-sigload: FAIL: %d errors, %d of %d clients connected\n", res.Errors, res.Connected, cfg.Clients)
		code = exitFailed
	}
	if res.Logins == 0 {
		fmt.Fprintln(stderr, "parley-sigload: FAIL: no login succeeded")
		code = exitFailed
	}
	if !drained {
		fmt.Fprintf(stderr, "parley-sigload: FAIL: the server still holds sessions, rooms, publications or goroutines %v after all clients left\n", drainTimeout)
		code = exitFailed
	}
	return code
}

// report prints what the clients saw.
func report(w io.Writer, r *result) {
	fmt.Fprintf(w, "logins          %d in %.1f s: %.1f/s (%d logouts, %d user updates received)\n",
		r.Logins, r.Elapsed.Seconds(), r.LoginsPerSecond(), r.Logouts, r.Events)
	fmt.Fprintf(w, "login latency   p50 %s, p95 %s, p99 %s, max %s\n",
		ms(r.Percentile(50)), ms(r.Percentile(95)), ms(r.Percentile(99)), ms(r.Percentile(100)))
	fmt.Fprintf(w, "errors          %d\n", r.Errors)
	for _, e := range r.ErrorTexts {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// scrapedRSS reads a server's RSS from its /metrics, for a server this tool
// did not start.
func scrapedRSS(ctx context.Context, url string) (int64, error) {
	g, err := metrics.Scrape(ctx, url)
	if err != nil {
		return 0, err
	}
	return int64(g["process_resident_memory_bytes"]), nil
}

// waitDrained waits until the server holds no session, room or
// publication and runs no more goroutines than before the load (give or
// take a scrape's HTTP connection), and returns its last figures. The
// directory forgets a session before its connection's goroutines have
// ended, so the gauges alone would pass a moment early.
func waitDrained(ctx context.Context, url string, goroutinesBefore float64) (map[string]float64, bool) {
	deadline := time.Now().Add(drainTimeout)
	for {
		g, err := metrics.Scrape(ctx, url)
		if err == nil && g[metrics.Sessions] == 0 && g[metrics.Rooms] == 0 && g[metrics.Publications] == 0 &&
			g[goroutines] <= goroutinesBefore+goroutineSlack {
			return g, true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return g, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// goroutineSlack is how many more goroutines than before a drained server
// may run: an idle keep-alive connection of the scrapes has one.
const goroutineSlack = 2
