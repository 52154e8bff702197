package interop

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// browser is Chromium behind browser.mjs: one command at a time, one JSON
// line each way.
type browser struct {
	version string
	cmd     *exec.Cmd
	in      io.WriteCloser
	lines   chan []byte // browser.mjs's stdout, closed at its end

	mu     sync.Mutex
	nextID int
}

// callTimeout bounds one command; a page load or an evaluation takes far less.
const callTimeout = 30 * time.Second

func startBrowser() (*browser, error) {
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core")); err != nil {
		return nil, errors.New("playwright-core is not installed in tests/interop: run make test-interop (npm ci)")
	}
	cmd := exec.Command("node", "browser.mjs")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting node browser.mjs: %w", err)
	}
	b := &browser{cmd: cmd, in: in, lines: make(chan []byte, 1)}
	go func() {
		defer close(b.lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadBytes('\n')
			if err != nil {
				return
			}
			b.lines <- line
		}
	}()
	var ready struct {
		Ready   bool   `json:"ready"`
		Version string `json:"version"`
	}
	if err := b.read(&ready); err != nil || !ready.Ready {
		_ = b.close()
		return nil, fmt.Errorf("Chromium did not start (%v): is /usr/bin/chromium installed (scripts/deps.sh)?", err)
	}
	b.version = ready.Version
	return b, nil
}

func (b *browser) read(v any) error {
	select {
	case line, ok := <-b.lines:
		if !ok {
			return errors.New("browser.mjs exited")
		}
		return json.Unmarshal(line, v)
	case <-time.After(callTimeout):
		return fmt.Errorf("no answer from browser.mjs within %v", callTimeout)
	}
}

// call runs one command and decodes its answer into out (may be nil).
func (b *browser) call(cmd map[string]any, out any) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextID++
	cmd["id"] = b.nextID
	line, err := json.Marshal(cmd)
	if err != nil {
		return err
	}
	if _, err := b.in.Write(append(line, '\n')); err != nil {
		return err
	}
	var ans struct {
		ID    int             `json:"id"`
		Error string          `json:"error"`
		Page  int             `json:"page"`
		Value json.RawMessage `json:"value"`
	}
	if err := b.read(&ans); err != nil {
		return err
	}
	switch {
	case ans.Error != "":
		return fmt.Errorf("%s: %s", cmd["op"], ans.Error)
	case ans.ID != b.nextID:
		return fmt.Errorf("answer %d to command %d", ans.ID, b.nextID)
	case out == nil:
		return nil
	case cmd["op"] == "open":
		return json.Unmarshal(fmt.Appendf(nil, "%d", ans.Page), out)
	}
	if len(ans.Value) == 0 {
		ans.Value = json.RawMessage("null")
	}
	return json.Unmarshal(ans.Value, out)
}

func (b *browser) close() error {
	_ = b.in.Close() // browser.mjs closes Chromium at EOF
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		_ = b.cmd.Process.Kill()
		return <-done
	}
}

// page is one tab of the debug page, in a browser context of its own.
type page struct {
	t  *testing.T
	id int
}

// openPage loads the debug page from srv with the given URL parameters.
// When the test fails, the page's event log and a screenshot are kept.
func openPage(t *testing.T, srv *parleyd, params url.Values) *page {
	t.Helper()
	return openPageAt(t, srv, "", "window.parley", params)
}

// openPageAt is openPage for another page of parleyd's, at path, whose
// automation hook (with its events) is the global hook.
func openPageAt(t *testing.T, srv *parleyd, path, hook string, params url.Values) *page {
	t.Helper()
	p := &page{t: t}
	if err := chromium.call(map[string]any{"op": "open", "url": srv.pageURL + path + "?" + params.Encode()}, &p.id); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			var events []map[string]any
			_ = chromium.call(map[string]any{"op": "eval", "page": p.id, "expr": hook + ".events"}, &events)
			b, _ := json.MarshalIndent(events, "  ", " ")
			shot := filepath.Join(os.TempDir(), fmt.Sprintf("parley-interop-%s-page%d.png", filepath.Base(t.Name()), p.id))
			_ = chromium.call(map[string]any{"op": "screenshot", "page": p.id, "path": shot}, nil)
			t.Logf("page %d (%s): screenshot %s; events:\n  %s", p.id, params.Get("userID"), shot, b)
		}
		_ = chromium.call(map[string]any{"op": "close", "page": p.id}, nil)
	})
	return p
}

// eval evaluates a JavaScript expression in the page (promises are awaited).
func (p *page) eval(expr string, out any) {
	p.t.Helper()
	if err := chromium.call(map[string]any{"op": "eval", "page": p.id, "expr": expr}, out); err != nil {
		p.t.Fatal(err)
	}
}

// pageStats is window.parley.stats[streamID].
type pageStats struct {
	Direction     string  `json:"direction"`
	Codec         string  `json:"codec"`
	Width         int     `json:"width"`
	Height        int     `json:"height"`
	FPS           float64 `json:"fps"`
	Kbps          float64 `json:"kbps"`
	RTT           float64 `json:"rtt"`
	Loss          float64 `json:"loss"`
	FramesDecoded int     `json:"framesDecoded"`
	FramesEncoded int     `json:"framesEncoded"`
	AudioLevel    float64 `json:"audioLevel"`
}

func (p *page) stats(streamID string) pageStats {
	p.t.Helper()
	var s *pageStats
	p.eval(fmt.Sprintf("window.parley.stats[%q] ?? null", streamID), &s)
	if s == nil {
		return pageStats{}
	}
	return *s
}

// pageEvent is one entry of window.parley.events.
type pageEvent struct {
	Type     string `json:"type"`
	Time     int    `json:"time"` // ms since the page loaded
	StreamID string `json:"stream_id"`
	Code     int32  `json:"code"`
	Op       string `json:"op"`
	Message  string `json:"message"`
}

func (p *page) events() []pageEvent {
	p.t.Helper()
	var evs []pageEvent
	p.eval("window.parley.events", &evs)
	return evs
}

// firstEvent returns the first event of type typ, if any.
func (p *page) firstEvent(typ string) (pageEvent, bool) {
	for _, ev := range p.events() {
		if ev.Type == typ {
			return ev, true
		}
	}
	return pageEvent{}, false
}

// roomIDs are the user and stream IDs the page lists.
func (p *page) roomIDs() (users, streams []string) {
	p.t.Helper()
	var r struct{ Users, Streams []string }
	p.eval(`({users: window.parley.users.map(u => u.user_id), streams: window.parley.streams.map(s => s.stream_id)})`, &r)
	return r.Users, r.Streams
}

// eventually polls cond until it reports true, failing the test with
// cond's last explanation after timeout.
func eventually(t *testing.T, timeout time.Duration, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, why)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// await waits until the page logged an event of type typ and returns the
// first; an "error" event on the way fails the test (unless typ is "error").
func (p *page) await(typ string) pageEvent {
	p.t.Helper()
	var found pageEvent
	eventually(p.t, 20*time.Second, func() (bool, string) {
		for _, ev := range p.events() {
			if ev.Type == typ {
				found = ev
				return true, ""
			}
			if ev.Type == "error" {
				p.t.Fatalf("page %d: error in %s: %d %s", p.id, ev.Op, ev.Code, ev.Message)
			}
		}
		return false, fmt.Sprintf("page %d logged no %s", p.id, typ)
	})
	return found
}
