package server

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// A session outlives a vanished connection for the grace period.

// aliceWatched logs "alice" in to room r on a connection of her own, with a
// watcher in the room that has seen her come; it returns her auth answer.
func aliceWatched(t *testing.T, s *Server) (watcher, alice *testkit.Client, ok protocol.AuthOK) {
	t.Helper()
	watcher = authed(t, s, 1)
	login(t, watcher, "r", "watcher", true)
	alice = dial(t, s)
	ok, err := alice.Handshake(1, config.DevAppSign)
	if err != nil {
		t.Fatal(err)
	}
	login(t, alice, "r", "alice", false)
	event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate) // alice came
	return watcher, alice, ok
}

func TestVanishedClientResumesItsSession(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { s.grace = 5 * time.Second })
	watcher, a, ok := aliceWatched(t, s)

	a.Drop()
	time.Sleep(200 * time.Millisecond)
	a2 := dial(t, s)
	ok2, err := a2.HandshakeResume(1, config.DevAppSign, ok.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if ok2.SessionID != ok.SessionID {
		t.Fatalf("resumed session ID %q, want the old one", ok2.SessionID)
	}
	again, err := a2.Login("r", "alice", false)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Resumed || len(again.Users) != 1 || again.Users[0].UserID != "watcher" {
		t.Fatalf("login after resume %+v, want resumed with watcher alone", again)
	}
	noEvent(t, watcher)
	// The session is the connection's again: a clean close ends it now.
	a2.Close()
	up := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if up.UpdateType != protocol.UpdateDelete || up.Users[0].UserID != "alice" {
		t.Fatalf("got %+v, want alice gone", up)
	}
}

func TestSessionEndsAfterTheGracePeriod(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { s.grace = 300 * time.Millisecond })
	watcher, a, ok := aliceWatched(t, s)
	start := time.Now()
	a.Drop()
	up := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if up.UpdateType != protocol.UpdateDelete || time.Since(start) < 250*time.Millisecond {
		t.Fatalf("got %+v after %v, want alice gone after the grace period", up, time.Since(start))
	}
	// Too late: the old session ID takes over nothing.
	late := dial(t, s)
	ok2, err := late.HandshakeResume(1, config.DevAppSign, ok.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if ok2.SessionID == ok.SessionID {
		t.Fatal("an ended session was handed out again")
	}
	if again := login(t, late, "r", "alice", false); again.Resumed {
		t.Fatal("a fresh session's login says resumed")
	}
}

// A client that closes its connection ends its session at once, and a
// session ID is only good for its own app.
func TestCleanCloseEndsAtOnceAndResumeIsPerApp(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { s.grace = 5 * time.Second })
	watcher, a, ok := aliceWatched(t, s)
	other := dial(t, s)
	ok2, err := other.HandshakeResume(app2, app2Sign, ok.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if ok2.SessionID == ok.SessionID {
		t.Fatal("another app took the session over")
	}
	a.Close()
	up := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if up.UpdateType != protocol.UpdateDelete {
		t.Fatalf("got %+v, want alice gone at once", up)
	}
}

// A new connection takes over a session whose old connection the server
// still thinks is open (half-open): the old one is closed, the session
// goes on.
func TestTakeOverAnOpenConnection(t *testing.T) {
	s := startServer(t)
	watcher, a, ok := aliceWatched(t, s)
	a2 := dial(t, s)
	if _, err := a2.HandshakeResume(1, config.DevAppSign, ok.SessionID); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, a)
	if again := login(t, a2, "r", "alice", false); !again.Resumed {
		t.Fatal("login after taking over is not resumed")
	}
	noEvent(t, watcher)
}
