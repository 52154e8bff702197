package main

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/render"
)

func (c *call) onEvent(who string, ev engine.Event) {
	switch ev.Kind {
	case engine.EventRoomStateChanged:
		c.logf("%s room_state     room=%s reason=%s code=%d", who, ev.RoomID, roomReasons[ev.Reason], ev.Code)
		if ev.Reason == engine.RoomLogined {
			c.mu.Lock()
			if who == "A" {
				c.loginMs = float64(time.Since(c.loginAt).Microseconds()) / 1000
			}
			c.mu.Unlock()
			c.logined <- struct{}{}
		}
	case engine.EventRoomUserUpdate:
		for _, u := range ev.Users {
			c.logf("%s user_update    room=%s %s user=%s", who, ev.RoomID, updateNames[ev.UpdateType], u.UserID)
		}
	case engine.EventRoomStreamUpdate:
		for _, s := range ev.Streams {
			c.logf("%s stream_update  room=%s %s stream=%s user=%s", who, ev.RoomID, updateNames[ev.UpdateType], s.StreamID, s.UserID)
		}
	case engine.EventPublisherStateUpdate:
		c.logf("%s publisher      stream=%s state=%s code=%d", who, ev.StreamID, pubStates[ev.State], ev.Code)
		if ev.State == engine.PublisherPublishing {
			select {
			case c.published <- struct{}{}:
			default:
			}
		}
	case engine.EventPlayerStateUpdate:
		c.logf("%s player         stream=%s state=%s code=%d", who, ev.StreamID, playStates[ev.State], ev.Code)
	case engine.EventPublisherCapturedVideoFirstFrame:
		c.logf("%s captured first frame, channel %d", who, ev.Channel)
	case engine.EventPlayerRecvVideoFirstFrame:
		c.logf("%s first video frame received  stream=%s", who, ev.StreamID)
	case engine.EventPlayerRenderVideoFirstFrame:
		c.mu.Lock()
		if c.firstFrame == 0 {
			c.firstFrame = time.Since(c.playAt)
		}
		c.mu.Unlock()
		c.logf("%s first video frame rendered  stream=%s", who, ev.StreamID)
	case engine.EventPlayerVideoSizeChanged:
		c.logf("%s video size     stream=%s %dx%d", who, ev.StreamID, ev.Width, ev.Height)
	case engine.EventPlayerQualityUpdate:
		c.mu.Lock()
		c.lastQuality = ev.PlayQuality
		c.mu.Unlock()
	case engine.EventPublisherQualityUpdate:
		c.mu.Lock()
		c.pubQuality = ev.PublishQuality
		c.mu.Unlock()
	case engine.EventDebugError:
		c.mu.Lock()
		c.errors = append(c.errors, fmt.Sprintf("%s %s: %d %s", who, ev.FuncName, ev.Code, ev.Info))
		c.mu.Unlock()
		c.logf("%s debug_error    %s code=%d %s", who, ev.FuncName, ev.Code, ev.Info)
	}
}

var (
	roomReasons = []string{"LOGINING", "LOGINED", "LOGIN_FAILED", "RECONNECTING", "RECONNECTED", "RECONNECT_FAILED", "KICK_OUT", "LOGOUT", "LOGOUT_FAILED"}
	updateNames = []string{"ADD", "DELETE"}
	pubStates   = []string{"NO_PUBLISH", "PUBLISH_REQUESTING", "PUBLISHING"}
	playStates  = []string{"NO_PLAY", "PLAY_REQUESTING", "PLAYING"}
)

// run samples the remote view and the remote audio until the call ends,
// printing a table row every 3 s.
func (c *call) run() {
	end := time.Now().Add(c.o.duration)
	sample := time.NewTicker(2 * time.Millisecond)
	defer sample.Stop()
	row := time.NewTicker(3 * time.Second)
	defer row.Stop()
	pcm := make([]int16, 480) // 10 ms mono at 48 kHz
	var window []int16        // the last second of remote audio
	lastAudio := time.Now()
	var lastSeq uint64
	if !c.o.quiet {
		fmt.Fprintf(c.out, "\n%8s %10s %10s %9s %9s %9s %8s %10s\n", "time", "g2g p50", "g2g p95", "view fps", "recv fps", "video kbps", "rtt ms", "tone 1kHz")
	}
	for time.Now().Before(end) {
		select {
		case <-sample.C:
		case <-row.C:
			c.printRow()
			continue
		}
		if info, err := c.rm.Acquire(); err == nil {
			if info.Seq != lastSeq {
				lastSeq = info.Seq
				if _, capMs, ok := source.DecodePatternRGBA(c.rmPix, c.o.width, c.o.height, c.o.width*4); ok {
					lat := float64(info.WriteTimeMs - capMs)
					c.mu.Lock()
					c.latencies = append(c.latencies, lat)
					c.interval = append(c.interval, lat)
					c.frames++
					c.mu.Unlock()
				}
			}
			c.rm.Release()
		}
		for time.Since(lastAudio) >= 10*time.Millisecond {
			lastAudio = lastAudio.Add(10 * time.Millisecond)
			if c.b.FetchAudioPCM(pcm, len(pcm), 48000, 1) == nil {
				window = append(window, pcm...)
				if len(window) > 48000 {
					window = window[len(window)-48000:]
				}
			}
		}
		if len(window) >= 48000 {
			lvl := audio.Goertzel(window, 1, 48000, 1000)
			c.mu.Lock()
			c.toneLevel = lvl
			c.mu.Unlock()
		}
	}
}

