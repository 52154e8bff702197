// Command parley-load loads a Parley server's media path: N publishers send
// synthetic RTP at a profile (720p video ≈ 1.5 Mbit/s in ≈ 175 packets/s,
// 20 ms Opus-sized audio, or both), M viewers play every stream on
// receive-only PeerConnections with full signaling, ICE, DTLS-SRTP and RTCP
// (receiver reports, NACKs) but no decoding. See docs/benchmarks.md.
//
//	parley-load                                  build parleyd, start it, 1 × 720p to 10 viewers, 20 s
//	parley-load --subscribers 200                one stream to 200 viewers
//	parley-load --publishers 10 --profile audio --subscribers 100
//	parley-load --publishers 20 --all-to-all --profile 360p+audio --subscribers 0
//	parley-load --bench --runs 3                 the scenarios of make bench-sfu, a markdown table of medians
//	parley-load --server ws://127.0.0.1:7880 --server-pid 1234   against a running `parleyd --dev`
//	parley-load --subscribers 200 --server-profile cpu.pprof     the server's CPU profile of the window
//
// Per run it prints packets and bytes sent and received, loss by sequence
// numbers, forward latency (send time in the payload to arrival) and the
// server's own fan-out latency (its /metrics), the server's CPU
// (/proc/<pid>/stat) per packet sent, its RSS and heap allocations, and the
// tool's own CPU; it exits 1 on an error or a track that received nothing.
// A run whose publishers fell behind their rate is marked STARVED.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/parley-rtc/parley/cmd/internal/loadkit"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// Figures of the server's /metrics the tool reads.
const (
	cpuSeconds = "process_cpu_seconds_total"
	rssBytes   = "process_resident_memory_bytes"
	mallocs    = "go_memstats_mallocs_total"
)

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parley-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg loadConfig
	prof := fs.String("profile", "720p", "what each publisher sends: "+strings.Join(profileNames(), ", "))
	fs.IntVar(&cfg.Publishers, "publishers", 1, "publishers, one stream each")
	fs.IntVar(&cfg.Subscribers, "subscribers", 10, "viewers, each playing every publisher's stream")
	fs.BoolVar(&cfg.AllToAll, "all-to-all", false, "every publisher also plays every other publisher's stream")
	fs.DurationVar(&cfg.Warmup, "warmup", 3*time.Second, "media time before the measured window")
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "the measured window")
	fs.IntVar(&cfg.DropEvery, "drop-every", 0, "publishers skip every n-th sequence number (to check the loss figure)")
	fs.IntVar(&cfg.ServerPid, "server-pid", 0, "with --server: its process ID, for CPU and RSS from /proc (default: its /metrics)")
	server := fs.String("server", "", "URL of a running `parleyd --dev` (default: build and start one)")
	bin := fs.String("parleyd", "", "parleyd binary to start (default: go build ./cmd/parleyd)")
	bench := fs.Bool("bench", false, "run the scenarios of make bench-sfu and print a table of medians")
	runs := fs.Int("runs", 3, "with --bench: runs per scenario")
	only := fs.String("scenarios", "", "with --bench: comma-separated scenario names (default: all)")
	fs.StringVar(&cfg.ProfileFile, "server-profile", "", "write the started parleyd's CPU profile over the measured window to this file")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "parley-load: "+format+"\n", a...)
		return exitFailed
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "parley-load: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	p, ok := profiles[*prof]
	if !ok {
		fmt.Fprintf(stderr, "parley-load: unknown profile %q (%s)\n", *prof, strings.Join(profileNames(), ", "))
		return exitUsage
	}
	cfg.Profile = p

	if *server == "" && *bin == "" {
		dir, err := os.MkdirTemp("", "parley-load-")
		if err != nil {
			return fail("%v", err)
		}
		defer os.RemoveAll(dir)
		if *bin, err = loadkit.BuildParleyd(ctx, dir, stderr); err != nil {
			return fail("%v", err)
		}
	}
	// start gives a run its server: the running one, or a fresh parleyd.
	start := func() (url string, pid int, stop func(), err error) {
		if *server != "" {
			return *server, cfg.ServerPid, func() {}, nil
		}
		var extra []string
		if cfg.ProfileFile != "" {
			port, err := loadkit.FreePort()
			if err != nil {
				return "", 0, nil, err
			}
			cfg.ProfileURL = fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/profile", port)
			extra = []string{"--pprof", fmt.Sprintf("127.0.0.1:%d", port)}
		}
		d, err := loadkit.StartParleyd(ctx, *bin, stderr, extra...)
		if err != nil {
			return "", 0, nil, err
		}
		return d.URL, d.Pid(), func() {
			if err := d.Stop(); err != nil {
				fmt.Fprintf(stderr, "parley-load: parleyd: %v\n", err)
			}
		}, nil
	}
	if cfg.ProfileFile != "" && (*server != "" || *bench) {
		fmt.Fprintln(stderr, "parley-load: --server-profile needs a parleyd the tool starts, and no --bench")
		return exitUsage
	}
	if *bench {
		return runBench(ctx, benchConfig{runs: *runs, only: *only, warmup: cfg.Warmup, duration: cfg.Duration},
			start, stdout, stderr)
	}

	url, pid, stop, err := start()
	if err != nil {
		return fail("%v", err)
	}
	defer stop()
	cfg.URL, cfg.ServerPid = url, pid
	describe(stdout, cfg)
	res, err := runLoad(ctx, cfg)
	if err != nil {
		return fail("%v", err)
	}
	report(stdout, res)
	if res.Errors > 0 || res.Silent > 0 {
		fmt.Fprintf(stderr, "parley-load: FAIL: %d errors, %d of %d tracks silent\n", res.Errors, res.Silent, res.Tracks)
		return exitFailed
	}
	return exitOK
}

