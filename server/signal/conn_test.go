package signal

import (
	"log/slog"
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// A client that stops reading fills its queue and is dropped; queuing never
// blocks the caller (the directory calls Deliver under its lock).
func TestSlowClientIsDropped(t *testing.T) {
	h := NewHub(Config{Logger: slog.New(slog.DiscardHandler)})
	c := newConn(h, nil, 1, "test")
	for range sendQueue {
		c.Deliver(room.Event{Type: protocol.TypeUserUpdate, Data: protocol.UserUpdate{}})
	}
	select {
	case <-c.closing:
		t.Fatal("dropped before the queue was full")
	default:
	}
	c.Deliver(room.Event{Type: protocol.TypeUserUpdate, Data: protocol.UserUpdate{}})
	select {
	case <-c.closing:
	default:
		t.Fatal("a full queue did not drop the client")
	}
	if c.ctx.Err() == nil {
		t.Fatal("the connection's context outlived it")
	}
	c.Deliver(room.Event{Type: protocol.TypeUserUpdate}) // after the drop: ignored, no panic
}
