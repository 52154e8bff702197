package netns

import (
	"os"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
)

// The server's timing, which the scenarios wait on (docs/reconnection.md):
// it notices a client gone silent after serverSilence at the latest, then
// keeps the session for serverGrace.
const (
	serverSilence = 15 * time.Second
	serverGrace   = 10 * time.Second
)

// TestOutage5s: A's link goes dead for 5 s. A reports RECONNECTING and then
// RECONNECTED; B sees neither A nor its stream leave, and B's view is back
// at full rate within 2 s of the link's return.
func TestOutage5s(t *testing.T) {
	c := startCall(t, 0)
	markA, markB := c.a.len(), c.b.len()
	c.tp.cut(t, "a")
	cut := time.Now()
	_, _, reconnecting := c.a.waitFor(markA, cut.Add(5*time.Second), roomState("RECONNECTING"))
	time.Sleep(time.Until(cut.Add(5 * time.Second)))
	c.tp.restore(t, "a")
	back, markBack := time.Now(), c.b.len()
	if _, rec, ok := c.b.waitFor(markBack, back.Add(2*time.Second), atFullRate); ok {
		t.Logf("B's view at %d fps %v after the link returned", rec.Frames, rec.at.Sub(back).Round(10*time.Millisecond))
	} else {
		t.Errorf("B's view not back at %d fps within 2 s of the link's return", minFPS)
	}
	if !reconnecting {
		t.Errorf("A reported no RECONNECTING during a 5 s outage")
	} else if _, rec, ok := c.a.waitFor(markA, back.Add(10*time.Second), roomState("RECONNECTED")); ok {
		t.Logf("A RECONNECTED %v after the link returned", rec.at.Sub(back).Round(10*time.Millisecond))
	} else {
		t.Errorf("A not RECONNECTED within 10 s of the link's return")
	}
	time.Sleep(time.Second) // for late updates to reach B
	for _, m := range []func(record) bool{userLeft("a"), streamEnded} {
		if i, rec := c.b.find(markB, m); i >= 0 {
			t.Errorf("B noticed the outage: %v", rec)
		}
	}
	c.end(t)
}

// TestServerRestart: parleyd is killed and started again on the same
// address a second later. Both clients report RECONNECTING and then
// RECONNECTED, A publishes again, and B's view is back at full rate within
// 5 s of the restart.
func TestServerRestart(t *testing.T) {
	c := startCall(t, 0)
	markA, markB := c.a.len(), c.b.len()
	c.srv.kill(t)
	killed := time.Now()
	iA, _ := c.a.expect(t, "A RECONNECTING", markA, killed.Add(5*time.Second), roomState("RECONNECTING"))
	iB, _ := c.b.expect(t, "B RECONNECTING", markB, killed.Add(5*time.Second), roomState("RECONNECTING"))
	time.Sleep(time.Until(killed.Add(time.Second)))
	c.srv.start(t)
	restarted, markBack := time.Now(), c.b.len()
	deadline := restarted.Add(5 * time.Second)
	c.a.expect(t, "A RECONNECTED", iA, deadline, roomState("RECONNECTED"))
	c.b.expect(t, "B RECONNECTED", iB, deadline, roomState("RECONNECTED"))
	c.a.expect(t, "A PUBLISHING again", iA, deadline, publisherState("PUBLISHING"))
	_, rec := c.b.expect(t, "B's view back at full rate", markBack, deadline, atFullRate)
	t.Logf("B's view at %d fps %v after parleyd was serving again", rec.Frames, rec.at.Sub(restarted).Round(10*time.Millisecond))
	c.end(t)
}

