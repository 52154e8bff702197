package metrics

import (
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape reads the gauges and counters of a running server's /metrics.
// serverURL is the signaling URL clients use (ws://host:port or wss://), or
// an http(s) URL. Only those without labels are returned (the parley_
// gauges, go_goroutines, process_resident_memory_bytes,
// process_cpu_seconds_total, …): load tests and tests need no more.
func Scrape(ctx context.Context, serverURL string) (map[string]float64, error) {
	fams, err := scrape(ctx, serverURL)
	if err != nil {
		return nil, err
	}
	return values(fams), nil
}

// ScrapeHistogram reads one histogram of a running server's /metrics: the
// cumulative count of each bucket by upper bound (+Inf included).
func ScrapeHistogram(ctx context.Context, serverURL, name string) (map[float64]uint64, error) {
	fams, err := scrape(ctx, serverURL)
	if err != nil {
		return nil, err
	}
	f, ok := fams[name]
	if !ok || len(f.GetMetric()) == 0 || f.GetMetric()[0].GetHistogram() == nil {
		return nil, fmt.Errorf("no histogram %s", name)
	}
	h := f.GetMetric()[0].GetHistogram()
	out := map[float64]uint64{math.Inf(1): h.GetSampleCount()}
	for _, b := range h.GetBucket() {
		out[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	return out, nil
}

func scrape(ctx context.Context, serverURL string) (map[string]*dto.MetricFamily, error) {
	u := strings.TrimSuffix(serverURL, "/")
	u = strings.Replace(u, "ws://", "http://", 1)
	u = strings.Replace(u, "wss://", "https://", 1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", req.URL, resp.Status)
	}
	return parse(resp.Body)
}

func parse(r io.Reader) (map[string]*dto.MetricFamily, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	return p.TextToMetricFamilies(r)
}

// Values parses the Prometheus text format and returns every gauge and
// counter without labels, by name.
func Values(r io.Reader) (map[string]float64, error) {
	fams, err := parse(r)
	if err != nil {
		return nil, err
	}
	return values(fams), nil
}

func values(fams map[string]*dto.MetricFamily) map[string]float64 {
	out := map[string]float64{}
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			if len(m.GetLabel()) > 0 {
				continue
			}
			if g := m.GetGauge(); g != nil {
				out[name] = g.GetValue()
			} else if c := m.GetCounter(); c != nil {
				out[name] = c.GetValue()
			}
		}
	}
	return out
}
