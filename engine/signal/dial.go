package signal

import (
	"context"
	"math/rand/v2"
	"net"
	"time"
)

// A TCP connect sent into a dead link is retried by the kernel after 1, 3,
// 7 s…, so a link that comes back can go unused for seconds. The dialer
// therefore starts a fresh connect every dialStagger (±20 %) while the
// earlier ones still wait, keeping at most dialInFlight of them and giving up
// the oldest for the newest: whatever the outage's length, a connect goes
// out within about half a second of the link's return.
const (
	dialStagger  = 500 * time.Millisecond
	dialInFlight = 4
)

// staggeredDial returns a NetDialContext that connects as described above.
// With retry, an attempt that fails at once (a refused connection, an
// unreachable network) is tried again at the next tick until ctx ends, as a
// reconnecting client wants; without it, such a failure is returned.
func staggeredDial(retry bool) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		return dialStaggered(ctx, network, addr, retry)
	}
}

type dialResult struct {
	conn net.Conn
	err  error
	n    int // which attempt
}

func dialStaggered(ctx context.Context, network, addr string, retry bool) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the attempts still waiting
	results := make(chan dialResult)
	var cancels []context.CancelFunc // per attempt, nil once it ended
	inFlight := 0
	start := func() {
		actx, acancel := context.WithCancel(ctx)
		n := len(cancels)
		cancels = append(cancels, acancel)
		inFlight++
		go func() {
			var d net.Dialer
			c, err := d.DialContext(actx, network, addr)
			select {
			case results <- dialResult{c, err, n}:
			case <-ctx.Done():
				if c != nil {
					c.Close() // another attempt won, or the dial was given up
				}
			}
		}()
		if inFlight > dialInFlight {
			for i, cf := range cancels {
				if cf != nil {
					cf() // the oldest waiting attempt makes way
					cancels[i] = nil
					break
				}
			}
		}
	}
	start()
	tick := time.NewTimer(jittered(dialStagger))
	defer tick.Stop()
	var lastErr error
	for {
		select {
		case r := <-results:
			inFlight--
			given := cancels[r.n] == nil
			if cf := cancels[r.n]; cf != nil {
				cf()
				cancels[r.n] = nil
			}
			if r.err == nil {
				return r.conn, nil
			}
			if !given {
				lastErr = r.err
			}
			if !retry && !given && inFlight == 0 {
				return nil, r.err
			}
		case <-tick.C:
			start()
			tick.Reset(jittered(dialStagger))
		case <-ctx.Done():
			if lastErr == nil {
				lastErr = ctx.Err()
			}
			return nil, lastErr
		}
	}
}

// jittered spreads d by ±20 % so that many clients cut by the same outage
// do not dial in step.
func jittered(d time.Duration) time.Duration {
	return d*4/5 + rand.N(d*2/5)
}
