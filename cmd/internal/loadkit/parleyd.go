// Package loadkit is what Parley's load tools share: a parleyd they build and
// start on a loopback port, the /proc figures of a process (RSS, CPU time),
// and dialers that spread clients over loopback addresses so the server's
// per-address limits hold each client alone.
package loadkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/parley-rtc/parley/server/metrics"
)

// Parleyd is a server process a load tool started.
type Parleyd struct {
	Cmd  *exec.Cmd
	URL  string        // its signaling URL, ws://127.0.0.1:port
	done chan struct{} // closed when the process has exited
	err  error         // its exit status, once done
}

// Pid is the server's process ID.
func (p *Parleyd) Pid() int { return p.Cmd.Process.Pid }

// BuildParleyd compiles cmd/parleyd into dir and returns the binary's path.
func BuildParleyd(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "parleyd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/parley-rtc/parley/cmd/parleyd")
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build parleyd: %w", err)
	}
	return bin, nil
}

// StartParleyd runs the development server on a free loopback port with the
// extra arguments and waits until it answers /metrics. Its log (warnings and
// errors only) goes to stderr.
func StartParleyd(ctx context.Context, bin string, stderr io.Writer, extra ...string) (*Parleyd, error) {
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	cmd := exec.Command(bin, append([]string{"--dev", "--listen", addr, "--log-level", "warn"}, extra...)...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Parleyd{Cmd: cmd, URL: "ws://" + addr, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		_, err := metrics.Scrape(sctx, p.URL)
		cancel()
		if err == nil {
			return p, nil
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("parleyd exited: %v", p.err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("parleyd did not come up on %s: %v", addr, err)
		}
	}
}

// Stop ends the server as an operator would (SIGTERM), killing it if it
// has not exited within 10 s. It returns an error for an unclean exit.
func (p *Parleyd) Stop() error {
	_ = p.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.Cmd.Process.Kill()
		<-p.done
		return errors.New("parleyd did not stop within 10 s of SIGTERM")
	}
	return p.err
}

// FreePort finds a TCP port free on loopback now.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