func profileNames() []string {
	var n []string
	for k := range profiles {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// describe prints what a run is about to do.
func describe(w io.Writer, cfg loadConfig) {
	fmt.Fprintf(w, "parley-load: %d publisher(s) of %s, %d viewer(s)", cfg.Publishers, cfg.Profile.Name, cfg.Subscribers)
	if cfg.AllToAll {
		fmt.Fprint(w, ", publishers play each other")
	}
	fmt.Fprintf(w, "; %v warm-up, %v measured; server %s", cfg.Warmup, cfg.Duration, cfg.URL)
	if cfg.ServerPid != 0 {
		fmt.Fprintf(w, " (pid %d)", cfg.ServerPid)
	}
	fmt.Fprintln(w)
}

// report prints one run's figures.
func report(w io.Writer, r *result) {
	s := r.Window.Seconds()
	fmt.Fprintf(w, "window          %.1f s; %d subscriptions, %d tracks\n", s, r.Subscriptions, r.Tracks)
	fmt.Fprintf(w, "sent            %d packets, %.1f MB of payload by the publishers (%d skipped on purpose), %.0f %% of their rate\n",
		r.SentPackets, float64(r.SentOctets)/1e6, r.Dropped, 100*float64(r.SentPackets+r.Dropped)/max(r.Nominal, 1))
	if r.Starved() {
		fmt.Fprintln(w, "STARVED         the publishers fell behind: the machine is busy, the figures describe that")
	}
	fmt.Fprintf(w, "received        %d packets, %.1f MB of payload: %.0f packets/s, %.1f Mbit/s; %d tracks silent\n",
		r.GotPackets, float64(r.GotOctets)/1e6, float64(r.GotPackets)/s, float64(r.GotOctets)*8/s/1e6, r.Silent)
	fmt.Fprintf(w, "loss            %d of %d (%.3f %%)\n", r.Lost, r.Expected, 100*r.LossRatio())
	fmt.Fprintf(w, "forward latency p50 %s, p99 %s, mean %s, max %s\n", ms(r.Latency.quantile(0.5)),
		ms(r.Latency.quantile(0.99)), ms(r.Latency.mean()), ms(r.Latency.quantile(1)))
	fmt.Fprintf(w, "server fan-out  p50 %s, p99 %s (its /metrics: reading a packet to writing it to the last viewer)\n",
		ms(r.ServerFwdP50), ms(r.ServerFwdP99))
	fmt.Fprintf(w, "server CPU      %.1f %% of a core, %.2f µs per packet sent (%.0f packets)\n",
		100*r.ServerCPU.Seconds()/s, r.MicrosPerPacket(), r.PacketsSent())
	fmt.Fprintf(w, "server RSS      peak %.1f MiB; %.3f heap allocations per packet sent\n",
		float64(r.ServerRSSPeak)/(1<<20), r.ServerMallocs/max(r.PacketsSent(), 1))
	fmt.Fprintf(w, "tool CPU        %.1f %% of a core\n", 100*r.ToolCPU.Seconds()/s)
	fmt.Fprintf(w, "keyframe reqs   %d reached the publishers\n", r.PLIs)
	fmt.Fprintf(w, "errors          %d\n", r.Errors)
	for _, e := range r.ErrorTexts {
		fmt.Fprintf(w, "  %s\n", e)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }
