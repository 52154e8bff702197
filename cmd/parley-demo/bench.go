package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/parley-rtc/parley/engine"
)

// runBench repeats the call and prints the median of each figure.
func runBench(o options) error {
	var rs []*result
	for i := 0; i < o.bench; i++ {
		r, err := runCall(o, io.Discard)
		if err != nil {
			return err
		}
		if !r.ok() {
			return fmt.Errorf("run %d carried no picture or no tone", i+1)
		}
		fmt.Fprintf(os.Stderr, "run %d: login %.1f ms, first frame %.1f ms, g2g p50 %.1f p95 %.1f ms, CPU %.2f\n",
			i+1, r.loginMs, r.firstFrameMs, r.g2gP50, r.g2gP95, r.cpuPerSec)
		rs = append(rs, r)
	}
	med := func(f func(*result) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		sort.Float64s(v)
		return v[len(v)/2]
	}
	codec := "VP8"
	if o.codec == engine.CodecH264 {
		codec = "H.264"
	}
	fmt.Printf("\nmedians over %d calls, %dx%d@%d %s, loopback, %s each:\n", len(rs), o.width, o.height, o.fps, codec, o.duration)
	fmt.Printf("  login → LOGINED                    %8.1f ms   (target ≤ 20)\n", med(func(r *result) float64 { return r.loginMs }))
	fmt.Printf("  start_playing → first frame        %8.1f ms   (target ≤ 100)\n", med(func(r *result) float64 { return r.firstFrameMs }))
	fmt.Printf("  glass-to-glass p50                 %8.1f ms   (target ≤ 40)\n", med(func(r *result) float64 { return r.g2gP50 }))
	fmt.Printf("  glass-to-glass p95                 %8.1f ms   (target ≤ 80)\n", med(func(r *result) float64 { return r.g2gP95 }))
	fmt.Printf("  CPU, engines + server              %8.2f core-s per call-s (target ≤ 0.6)\n", med(func(r *result) float64 { return r.cpuPerSec }))
	return nil
}
