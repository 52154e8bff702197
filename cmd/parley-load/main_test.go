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
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startServer runs an in-process server (default limits) on a free port.
func startServer(t *testing.T) string {
	t.Helper()
	timer := time.AfterFunc(90*time.Second, func() { panic(t.Name() + " did not finish within 90 s") })
	t.Cleanup(func() { timer.Stop() })
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
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

// TestLossOfDroppedPackets: publishers that skip every 20th sequence number
// (5 %) make every subscriber report that loss, no more and no less:
// nothing was sent, so no NACK can recover it.
func TestLossOfDroppedPackets(t *testing.T) {
	url := startServer(t)
	cfg := loadConfig{URL: url, Profile: profiles["360p+audio"], Publishers: 2, Subscribers: 3,
		Warmup: 500 * time.Millisecond, Duration: 3 * time.Second, DropEvery: 20}
	res, err := runLoad(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	report(&out, res)
	t.Log("\n" + out.String())
	if res.Errors != 0 || res.Silent != 0 || res.Tracks != 2*3*2 {
		t.Fatalf("%d errors, %d of %d tracks silent: %v", res.Errors, res.Silent, res.Tracks, res.ErrorTexts)
	}
	// Each track's window starts and ends at arbitrary packets, so its
	// count may be off by one drop at either end.
	if got, want := res.LossRatio(), 1.0/20; got < want*0.9 || got > want*1.1 {
		t.Errorf("loss %.4f, want %.4f (%d of %d)", got, want, res.Lost, res.Expected)
	}
	if res.Dropped == 0 || res.SentPackets == 0 {
		t.Errorf("publishers sent %d and skipped %d", res.SentPackets, res.Dropped)
	}
}

// TestSubscribersReceive: the command against a running server, one 720p
// publisher to 5 viewers for 2 s: every track receives media, no error,
// exit 0. Loss and latency are printed, not checked: the machine is shared.
// (make load-media-ci runs the same with 20 viewers for 10 s against a
// parleyd, without the race detector.)
func TestSubscribersReceive(t *testing.T) {
	url := startServer(t)
	var out, errOut bytes.Buffer
	code := runMain(context.Background(), []string{"--server", url, "--subscribers", "5", "--warmup", "500ms",
		"--duration", "2s"}, &out, &errOut)
	t.Log("\n" + out.String() + errOut.String())
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"5 subscriptions, 5 tracks", "; 0 tracks silent", "errors          0\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--subscribers", "x"}, {"extra"}, {"--profile", "8k"}} {
		if code := runMain(context.Background(), args, &bytes.Buffer{}, &bytes.Buffer{}); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
