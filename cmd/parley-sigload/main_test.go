package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/metrics"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer runs an in-process server (default limits) on a free port.
func startServer(t *testing.T, edit func(*config.Config)) string {
	t.Helper()
	timer := time.AfterFunc(60*time.Second, func() { panic(t.Name() + " did not finish within 60 s") })
	t.Cleanup(func() { timer.Stop() })
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	if edit != nil {
		edit(&cfg)
	}
	s, err := server.New(cfg, server.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.URL()
}

// TestLoadCore: clients log in and out for a few seconds without an error,
// at about the rate asked, and the server holds nothing afterwards. The
// server runs with its default per-address limits, which the clients meet
// only because each dials from its own loopback address.
func TestLoadCore(t *testing.T) {
	url := startServer(t, nil)
	cfg := loadConfig{URL: url, Clients: 80, Rooms: 8, Duration: 3 * time.Second, Rate: 10}
	before, err := metrics.Scrape(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	res, err := runLoad(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(&out, res)
	t.Log("\n" + out.String())
	if res.Errors != 0 || res.Connected != cfg.Clients {
		t.Fatalf("%d errors, %d of %d connected: %v", res.Errors, res.Connected, cfg.Clients, res.ErrorTexts)
	}
	offered := float64(cfg.Clients) * cfg.Rate * cfg.Duration.Seconds()
	if got := float64(res.Logins); got < offered/2 || got > offered*1.1 {
		t.Errorf("%d logins, want about %.0f", res.Logins, offered)
	}
	if res.Logouts != res.Logins || len(res.LoginLatencies) != res.Logins {
		t.Errorf("%d logins, %d logouts, %d latencies", res.Logins, res.Logouts, len(res.LoginLatencies))
	}
	if res.Events == 0 {
		t.Error("no user_update reached anyone: the rooms were never shared")
	}
	if p50, p99 := res.Percentile(50), res.Percentile(99); p50 <= 0 || p99 < p50 {
		t.Errorf("latency p50 %v p99 %v", p50, p99)
	}
	if g, ok := waitDrained(context.Background(), url, before[goroutines]); !ok {
		t.Fatalf("server still holds %v", g)
	}
}

// TestRunAgainstServer: the command against a running server prints its
// figures and exits 0.
func TestRunAgainstServer(t *testing.T) {
	url := startServer(t, nil)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--server", url, "--clients", "20", "--rooms", "4",
		"--duration", "1s"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"login latency   p50 ", "errors          0\n", "server RSS      before ",
		"server after    sessions 0, rooms 0, publications 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunFailsOnRefusals: refused logins make the command fail and show
// why. Rooms of one seat and several clients per room guarantee refusals.
func TestRunFailsOnRefusals(t *testing.T) {
	url := startServer(t, func(c *config.Config) { c.Limits.MaxRoomMembers = 1 })
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"--server", url, "--clients", "10", "--rooms", "1",
		"--duration", "1s"}, &out, &errOut)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s", code, exitFailed, out.String())
	}
	if !strings.Contains(out.String(), "PARLEY_ERR_ROOM_USER_LIMIT") || !strings.Contains(errOut.String(), "FAIL") {
		t.Errorf("output does not say why:\n%s%s", out.String(), errOut.String())
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--clients", "x"}, {"extra"}} {
		if code := run(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	var errOut bytes.Buffer
	if code := run(context.Background(), []string{"--server", "ws://127.0.0.1:1", "--duration", "1s"},
		&bytes.Buffer{}, &errOut); code != exitFailed {
		t.Errorf("unreachable server: exit %d, want %d (%s)", code, exitFailed, errOut.String())
	}
}
