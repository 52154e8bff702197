package interop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// Shared by every test of a run: the parleyd binary and one Chromium (each
// test opens its own pages in their own browser contexts, and starts its
// own parleyd).
var (
	enabled    = os.Getenv("PARLEY_INTEROP") == "1"
	parleydBin string
	chromium   *browser
)

func TestMain(m *testing.M) {
	code := 0
	if enabled {
		code = setUpAndRun(m)
	} else {
		code = m.Run()
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func setUpAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "parley-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	parleydBin = filepath.Join(dir, "parleyd")
	build := exec.Command(goTool(), "build", "-o", parleydBin, "github.com/parley-rtc/parley/cmd/parleyd")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: building parleyd: %v\n", err)
		return 1
	}
	t1 := time.Now()
	if chromium, err = startBrowser(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: %v\n", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "interop: parleyd built in %v; Chromium %s started in %v\n",
		t1.Sub(t0).Round(time.Millisecond), chromium.version, time.Since(t1).Round(time.Millisecond))
	code := m.Run()
	if err := chromium.close(); err != nil {
		fmt.Fprintf(os.Stderr, "interop: closing Chromium: %v\n", err)
	}
	return code
}

// goTool is the go command that runs this test.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

// need skips a test unless the interop tests are switched on.
func need(t *testing.T) {
	t.Helper()
	if !enabled {
		t.Skip("browser interop test: set PARLEY_INTEROP=1 (make test-interop)")
	}
	timer := time.AfterFunc(90*time.Second, func() { panic(t.Name() + " did not finish within 90 s") })
	t.Cleanup(func() { timer.Stop() })
}
