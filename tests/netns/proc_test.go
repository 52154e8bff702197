package netns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// proc is a child process run in a namespace. Its stdout lines go to
// onLine as they come; the tail of its stderr is kept for the test log.
// One goroutine per process waits for its exit; killing it ends that.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr tail
	exited chan struct{} // closed when the process has exited
	err    error         // its exit status, once exited is closed
}

// procSpec says what to run where: argv inside namespace ns, with env
// added to the test's environment. stdout and stderr, when set, get each
// line as it comes; stderr is kept for the test log in any case.
type procSpec struct {
	name, ns       string
	env, argv      []string
	stdout, stderr func(line string)
}

// startProc starts a process. It is killed if the test process dies, and
// killed and waited for when the test ends; its stderr is logged if the
// test failed.
func startProc(t *testing.T, spec procSpec) *proc {
	t.Helper()
	p := &proc{name: spec.name, exited: make(chan struct{})}
	p.cmd = exec.Command("ip", append([]string{"netns", "exec", spec.ns}, spec.argv...)...)
	p.cmd.Env = append(p.cmd.Environ(), spec.env...)
	p.cmd.Stdout = &lineWriter{line: spec.stdout}
	p.cmd.Stderr = io.MultiWriter(&p.stderr, &lineWriter{line: spec.stderr})
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p.cmd.WaitDelay = 5 * time.Second
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", p.name, err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill(t)
		if t.Failed() {
			t.Logf("%s stderr (at most the last %d bytes):\n%s", p.name, tailBytes, p.stderr.String())
		}
	})
	return p
}

// kill ends the process at once (SIGKILL) and waits for it.
func (p *proc) kill(t *testing.T) {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	if !p.wait(10 * time.Second) {
		t.Errorf("%s still running 10 s after SIGKILL", p.name)
	}
}

// wait reports whether the process exited within d.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.exited:
		return true
	case <-time.After(d):
		return false
	}
}

// lineWriter hands each complete line written to it to line (nil: drops
// them).
type lineWriter struct {
	buf  []byte
	line func(string)
}

func (w *lineWriter) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		if w.line != nil {
			w.line(string(w.buf[:i]))
		}
		w.buf = w.buf[i+1:]
	}
}

// tailBytes is how much of a process's stderr is kept.
const tailBytes = 64 << 10

// tail keeps the last tailBytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (w *tail) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, b...)
	if over := len(w.buf) - tailBytes; over > 0 {
		w.buf = append(w.buf[:0], w.buf[over:]...)
	}
	return len(b), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}

// record is one JSON line of a client process: an event, B's frame count
// or the client's last word. Time is ms since the client started; at is
// when the test read the line.
type record struct {
	Kind       string `json:"kind"`
	Reason     string `json:"reason,omitempty"`
	Code       int32  `json:"code,omitempty"`
	Room       string `json:"room,omitempty"`
	Stream     string `json:"stream,omitempty"`
	User       string `json:"user,omitempty"`
	Info       string `json:"info,omitempty"`
	Frames     int    `json:"frames,omitempty"`
	Goroutines int    `json:"goroutines,omitempty"`
	Leaks      string `json:"leaks,omitempty"`
	Time       int64  `json:"time"`
	at         time.Time
}

func (r record) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// recorder collects a client's records in order. Waiters wake on more,
// which is closed and replaced at every record.
type recorder struct {
	mu    sync.Mutex
	recs  []record
	more  chan struct{}
	other []string // lines that were not records
}

func newRecorder() *recorder { return &recorder{more: make(chan struct{})} }

// line takes one stdout line of a client.
func (r *recorder) line(s string) {
	var rec record
	r.mu.Lock()
	defer r.mu.Unlock()
	if !strings.HasPrefix(s, "{") || json.Unmarshal([]byte(s), &rec) != nil {
		r.other = append(r.other, s)
		return
	}
	rec.at = time.Now()
	r.recs = append(r.recs, rec)
	close(r.more)
	r.more = make(chan struct{})
}

// len is how many records have come so far: a mark to search from.
// since is a copy of the records from index from on.
func (r *recorder) since(from int) []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]record(nil), r.recs[from:]...)
}

func (r *recorder) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.recs)
}

// find returns the first record from index from on that matches, or -1.
func (r *recorder) find(from int, match func(record) bool) (int, record) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := from; i < len(r.recs); i++ {
		if match(r.recs[i]) {
			return i, r.recs[i]
		}
	}
	return -1, record{}
}

// waitFor waits until a record from index from on matches, at most until
// deadline, and reports whether one did.
func (r *recorder) waitFor(from int, deadline time.Time, match func(record) bool) (int, record, bool) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	for {
		r.mu.Lock()
		more := r.more
		r.mu.Unlock()
		if i, rec := r.find(from, match); i >= 0 {
			return i, rec, true
		}
		select {
		case <-more:
		case <-timer.C:
			return -1, record{}, false
		}
	}
}

// dump is every record but the frame counts, one a line, then the frame
// counts on one line, for a failure message.
func (r *recorder) dump() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	frames := []string{}
	for _, rec := range r.recs {
		if rec.Kind == "stats" {
			frames = append(frames, strconv.Itoa(rec.Frames))
			continue
		}
		b.WriteString(rec.String())
		b.WriteByte('\n')
	}
	if len(frames) > 0 {
		fmt.Fprintf(&b, "frames in the second before, every %v: %s\n", statsPeriod, strings.Join(frames, " "))
	}
	for _, s := range r.other {
		b.WriteString("(not a record) " + s + "\n")
	}
	return b.String()
}