// TestOutageBeyondWindow: A's link is dead for longer than A's reconnect
// window and the server's grace period (15 s and 8 s; with
// PARLEY_NETNS_LONG=1 60 s and 30 s). A reports RECONNECTING, then
// RECONNECT_FAILED with PARLEY_ERR_ROOM_NETWORK and NO_PUBLISH (in either
// order), and stays out; B sees A and
// its stream leave, no sooner than the grace period after the cut; A then
// destroys its engine and exits with nothing left running.
func TestOutageBeyondWindow(t *testing.T) {
	outage, window := 15*time.Second, 8*time.Second
	if os.Getenv("PARLEY_NETNS_LONG") == "1" {
		outage, window = 60*time.Second, 30*time.Second
	}
	c := startCall(t, window)
	markA, markB := c.a.len(), c.b.len()
	c.tp.cut(t, "a")
	cut := time.Now()
	reconnecting, rec := c.a.expect(t, "A RECONNECTING", markA, cut.Add(5*time.Second), roomState("RECONNECTING"))
	t.Logf("A RECONNECTING %v after the cut", rec.at.Sub(cut).Round(10*time.Millisecond))
	failed, rec := c.a.expect(t, "A RECONNECT_FAILED", reconnecting, rec.at.Add(window+5*time.Second), roomState("RECONNECT_FAILED"))
	t.Logf("A RECONNECT_FAILED %v after the cut", rec.at.Sub(cut).Round(10*time.Millisecond))
	if rec.Code != int32(protocol.ErrRoomNetwork) {
		t.Errorf("RECONNECT_FAILED with code %d, want %d (PARLEY_ERR_ROOM_NETWORK)", rec.Code, protocol.ErrRoomNetwork)
	}
	c.a.expect(t, "A NO_PUBLISH", reconnecting, rec.at.Add(5*time.Second), publisherState("NO_PUBLISH"))
	if outage < rec.at.Sub(cut) {
		t.Fatalf("the outage ended before A gave up; the scenario needs a longer one")
	}
	time.Sleep(time.Until(cut.Add(outage)))
	c.tp.restore(t, "a")
	deadline := cut.Add(max(outage, serverSilence+serverGrace) + 10*time.Second)
	for _, left := range []struct {
		what  string
		match func(record) bool
	}{{"B: user a DELETE", userLeft("a")}, {"B: stream DELETE", streamEnded}} {
		_, rec := c.b.expect(t, left.what, markB, deadline, left.match)
		t.Logf("%s %v after the cut", left.what, rec.at.Sub(cut).Round(10*time.Millisecond))
		if rec.at.Sub(cut) < serverGrace {
			t.Errorf("%s before the server's %v grace period", left.what, serverGrace)
		}
	}
	if i, rec := c.a.find(failed, roomState("RECONNECTED")); i >= 0 {
		t.Errorf("A came back after giving up: %v", rec)
	}
	c.end(t)
}

// TestAddressChange: A's address changes under the call, as when a device
// moves to another network. A's signaling reconnects and its media
// connection restarts ICE on the new address: B's view is back at full
// rate within 8 s, A does not publish again, and B sees neither A nor its
// stream leave.
func TestAddressChange(t *testing.T) {
	c := startCall(t, 0)
	markA, markB := c.a.len(), c.b.len()
	c.tp.readdress(t, "a")
	moved := time.Now()
	c.a.expect(t, "A RECONNECTED", markA, moved.Add(8*time.Second), roomState("RECONNECTED"))
	_, rec := c.b.expect(t, "B's view back at full rate", c.b.len(), moved.Add(8*time.Second), atFullRate)
	t.Logf("B's view at %d fps %v after A's address changed", rec.Frames, rec.at.Sub(moved).Round(10*time.Millisecond))
	time.Sleep(time.Second) // for late updates to reach B
	if i, rec := c.a.find(markA, publisherState("PUBLISH_REQUESTING")); i >= 0 {
		t.Errorf("A published again (%v): its media connection should have restarted ICE", rec)
	}
	for _, m := range []func(record) bool{userLeft("a"), streamEnded} {
		if i, rec := c.b.find(markB, m); i >= 0 {
			t.Errorf("B noticed the move: %v", rec)
		}
	}
	c.end(t)
}
