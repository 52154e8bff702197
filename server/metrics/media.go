package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/parley-rtc/parley/server/sfu"
)

var (
	subsDesc      = prometheus.NewDesc(Subscriptions, "Played streams: the SFU's PeerConnections sending to players.", nil, nil)
	tracksInDesc  = prometheus.NewDesc(TracksIn, "Tracks being received from publishers.", nil, nil)
	tracksOutDesc = prometheus.NewDesc(TracksOut, "Tracks being forwarded to players.", nil, nil)
	pktsInDesc    = prometheus.NewDesc(PacketsIn, "RTP packets received from publishers.", nil, nil)
	bytesInDesc   = prometheus.NewDesc(BytesIn, "RTP bytes (header and payload) received from publishers.", nil, nil)
	pktsOutDesc   = prometheus.NewDesc(PacketsOut, "RTP packets sent to players, retransmissions included.", nil, nil)
	bytesOutDesc  = prometheus.NewDesc(BytesOut, "RTP bytes (header and payload) sent to players.", nil, nil)
	nackedDesc    = prometheus.NewDesc(NACKedPackets, "Packets players asked for again (generic NACK).", nil, nil)
	plisInDesc    = prometheus.NewDesc(PLIsIn, "Keyframe requests (PLI, FIR) from players.", nil, nil)
	plisOutDesc   = prometheus.NewDesc(PLIsOut, "Keyframe requests (PLI) sent to publishers, after merging.", nil, nil)
	capsDesc      = prometheus.NewDesc(DownlinkCaps,
		"Bitrate caps (REMB) sent to publishers because a player's downlink was narrower than the stream.", nil, nil)
	limitedDesc = prometheus.NewDesc(DownlinkLimited,
		"Players whose estimated downlink is narrower than the stream they play.", nil, nil)
	latencyDesc = prometheus.NewDesc(ForwardLatency,
		"Time from reading a publisher's packet to having written it to the last of its players.", nil, nil)
)

// mediaCollector turns one sfu.Stats into the media metrics.
type mediaCollector struct{ m Media }

func (c mediaCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{subsDesc, tracksInDesc, tracksOutDesc, pktsInDesc, bytesInDesc, pktsOutDesc,
		bytesOutDesc, nackedDesc, plisInDesc, plisOutDesc, capsDesc, limitedDesc, latencyDesc} {
		ch <- d
	}
}

func (c mediaCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.m.Stats()
	gauge := func(d *prometheus.Desc, v int) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, float64(v))
	}
	counter := func(d *prometheus.Desc, v uint64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	gauge(subsDesc, s.Subscribers)
	gauge(tracksInDesc, s.TracksIn)
	gauge(tracksOutDesc, s.TracksOut)
	counter(pktsInDesc, s.PacketsIn)
	counter(bytesInDesc, s.BytesIn)
	counter(pktsOutDesc, s.PacketsOut)
	counter(bytesOutDesc, s.BytesOut)
	counter(nackedDesc, s.NACKedPackets)
	counter(plisInDesc, s.PLIsIn)
	counter(plisOutDesc, s.PLIsOut)
	counter(capsDesc, s.DownlinkCaps)
	gauge(limitedDesc, s.PlayersDownlinkLimited)
	ch <- latencyHistogram(s)
}

// latencyHistogram is the forward latency as a Prometheus histogram: the
// buckets cumulative, in seconds.
func latencyHistogram(s sfu.Stats) prometheus.Metric {
	buckets := make(map[float64]uint64, len(s.LatencyBounds))
	var n uint64
	for i, c := range s.LatencyCounts {
		n += c
		if i < len(s.LatencyBounds) {
			buckets[s.LatencyBounds[i].Seconds()] = n
		}
	}
	return prometheus.MustNewConstHistogram(latencyDesc, n, s.LatencySum.Seconds(), buckets)
}
