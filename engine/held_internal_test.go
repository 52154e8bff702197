package engine

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
)

// A stream added while a room's login is being answered — the server sends
// it just after the login's snapshot, and the read goroutine may get to it
// before the login does — is reported after the login, not lost (nor taken
// back as gone by the snapshot that did not have it yet).
func TestUpdatesDuringALoginApplyAfterIt(t *testing.T) {
	events := make(chan Event, 64)
	e, err := New(Config{AppID: 1, AppSign: "0000000000000000000000000000000000000000000000000000000000000000", ServerURL: "ws://127.0.0.1:1",
		Handler: func(ev Event) { events <- ev }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Destroy()
	e.mu.Lock()
	r := &room{id: "r", streams: map[string]protocol.Stream{"old": {UserID: "a", StreamID: "old"}},
		loginDone: make(chan struct{}), users: map[string]protocol.User{}}
	e.rooms["r"] = r
	e.roomOrder = append(e.roomOrder, "r")
	e.mu.Unlock()

	data, _ := json.Marshal(protocol.StreamUpdate{RoomID: "r", UpdateType: protocol.UpdateAdd,
		Streams: []protocol.Stream{{UserID: "a", StreamID: "s"}}})
	e.onServerEvent(protocol.Envelope{Type: protocol.TypeStreamUpdate, Data: data})
	e.roomBack(r, protocol.LoginOK{}) // the snapshot: no stream yet

	var added, gone []string
	deadline := time.After(5 * time.Second)
	for len(added) == 0 {
		select {
		case ev := <-events:
			if ev.Kind != EventRoomStreamUpdate {
				continue
			}
			for _, s := range ev.Streams {
				if ev.UpdateType == protocol.UpdateAdd {
					added = append(added, s.StreamID)
				} else {
					gone = append(gone, s.StreamID)
				}
			}
		case <-deadline:
			t.Fatalf("no stream ADD after the login; gone: %v", gone)
		}
	}
	if len(added) != 1 || added[0] != "s" || len(gone) != 1 || gone[0] != "old" {
		t.Errorf("added %v, gone %v; want s added after old went", added, gone)
	}
	e.mu.Lock()
	_, known := r.streams["s"]
	e.mu.Unlock()
	if !known {
		t.Error("the room does not know the stream added during its login")
	}
}
