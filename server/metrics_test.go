package server

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/metrics"
	"github.com/parley-rtc/parley/server/protocol"
)

// gauges reads sessions, rooms and publications from the server's /metrics.
func gauges(t *testing.T, s *Server) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	g, err := metrics.Scrape(ctx, s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("sessions %v rooms %v publications %v",
		g[metrics.Sessions], g[metrics.Rooms], g[metrics.Publications])
}

func wantGauges(t *testing.T, s *Server, sessions, rooms, pubs int) {
	t.Helper()
	want := fmt.Sprintf("sessions %d rooms %d publications %d", sessions, rooms, pubs)
	var got string
	waitUntil(t, want, func() bool { got = gauges(t, s); return got == want })
}

// TestMetricsFollowSessions: the /metrics gauges count what clients hold and
// come back to 0 when they have left, by logout, unpublish or disconnect.
func TestMetricsFollowSessions(t *testing.T) {
	s := startServer(t)
	wantGauges(t, s, 0, 0, 0)

	a, b := authed(t, s, 1), authed(t, s, 1)
	dial(t, s) // not authenticated: no session yet
	wantGauges(t, s, 2, 0, 0)
	login(t, a, "lobby", "alice", false)
	login(t, b, "lobby", "bob", false)
	login(t, b, "side", "bob", false)
	wantGauges(t, s, 2, 2, 0)

	pubOffer, _ := offers(t)
	if err := publish(a, "lobby", "alice-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	wantGauges(t, s, 2, 2, 1)

	if err := b.Call(protocol.TypeLogout, protocol.Logout{RoomID: "side"}, nil); err != nil {
		t.Fatal(err)
	}
	wantGauges(t, s, 2, 1, 1)
	if err := a.Call(protocol.TypeUnpublish, protocol.Unpublish{StreamID: "alice-main"}, nil); err != nil {
		t.Fatal(err)
	}
	wantGauges(t, s, 2, 1, 0)
	a.Close()
	wantGauges(t, s, 1, 1, 0)
	b.Close()
	wantGauges(t, s, 0, 0, 0)
}

// TestMetricsServesRuntimeFigures: the standard Go and process gauges a
// Prometheus target has are there too.
func TestMetricsServesRuntimeFigures(t *testing.T) {
	s := startServer(t)
	g, err := metrics.Scrape(context.Background(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "process_open_fds"} {
		if g[name] <= 0 {
			t.Errorf("%s = %v, want > 0", name, g[name])
		}
	}
}
