package soak

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/room"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const (
	warmupCycles = 10
	maxRSSGrowth = 10 << 20
	stepTimeout  = 15 * time.Second // one login, publish, play or logout
	testTimeout  = 170 * time.Second
)

// cycles is how many lifecycles to run: 300, or $PARLEY_SOAK_CYCLES.
func cycles(t *testing.T) int {
	n := 300
	if s := os.Getenv("PARLEY_SOAK_CYCLES"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= warmupCycles {
			t.Fatalf("PARLEY_SOAK_CYCLES=%q: want a number above %d", s, warmupCycles)
		}
	}
	return n
}

// TestSoak runs the lifecycles and compares the process before and after.
func TestSoak(t *testing.T) {
	if os.Getenv("PARLEY_SOAK") != "1" {
		t.Skip("soak test: set PARLEY_SOAK=1 (make soak)")
	}
	timer := time.AfterFunc(testTimeout, func() { panic(fmt.Sprintf("soak did not finish within %v", testTimeout)) })
	defer timer.Stop()

	dir := room.NewMemory()
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	// Every engine logs in from 127.0.0.1, several times a second: far
	// above what the per-address login limit lets one real client do.
	cfg.Limits.LoginsPerIPPerSecond, cfg.Limits.LoginBurst = 1000, 1000
	srv, err := server.New(cfg, server.WithDirectory(dir), server.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	n := cycles(t)
	base := measure()
	t.Logf("baseline:        %s", base)
	var warm snapshot
	times := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		t0 := time.Now()
		if err := cycle(srv.URL(), i); err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		times = append(times, time.Since(t0))
		if i+1 == warmupCycles {
			warm = measure()
			t.Logf("after %3d cycles: %s", warmupCycles, warm)
		} else if os.Getenv("PARLEY_SOAK_TRACE") != "" && (i+1)%50 == 0 {
			t.Logf("after %3d cycles: %s", i+1, measure())
		}
	}
	total := time.Since(start)
	// Sessions end on the server once it has read each engine's close;
	// give the last ones a moment.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if dir.Counts() == (room.Counts{}) && runtime.NumGoroutine() <= base.goroutines {
			break
		}
	}
	end := measure()
	t.Logf("after %3d cycles: %s", n, end)
	slices.Sort(times)
	t.Logf("%d cycles in %v: median %v, p95 %v, max %v", n, total.Round(time.Millisecond),
		times[n/2].Round(time.Millisecond), times[n*95/100].Round(time.Millisecond), times[n-1].Round(time.Millisecond))

	if c := dir.Counts(); c != (room.Counts{}) {
		t.Errorf("server directory still holds %+v", c)
	}
	if end.goroutines > base.goroutines {
		t.Errorf("goroutines: %d after, %d at baseline\n%s", end.goroutines, base.goroutines, goroutineDump())
	}
	if end.fds > base.fds {
		t.Errorf("open file descriptors: %d after, %d at baseline: %v", end.fds, base.fds, fdTargets())
	}
	if grow := end.rss - warm.rss; grow > maxRSSGrowth {
		t.Errorf("RSS grew by %.1f MiB after the warm-up, limit %.0f MiB", mib(grow), mib(maxRSSGrowth))
	}
}

// cycle is one engine's whole life: it publishes its own stream and plays
// it back into a view until a frame has landed there.
func cycle(url string, i int) error {
	rec := newRecorder()
	e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url, Handler: rec.handle})
	if err != nil {
		return err
	}
	defer e.Destroy()
	const w, h = 64, 48
	pix := make([]byte, w*h*4)
	view, err := render.NewView(render.Desc{Pixels: pix, Width: w, Height: h, Stride: w * 4, Mode: render.ModeScaleToFill})
	if err != nil {
		return err
	}
	defer func() { view.Close(); engine.ReleaseView(view) }()

	user, stream := fmt.Sprintf("soak-%d", i), fmt.Sprintf("soak-%d-main", i)
	if err := e.LoginRoom("soak", engine.User{UserID: user}, engine.RoomConfig{}); err != nil {
		return err
	}
	if err := rec.waitFor("LOGINED", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStateChanged && (ev.Reason == engine.RoomLogined || ev.Reason == engine.RoomLoginFailed)
	}); err != nil {
		return err
	}
	if rec.has(func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStateChanged && ev.Reason == engine.RoomLoginFailed
	}) {
		return fmt.Errorf("login failed: %s", rec.dump())
	}
	if err := e.StartPublishing(stream, engine.ChannelMain); err != nil {
		return err
	}
	if err := rec.waitFor("PUBLISHING", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPublisherStateUpdate && ev.State == engine.PublisherPublishing
	}); err != nil {
		return err
	}
	if err := e.StartPlaying(stream, view); err != nil {
		return err
	}
	if err := rec.waitFor("PLAYING", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerStateUpdate && ev.State == engine.PlayerPlaying
	}); err != nil {
		return err
	}
	if err := rec.waitFor("first frame", func(ev engine.Event) bool {
		return ev.Kind == engine.EventPlayerRenderVideoFirstFrame
	}); err != nil {
		return err
	}
	info, err := view.Acquire()
	if err != nil {
		return err
	}
	view.Release()
	if info.Seq == 0 {
		return fmt.Errorf("first frame reported but the view holds none")
	}
	if err := e.LogoutRoom(""); err != nil {
		return err
	}
	return rec.waitFor("LOGOUT", func(ev engine.Event) bool {
		return ev.Kind == engine.EventRoomStateChanged && ev.Reason == engine.RoomLogout
	})
}

// snapshot is what the process holds at one moment.
type snapshot struct {
	goroutines, fds int
	rawRSS          int64 // after the Go heap's free memory went back to the OS
	rss             int64 // after the C heap's too
	goHeap          int64 // in-use Go heap spans
	cHeap           int64 // C memory malloc'ed and not freed
}

func (s snapshot) String() string {
	return fmt.Sprintf("%4d goroutines, %3d fds, RSS %5.1f MiB (before malloc_trim %5.1f; Go heap %4.1f, C heap %4.1f)",
		s.goroutines, s.fds, mib(s.rss), mib(s.rawRSS), mib(s.goHeap), mib(s.cHeap))
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// measure lets what was stopped finish, collects garbage, returns the
// freed memory to the OS and reads goroutines, fds and RSS. It waits until
// the goroutine count stops falling, for at most a few seconds.
func measure() snapshot {
	g := runtime.NumGoroutine()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		now := runtime.NumGoroutine()
		if now >= g {
			break
		}
		g = now
	}
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fds, _ := os.ReadDir("/proc/self/fd")
	s := snapshot{goroutines: runtime.NumGoroutine(), fds: len(fds), rawRSS: vmRSS(),
		goHeap: int64(ms.HeapInuse), cHeap: cHeapInUse()}
	trimCHeap()
	s.rss = vmRSS()
	return s
}

// vmRSS reads VmRSS from /proc/self/status, in bytes.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func goroutineDump() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

func fdTargets() []string {
	ents, _ := os.ReadDir("/proc/self/fd")
	var out []string
	for _, e := range ents {
		target, _ := os.Readlink("/proc/self/fd/" + e.Name())
		out = append(out, e.Name()+"→"+target)
	}
	return out
}
