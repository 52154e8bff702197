package engine_test

import (
	"testing"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// The server's limits reach the app as the failed call's event with the
// limit's own code (docs/security.md).

func TestConnectionLimitFailsTheLoginWithItsCode(t *testing.T) {
	url := startServerWith(t, func(c *config.Config) { c.Limits.ConnectionsPerIP = 1 })
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-l", "alice")
	if err := b.LoginRoom("room-l", engine.User{UserID: "bob"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	i := rb.waitFor(t, "LOGIN_FAILED", roomState("room-l", engine.RoomLoginFailed))
	if got := rb.at(i).Code; got != protocol.ErrConnectionLimit {
		t.Fatalf("LOGIN_FAILED code %d, want %d (CONNECTION_LIMIT)", got, protocol.ErrConnectionLimit)
	}
}

func TestRoomLimitsFailTheLoginWithTheirCodes(t *testing.T) {
	url := startServerWith(t, func(c *config.Config) { c.Limits.MaxRoomMembers, c.Limits.RoomsPerSession = 1, 1 })
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-1", "alice")
	if err := b.LoginRoom("room-1", engine.User{UserID: "bob"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	i := rb.waitFor(t, "LOGIN_FAILED", roomState("room-1", engine.RoomLoginFailed))
	if got := rb.at(i).Code; got != protocol.ErrRoomUserLimit {
		t.Fatalf("full room: code %d, want %d (ROOM_USER_LIMIT)", got, protocol.ErrRoomUserLimit)
	}
	if err := a.LoginRoom("room-2", engine.User{UserID: "alice"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	i = ra.waitFor(t, "LOGIN_FAILED", roomState("room-2", engine.RoomLoginFailed))
	if got := ra.at(i).Code; got != protocol.ErrRoomCountExceeded {
		t.Fatalf("second room: code %d, want %d (ROOM_COUNT_EXCEEDED)", got, protocol.ErrRoomCountExceeded)
	}
}

func TestStreamLimitFailsThePublishWithItsCode(t *testing.T) {
	url := startServerWith(t, func(c *config.Config) { c.Limits.StreamsPerSession = 1 })
	r := newRecorder()
	e := newEngine(t, url, r)
	login(t, e, r, "room-s", "alice")
	if err := e.StartPublishing("main", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "PUBLISHING", pubState("main", engine.PublisherPublishing))
	if err := e.StartPublishing("aux", engine.ChannelAux); err != nil {
		t.Fatal(err)
	}
	i := r.waitFor(t, "NO_PUBLISH", pubState("aux", engine.PublisherNoPublish))
	if got := r.at(i).Code; got != protocol.ErrPublishStreamLimit {
		t.Fatalf("code %d, want %d (PUBLISH_STREAM_LIMIT)", got, protocol.ErrPublishStreamLimit)
	}
}
