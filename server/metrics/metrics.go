// Package metrics serves a server's Prometheus metrics: how many sessions,
// rooms and publications its room directory holds, next to the Go runtime
// and process figures every Prometheus target exposes. Load tests and
// operators read it to see that what clients leave is really gone.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/parley-rtc/parley/server/room"
)

// The gauges' names, as scraped.
const (
	Sessions     = "parley_sessions"
	Rooms        = "parley_rooms"
	Publications = "parley_publications"
)

// Handler serves the metrics in the Prometheus text format. Each scrape reads
// the directory once, so the three gauges describe the same moment. Every
// handler has its own registry: two servers in one process never share a
// gauge.
func Handler(dir room.Directory) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		directoryCollector{dir},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

var (
	sessionsDesc = prometheus.NewDesc(Sessions, "Signaling connections that completed the handshake.", nil, nil)
	roomsDesc    = prometheus.NewDesc(Rooms, "Rooms with at least one member, over every app.", nil, nil)
	pubsDesc     = prometheus.NewDesc(Publications, "Streams being published, over every app.", nil, nil)
)

// directoryCollector turns one room.Counts into the three gauges.
type directoryCollector struct{ dir room.Directory }

func (c directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sessionsDesc
	ch <- roomsDesc
	ch <- pubsDesc
}

func (c directoryCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.dir.Counts()
	ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(n.Sessions))
	ch <- prometheus.MustNewConstMetric(roomsDesc, prometheus.GaugeValue, float64(n.Rooms))
	ch <- prometheus.MustNewConstMetric(pubsDesc, prometheus.GaugeValue, float64(n.Publications))
}
