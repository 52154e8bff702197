package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is a bytes.Buffer safe for the server's log writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBadUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"apps":[{"app_id":1,"app_sign":"xx","server_secret":"s"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		args []string
		want string
	}{
		"no mode":       {nil, "exactly one of"},
		"both modes":    {[]string{"--dev", "--config", bad}, "exactly one of"},
		"bad config":    {[]string{"--config", bad}, "app_sign must be 64 hex digits"},
		"missing file":  {[]string{"--config", filepath.Join(dir, "none.json")}, "none.json"},
		"bad listen":    {[]string{"--dev", "--listen", "nowhere"}, "listen"},
		"bad log level": {[]string{"--dev", "--log-level", "loud"}, "log-level"},
		"unknown flag":  {[]string{"--fast"}, "not defined"},
	}
	for name, tc := range cases {
		var out syncBuffer
		if code := run(context.Background(), tc.args, &out); code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
		if !strings.Contains(out.String(), tc.want) {
			t.Errorf("%s: output %q does not mention %q", name, out.String(), tc.want)
		}
	}
}

func TestDevServesUntilSignal(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() { done <- run(ctx, []string{"--dev", "--listen", "127.0.0.1:0"}, &out) }()
	started := regexp.MustCompile(`url=ws://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(10 * time.Second)
	for !started.MatchString(out.String()) {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatalf("no start line in %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "development app") {
		t.Errorf("no development warning in %q", out.String())
	}
	cancel() // what SIGINT does
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, out.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("parleyd did not stop")
	}
}

func TestDevTLSWritesItsCertificate(t *testing.T) {
	certFile := filepath.Join(t.TempDir(), "dev.pem")
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"--dev", "--dev-tls", "--dev-tls-cert", certFile, "--listen", "127.0.0.1:0"}, &out)
	}()
	started := regexp.MustCompile(`url=wss://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(10 * time.Second)
	for !started.MatchString(out.String()) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != exitOK || !started.MatchString(out.String()) {
		t.Fatalf("exit %d, output %q", code, out.String())
	}
	pemBytes, err := os.ReadFile(certFile)
	if err != nil || !strings.Contains(string(pemBytes), "BEGIN CERTIFICATE") {
		t.Fatalf("certificate file: %v %q", err, pemBytes)
	}
}

// Only --dev hands out development tokens: a config serving the same
// development app has no /dev/token.
func TestDevTokensOnlyWithDev(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "dev.json")
	if err := os.WriteFile(cfgFile, []byte(`{"listen":"127.0.0.1:0","apps":[{"app_id":1,`+
		`"app_sign":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",`+
		`"server_secret":"parley-dev-server-secret-do-not-use-in-production"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"--dev", "--listen", "127.0.0.1:0"}, http.StatusOK},
		{[]string{"--config", cfgFile}, http.StatusNotFound},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var out syncBuffer
		done := make(chan int)
		go func() { done <- run(ctx, c.args, &out) }()
		started := regexp.MustCompile(`url=ws://(127\.0\.0\.1:\d+)`)
		deadline := time.Now().Add(10 * time.Second)
		for !started.MatchString(out.String()) && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		status := 0
		if m := started.FindStringSubmatch(out.String()); m != nil {
			resp, err := http.Get("http://" + m[1] + "/dev/token?app_id=1&user_id=web")
			if err != nil {
				t.Error(err)
			} else {
				status = resp.StatusCode
				resp.Body.Close()
			}
		}
		cancel()
		if code := <-done; code != exitOK || status != c.want {
			t.Errorf("%v: /dev/token %d, want %d (exit %d): %s", c.args, status, c.want, code, out.String())
		}
	}
}
