package metrics

import (
	"context"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
)

type fakeDir struct{ room.Directory }

func (fakeDir) Counts() room.Counts {
	return room.Counts{Sessions: 3, Rooms: 2, Publications: 1, Participants: 4}
}

type fakeMedia struct{}

func (fakeMedia) Stats() sfu.Stats {
	return sfu.Stats{PacketsIn: 10, BytesIn: 1000, PacketsOut: 200, BytesOut: 20000, NACKedPackets: 3, PLIsIn: 5,
		PLIsOut: 1, DownlinkCaps: 6, PlayersDownlinkLimited: 2, Publications: 1, Subscribers: 20, TracksIn: 2, TracksOut: 40,
		LatencyBounds: []time.Duration{time.Millisecond, 10 * time.Millisecond}, LatencyCounts: []uint64{7, 2, 1},
		LatencySum: 50 * time.Millisecond}
}

// TestMediaMetrics: the SFU's figures come out under their names, the
// latency as a cumulative histogram in seconds.
func TestMediaMetrics(t *testing.T) {
	rec := httptest.NewRecorder()
	Handler(fakeDir{}, fakeMedia{}).ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	v, err := Values(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{Participants: 4, Subscriptions: 20, TracksIn: 2, TracksOut: 40,
		PacketsIn: 10, BytesIn: 1000, PacketsOut: 200, BytesOut: 20000, NACKedPackets: 3, PLIsIn: 5, PLIsOut: 1,
		DownlinkCaps: 6, DownlinkLimited: 2} {
		if v[name] != want {
			t.Errorf("%s = %v, want %v", name, v[name], want)
		}
	}
	for _, line := range []string{
		`parley_forward_latency_seconds_bucket{le="0.001"} 7`,
		`parley_forward_latency_seconds_bucket{le="0.01"} 9`,
		`parley_forward_latency_seconds_bucket{le="+Inf"} 10`,
		`parley_forward_latency_seconds_sum 0.05`,
	} {
		if !strings.Contains(body, line+"\n") {
			t.Errorf("no %q in\n%s", line, body)
		}
	}
}

// TestScrapeHistogram: a load tool reads the forward latency back as
// cumulative buckets.
func TestScrapeHistogram(t *testing.T) {
	srv := httptest.NewServer(Handler(fakeDir{}, fakeMedia{}))
	defer srv.Close()
	h, err := ScrapeHistogram(context.Background(), srv.URL, ForwardLatency)
	if err != nil {
		t.Fatal(err)
	}
	if h[0.001] != 7 || h[0.01] != 9 || h[math.Inf(1)] != 10 || len(h) != 3 {
		t.Errorf("scraped histogram %v", h)
	}
	if _, err := ScrapeHistogram(context.Background(), srv.URL, Sessions); err == nil {
		t.Error("a gauge scraped as a histogram")
	}
}
