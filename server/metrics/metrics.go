// Package metrics serves a server's Prometheus metrics: how many sessions,
// rooms, participants and publications its room directory holds, what its
// SFU forwards (packets and bytes in and out, NACKs, keyframe requests, the
// forward latency, tracks), next to the Go runtime and process figures every
// Prometheus target exposes. Load tests and operators read it to see that
// what clients leave is really gone and what the media path costs.
package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
)

// The metrics' names, as scraped.
const (
	Sessions     = "parley_sessions"
	Rooms        = "parley_rooms"
	Participants = "parley_participants"
	Publications = "parley_publications"

	Subscriptions   = "parley_subscriptions"
	TracksIn        = "parley_tracks_in"
	TracksOut       = "parley_tracks_out"
	PacketsIn       = "parley_rtp_packets_in_total"
	BytesIn         = "parley_rtp_bytes_in_total"
	PacketsOut      = "parley_rtp_packets_out_total"
	BytesOut        = "parley_rtp_bytes_out_total"
	NACKedPackets   = "parley_nacked_packets_total"
	PLIsIn          = "parley_keyframe_requests_in_total"
	PLIsOut         = "parley_keyframe_requests_out_total"
	DownlinkCaps    = "parley_downlink_caps_total"
	DownlinkLimited = "parley_players_downlink_limited"
	ForwardLatency  = "parley_forward_latency_seconds"
)

// Media is what the metrics read of an SFU.
type Media interface{ Stats() sfu.Stats }

// Handler serves the metrics in the Prometheus text format. Each scrape reads
// the directory and the SFU once, so the figures of each describe one
// moment. media may be nil (no SFU figures). Every handler has its own
// registry: two servers in one process never share a metric.
func Handler(dir room.Directory, media Media) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		directoryCollector{dir},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if media != nil {
		reg.MustRegister(mediaCollector{media})
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

var (
	sessionsDesc     = prometheus.NewDesc(Sessions, "Signaling connections that completed the handshake.", nil, nil)
	roomsDesc        = prometheus.NewDesc(Rooms, "Rooms with at least one member, over every app.", nil, nil)
	participantsDesc = prometheus.NewDesc(Participants, "Room memberships, over every room.", nil, nil)
	pubsDesc         = prometheus.NewDesc(Publications, "Streams being published, over every app.", nil, nil)
)

// directoryCollector turns one room.Counts into the directory's gauges.
type directoryCollector struct{ dir room.Directory }

func (c directoryCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sessionsDesc
	ch <- roomsDesc
	ch <- participantsDesc
	ch <- pubsDesc
}

func (c directoryCollector) Collect(ch chan<- prometheus.Metric) {
	n := c.dir.Counts()
	ch <- prometheus.MustNewConstMetric(sessionsDesc, prometheus.GaugeValue, float64(n.Sessions))
	ch <- prometheus.MustNewConstMetric(roomsDesc, prometheus.GaugeValue, float64(n.Rooms))
	ch <- prometheus.MustNewConstMetric(participantsDesc, prometheus.GaugeValue, float64(n.Participants))
	ch <- prometheus.MustNewConstMetric(pubsDesc, prometheus.GaugeValue, float64(n.Publications))
}
