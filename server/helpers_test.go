package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A second app, to check apps never see each other.
const (
	app2     uint32 = 2
	app2Sign        = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f"
)

// limit fails the whole run if a test hangs: every wait in the helpers is
// bounded too, so this only fires on a real deadlock.
func limit(t *testing.T, d time.Duration) {
	timer := time.AfterFunc(d, func() { panic(fmt.Sprintf("%s did not finish within %v", t.Name(), d)) })
	t.Cleanup(func() { timer.Stop() })
}

func testLogger() *slog.Logger {
	if os.Getenv("PARLEY_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startServer runs a server with the dev app and app 2 on a free port.
func startServer(t *testing.T) *Server { t.Helper(); return startServerWith(t, nil) }

// startServerWith is startServer with the config changed by edit first.
func startServerWith(t *testing.T, edit func(*config.Config)) *Server {
	t.Helper()
	return startServerTuned(t, edit, nil)
}

// startServerTuned is startServerWith that also lets tune change the
// server's timeouts before it starts.
func startServerTuned(t *testing.T, edit func(*config.Config), tune func(*Server)) *Server {
	t.Helper()
	limit(t, 30*time.Second)
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	cfg.Apps = append(cfg.Apps, config.App{AppID: app2, AppSign: app2Sign, ServerSecret: config.DevServerSecret})
	if edit != nil {
		edit(&cfg)
	}
	s, err := New(cfg, WithLogger(testLogger()))
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

func dial(t *testing.T, s *Server) *testkit.Client {
	t.Helper()
	c, err := testkit.Dial(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// authed dials and completes the handshake for the dev app (or app 2).
func authed(t *testing.T, s *Server, app uint32) *testkit.Client {
	t.Helper()
	c := dial(t, s)
	sign := config.DevAppSign
	if app == app2 {
		sign = app2Sign
	}
	if _, err := c.Handshake(app, sign); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	return c
}

func login(t *testing.T, c *testkit.Client, roomID, userID string, notify bool) protocol.LoginOK {
	t.Helper()
	ok, err := c.Login(roomID, userID, notify)
	if err != nil {
		t.Fatalf("login %s/%s: %v", roomID, userID, err)
	}
	return ok
}

func wantCode(t *testing.T, err error, code protocol.Code) {
	t.Helper()
	if protocol.CodeOf(err) != code {
		t.Fatalf("got %v, want %s (%d)", err, code.Name(), code)
	}
}

// event waits for the next event, checks its type and decodes it.
func event[T any](t *testing.T, c *testkit.Client, typ string) T {
	t.Helper()
	env, err := c.Event()
	if err != nil {
		t.Fatalf("waiting for %s: %v", typ, err)
	}
	if env.Type != typ {
		t.Fatalf("got event %s %s, want %s", env.Type, env.Data, typ)
	}
	var v T
	if err := json.Unmarshal(env.Data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func noEvent(t *testing.T, c *testkit.Client) {
	t.Helper()
	if err := c.NoEvent(150 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
}

func waitClosed(t *testing.T, c *testkit.Client) {
	t.Helper()
	select {
	case <-c.Closed():
	case <-time.After(testkit.Timeout):
		t.Fatal("server did not close the connection")
	}
}

func userIDs(us []protocol.User) []string {
	out := []string{}
	for _, u := range us {
		out = append(out, u.UserID)
	}
	return out
}

func streamIDs(ss []protocol.Stream) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.StreamID)
	}
	return out
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testkit.Timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
