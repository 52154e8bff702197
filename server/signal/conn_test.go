package signal

import (
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
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

// A client that connects and says nothing is closed after the handshake
// timeout; one that completes the handshake stays.
func TestHandshakeTimeout(t *testing.T) {
	h := NewHub(Config{Directory: room.NewMemory(), Logger: slog.New(slog.DiscardHandler),
		HandshakeTimeout: 200 * time.Millisecond,
		Apps:             []config.App{{AppID: 1, AppSign: config.DevAppSign}}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	url := "ws://" + strings.TrimPrefix(srv.URL, "http://")

	silent, err := testkit.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	good, err := testkit.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer good.Close()
	if _, err := good.Handshake(1, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	select {
	case <-silent.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("silent client still connected")
	}
	select {
	case <-good.Closed():
		t.Fatal("authenticated client closed by the handshake timeout")
	case <-time.After(300 * time.Millisecond):
	}
}

// An authenticated client that sends nothing stays connected: the server's
// pings and the client's automatic pongs keep the connection alive.
func TestPingsKeepIdleClientAlive(t *testing.T) {
	h := NewHub(Config{Directory: room.NewMemory(), Logger: slog.New(slog.DiscardHandler),
		PongWait: 200 * time.Millisecond, Apps: []config.App{{AppID: 1, AppSign: config.DevAppSign}}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer h.Close()
	c, err := testkit.Dial("ws://" + strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Handshake(1, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Closed():
		t.Fatal("idle client dropped despite answering pings")
	case <-time.After(time.Second):
	}
	if _, err := c.Login("r", "u", false); err != nil {
		t.Fatal(err)
	}
}
