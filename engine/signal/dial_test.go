package signal

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// freePort returns an address nothing listens on (yet).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// A first dial to a server that is not there fails at once: the app hears
// of a wrong address quickly.
func TestDialWithoutRetryFailsFast(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	c, err := dialStaggered(ctx, "tcp", freePort(t), false)
	if err == nil {
		c.Close()
		t.Fatal("dialled a port nothing listens on")
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("a refused connect took %v to report", d)
	}
}

// Reconnecting, the dialer keeps trying through refusals and connects
// within about one stagger of the server's return (a restarted server).
func TestDialWithRetryConnectsWhenServerReturns(t *testing.T) {
	addr := freePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type result struct {
		c   net.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := dialStaggered(ctx, "tcp", addr, true)
		done <- result{c, err}
	}()
	time.Sleep(1200 * time.Millisecond)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skip("the port was taken meanwhile:", err)
	}
	defer ln.Close()
	back := time.Now()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatal(r.err)
		}
		r.c.Close()
		if d := time.Since(back); d > time.Second {
			t.Fatalf("connected %v after the server came back", d)
		}
	case <-ctx.Done():
		t.Fatal("never connected")
	}
}

// Given up (its context ended), the dialer returns the last failure and
// leaves no attempt behind (goleak in TestMain).
func TestDialWithRetryGivesUpAtDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	c, err := dialStaggered(ctx, "tcp", freePort(t), true)
	if err == nil {
		c.Close()
		t.Fatal("dialled a port nothing listens on")
	}
}
