package metrics

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Scrape reads the gauges and counters of a running server's /metrics.
// serverURL is the signaling URL clients use (ws://host:port or wss://), or
// an http(s) URL. Only those without labels are returned (the parley_
// gauges, go_goroutines, process_resident_memory_bytes,
// process_cpu_seconds_total, …): load tests and tests need no more.
func Scrape(ctx context.Context, serverURL string) (map[string]float64, error) {
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
	return Values(resp.Body)
}

// Values parses the Prometheus text format and returns every gauge and
// counter without labels, by name.
func Values(r io.Reader) (map[string]float64, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		return nil, err
	}
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
	return out, nil
}
