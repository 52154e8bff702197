// Command parley-demo runs a real Parley call you can see: a server, two
// engines, engine A publishing the moving test pattern and a 1 kHz tone,
// engine B playing it into a view. It prints the events, a table of measured
// glass-to-glass latency, frame rate and bitrate every 3 s, and writes the
// last preview and remote frames as PNG files.
//
// With --bench N it repeats the call N times and prints medians instead
// (make bench).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/parley-rtc/parley/engine"
)

func main() {
	var o options
	flag.StringVar(&o.server, "server", "", "signaling URL of a running parleyd (default: start one in-process)")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "how long the call lasts")
	flag.StringVar(&o.outDir, "out", ".", "folder for preview.png and remote.png")
	flag.IntVar(&o.width, "width", 640, "video width")
	flag.IntVar(&o.height, "height", 360, "video height")
	flag.IntVar(&o.fps, "fps", 30, "video frame rate")
	codec := flag.String("codec", "vp8", "video codec A publishes: vp8 or h264")
	flag.IntVar(&o.bench, "bench", 0, "run the call this many times and print medians")
	flag.BoolVar(&o.quiet, "quiet", false, "do not print events")
	flag.Parse()
	switch strings.ToLower(*codec) {
	case "vp8":
		o.codec = engine.CodecVP8
	case "h264", "h.264":
		o.codec = engine.CodecH264
	default:
		fmt.Fprintf(os.Stderr, "parley-demo: --codec %q: want vp8 or h264\n", *codec)
		os.Exit(2)
	}
	if o.bench > 0 {
		o.quiet = true
		if err := runBench(o); err != nil {
			fmt.Fprintln(os.Stderr, "parley-demo:", err)
			os.Exit(1)
		}
		return
	}
	res, err := runCall(o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "parley-demo:", err)
		os.Exit(1)
	}
	res.print(os.Stdout)
	if !res.ok() {
		os.Exit(1)
	}
}