func (c *call) printRow() {
	c.mu.Lock()
	lat := append([]float64(nil), c.interval...)
	frames := c.frames
	c.interval = c.interval[:0]
	c.frames = 0
	q := c.lastQuality
	tone := c.toneLevel
	c.mu.Unlock()
	if c.o.quiet {
		return
	}
	// The engine's first quality report comes about 4 s into the stream.
	recvFPS, kbps, rtt := "-", "-", "-"
	if q != nil {
		recvFPS, kbps, rtt = fmt.Sprintf("%.1f", q.VideoRecvFPS), fmt.Sprintf("%.0f", q.VideoKbps), fmt.Sprint(q.RTTMs)
	}
	fmt.Fprintf(c.out, "%7.1fs %8.1fms %8.1fms %9.1f %9s %9s %8s %10.3f\n",
		time.Since(c.start).Seconds(), percentile(lat, 50), percentile(lat, 95), float64(frames)/3, recvFPS, kbps, rtt, tone)
}

func percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

// result is what one call measured.
type result struct {
	loginMs, firstFrameMs float64
	g2gP50, g2gP95        float64
	frames                int
	cpuPerSec             float64
	toneLevel             float64
	videoKbps             float64
	files                 []string
	errors                []string
}

func (c *call) result() *result {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &result{
		loginMs:      c.loginMs,
		firstFrameMs: float64(c.firstFrame.Microseconds()) / 1000,
		g2gP50:       percentile(c.latencies, 50),
		g2gP95:       percentile(c.latencies, 95),
		frames:       len(c.latencies),
		toneLevel:    c.toneLevel,
		errors:       c.errors,
	}
	if c.lastQuality != nil {
		r.videoKbps = c.lastQuality.VideoKbps
	}
	return r
}

// ok says whether the call really carried picture and sound.
func (r *result) ok() bool { return r.frames > 0 && r.toneLevel > 0.01 }

func (r *result) print(w io.Writer) {
	fmt.Fprintf(w, "\nlogin → LOGINED           %8.1f ms\n", r.loginMs)
	fmt.Fprintf(w, "start_playing → 1st frame %8.1f ms\n", r.firstFrameMs)
	fmt.Fprintf(w, "glass-to-glass p50 / p95  %8.1f / %.1f ms over %d frames\n", r.g2gP50, r.g2gP95, r.frames)
	fmt.Fprintf(w, "CPU (engines + server)    %8.2f core-seconds per call-second\n", r.cpuPerSec)
	fmt.Fprintf(w, "remote tone at 1 kHz      %8.3f (Goertzel power; silence ≈ 0)\n", r.toneLevel)
	for _, f := range r.files {
		fmt.Fprintf(w, "wrote %s\n", f)
	}
	if !r.ok() {
		fmt.Fprintln(w, "FAILED: no remote frames or no tone were received")
	}
}

func (c *call) writePNGs(r *result) error {
	if c.o.bench > 0 {
		return nil
	}
	for _, f := range []struct {
		name string
		v    *render.View
		pix  []byte
	}{{"preview.png", c.pv, c.pvPix}, {"remote.png", c.rm, c.rmPix}} {
		if _, err := f.v.Acquire(); err != nil {
			return err
		}
		img := &image.RGBA{Pix: append([]byte(nil), f.pix...), Stride: c.o.width * 4, Rect: image.Rect(0, 0, c.o.width, c.o.height)}
		f.v.Release()
		path := filepath.Join(c.o.outDir, f.name)
		fh, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := png.Encode(fh, img); err != nil {
			fh.Close()
			return err
		}
		if err := fh.Close(); err != nil {
			return err
		}
		abs, _ := filepath.Abs(path)
		r.files = append(r.files, abs)
	}
	return nil
}
