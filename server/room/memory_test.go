package room

import (
	"fmt"
	"reflect"
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/protocol"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// rec is a Sink that records events, and the replies of its own calls, in
// one log so tests can check their order.
type rec struct{ log []Event }

func (r *rec) Deliver(e Event) { r.log = append(r.log, e) }

func (r *rec) take() []Event { l := r.log; r.log = nil; return l }

// fixture: a directory and sessions by name.
type fixture struct {
	t     *testing.T
	d     *Memory
	ids   map[string]SessionID
	sinks map[string]*rec
	next  SessionID
	pubID PublicationID
}

func newFixture(t *testing.T) *fixture {
	return &fixture{t: t, d: NewMemory(), ids: map[string]SessionID{}, sinks: map[string]*rec{}}
}

func (f *fixture) connect(name string, app uint32) {
	f.next++
	f.ids[name] = f.next
	f.sinks[name] = &rec{}
	f.d.Connect(app, f.next, f.sinks[name])
}

func (f *fixture) login(name, roomID, userID string, notify bool) (protocol.LoginOK, Changes, error) {
	var got protocol.LoginOK
	ch, err := f.d.Login(f.ids[name], protocol.Login{RoomID: roomID, UserID: userID, UserName: "name-" + userID,
		UserStatusNotify: notify}, func(ok protocol.LoginOK) {
		got = ok
		f.sinks[name].Deliver(Event{Type: "reply"})
	})
	return got, ch, err
}

func (f *fixture) mustLogin(name, roomID, userID string, notify bool) protocol.LoginOK {
	f.t.Helper()
	ok, _, err := f.login(name, roomID, userID, notify)
	if err != nil {
		f.t.Fatalf("login %s: %v", name, err)
	}
	f.sinks[name].take()
	return ok
}

func (f *fixture) publish(name, roomID, streamID string) error {
	f.pubID++
	return f.d.Publish(f.ids[name], Publication{ID: f.pubID, RoomID: roomID, StreamID: streamID}, func() {})
}

func (f *fixture) play(name, streamID string) error {
	pub, err := f.d.Stream(f.ids[name], streamID)
	if err != nil {
		return err
	}
	return f.d.Play(f.ids[name], streamID, pub, func() {})
}

func (f *fixture) clear() {
	for _, s := range f.sinks {
		s.take()
	}
}

func wantCode(t *testing.T, err error, c protocol.Code) {
	t.Helper()
	if protocol.CodeOf(err) != c {
		t.Fatalf("got %v, want %s", err, c.Name())
	}
}

// describe renders events compactly: "user_update r ADD u2".
func describe(evs []Event) []string {
	var out []string
	for _, e := range evs {
		switch d := e.Data.(type) {
		case protocol.UserUpdate:
			out = append(out, fmt.Sprintf("user %s %d %v", d.RoomID, d.UpdateType, d.Users))
		case protocol.StreamUpdate:
			ids := []string{}
			for _, s := range d.Streams {
				ids = append(ids, s.UserID+"/"+s.StreamID)
			}
			out = append(out, fmt.Sprintf("stream %s %d %v", d.RoomID, d.UpdateType, ids))
		case protocol.Kicked:
			out = append(out, fmt.Sprintf("kicked %s %d", d.RoomID, d.Code))
		case protocol.PlayStopped:
			out = append(out, fmt.Sprintf("play_stopped %s %d", d.StreamID, d.Code))
		case protocol.PublishStopped:
			out = append(out, fmt.Sprintf("publish_stopped %s %d", d.StreamID, d.Code))
		default:
			out = append(out, e.Type)
		}
	}
	return out
}

func expect(t *testing.T, who string, r *rec, want ...string) {
	t.Helper()
	got := describe(r.take())
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s got events\n  %q\nwant\n  %q", who, got, want)
	}
}

func TestLoginSnapshotAndUserUpdates(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"a", "b", "c"} {
		f.connect(n, 1)
	}
	if ok := f.mustLogin("a", "r", "ua", true); len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("first login snapshot %+v", ok)
	}
	if err := f.publish("a", "r", "sa"); err != nil {
		t.Fatal(err)
	}
	ok := f.mustLogin("b", "r", "ub", false)
	if !reflect.DeepEqual(ok.Users, []protocol.User{{UserID: "ua", UserName: "name-ua"}}) {
		t.Fatalf("b snapshot users %+v", ok.Users)
	}
	if len(ok.Streams) != 1 || ok.Streams[0].StreamID != "sa" || ok.Streams[0].UserID != "ua" {
		t.Fatalf("b snapshot streams %+v", ok.Streams)
	}
	expect(t, "a", f.sinks["a"], "user r 0 [{ub name-ub}]")

	// c logs in: a (notify) hears of it, b (no notify) does not, c hears nothing of itself.
	_, _, err := f.login("c", "r", "uc", true)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, "a", f.sinks["a"], "user r 0 [{uc name-uc}]")
	expect(t, "b", f.sinks["b"])
	expect(t, "c", f.sinks["c"], "reply")

	f.d.Logout(f.ids["b"], "r")
	expect(t, "a", f.sinks["a"], "user r 1 [{ub name-ub}]")
	expect(t, "c", f.sinks["c"], "user r 1 [{ub name-ub}]")
	expect(t, "b", f.sinks["b"])
}

func TestStreamUpdatesGoToEveryoneButPublisher(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.connect("b", 1)
	f.mustLogin("a", "r", "ua", false)
	f.mustLogin("b", "r", "ub", false)
	if err := f.publish("a", "r", "s1"); err != nil {
		t.Fatal(err)
	}
	expect(t, "a", f.sinks["a"])
	expect(t, "b", f.sinks["b"], "stream r 0 [ua/s1]")
	ch := f.d.Unpublish(f.ids["a"], "s1")
	if len(ch.EndedPublications) != 1 || ch.EndedPublications[0].StreamID != "s1" {
		t.Fatalf("changes %+v", ch)
	}
	expect(t, "b", f.sinks["b"], "stream r 1 [ua/s1]")
	if ch := f.d.Unpublish(f.ids["a"], "s1"); !ch.Empty() {
		t.Fatalf("second unpublish: %+v", ch)
	}
}

func TestPublishRules(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.connect("b", 1)
	f.mustLogin("a", "r", "ua", false)
	f.mustLogin("b", "r2", "ub", false)
	wantCode(t, f.publish("a", "other-room", "s"), protocol.ErrNotLoggedIn)
	wantCode(t, f.d.CheckPublish(f.ids["a"], "other-room", "s"), protocol.ErrNotLoggedIn)
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.publish("a", "r", "s"), protocol.ErrPublishAlreadyPublishing)
	// Stream IDs are unique per app, across rooms.
	wantCode(t, f.d.CheckPublish(f.ids["b"], "r2", "s"), protocol.ErrPublishStreamIDInUse)
	wantCode(t, f.publish("b", "r2", "s"), protocol.ErrPublishStreamIDInUse)
	// A user may publish a second stream (the AUX channel).
	if err := f.publish("a", "r", "s-aux"); err != nil {
		t.Fatal(err)
	}
	f.d.Unpublish(f.ids["a"], "s")
	if err := f.publish("b", "r2", "s"); err != nil {
		t.Fatalf("stream ID free again: %v", err)
	}
}

func TestLoginRules(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.mustLogin("a", "r", "ua", false)
	_, _, err := f.login("a", "r", "ua", false)
	wantCode(t, err, protocol.ErrRoomAlreadyLoggedIn)
	_, _, err = f.login("a", "r2", "other", false)
	wantCode(t, err, protocol.ErrRoomUserIDMismatch)
	f.mustLogin("a", "r2", "ua", false) // several rooms, one user ID
	// After leaving every room, the connection may log in as someone else.
	f.d.Logout(f.ids["a"], "r")
	f.d.Logout(f.ids["a"], "r2")
	f.mustLogin("a", "r3", "someone-else", false)
}

func TestUserLimit(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"a", "b", "c", "a2"} {
		f.connect(n, 1)
	}
	_, err := f.d.Login(f.ids["a"], protocol.Login{RoomID: "r", UserID: "ua", MaxMemberCount: 2}, func(protocol.LoginOK) {})
	if err != nil {
		t.Fatal(err)
	}
	f.mustLogin("b", "r", "ub", false)
	_, _, err = f.login("c", "r", "uc", false)
	wantCode(t, err, protocol.ErrRoomUserLimit)
	// The same user logging in again takes its own seat.
	f.mustLogin("a2", "r", "ua", false)
}

func TestKickOut(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"a", "a2", "b"} {
		f.connect(n, 1)
	}
	f.mustLogin("a", "r", "ua", false)
	f.mustLogin("a", "r2", "ua", false)
	f.mustLogin("b", "r", "ub", true)
	if err := f.publish("a", "r", "sa"); err != nil {
		t.Fatal(err)
	}
	if err := f.play("b", "sa"); err != nil {
		t.Fatal(err)
	}
	f.clear()

	_, ch, err := f.login("a2", "r", "ua", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.EndedPublications) != 1 || ch.EndedPublications[0].StreamID != "sa" {
		t.Fatalf("changes %+v", ch)
	}
	expect(t, "a", f.sinks["a"], "kicked r 1002050", "kicked r2 1002050")
	expect(t, "b", f.sinks["b"], "stream r 1 [ua/sa]", "play_stopped sa 0", "user r 1 [{ua name-ua}]",
		"user r 0 [{ua name-ua}]")
	expect(t, "a2", f.sinks["a2"], "reply")

	// The kicked connection is in no room and holds no user any more.
	wantCode(t, f.publish("a", "r", "x"), protocol.ErrNotLoggedIn)
	if _, err := f.d.Stream(f.ids["b"], "sa"); protocol.CodeOf(err) != protocol.ErrPlayStreamNotFound {
		t.Fatalf("stream sa still there: %v", err)
	}
}

func TestAppsAreIsolated(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.connect("b", 2)
	f.mustLogin("a", "r", "u", true)
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	ok := f.mustLogin("b", "r", "u", true) // same room, user and stream IDs, other app
	if len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("app 2 sees app 1: %+v", ok)
	}
	if err := f.publish("b", "r", "s"); err != nil {
		t.Fatalf("stream ID of another app: %v", err)
	}
	expect(t, "a", f.sinks["a"])
	_, err := f.d.Stream(f.ids["b"], "s")
	if err != nil {
		t.Fatal(err)
	}
}

func TestRoomDroppedWhenEmpty(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.connect("b", 1)
	_, err := f.d.Login(f.ids["a"], protocol.Login{RoomID: "r", UserID: "ua", MaxMemberCount: 1}, func(protocol.LoginOK) {})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	f.d.Disconnect(f.ids["a"])
	// A fresh room: empty snapshot, and the old member limit is gone.
	ok := f.mustLogin("b", "r", "ub", false)
	if len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("snapshot %+v", ok)
	}
	if len(f.d.apps[1].rooms) != 1 {
		t.Fatalf("rooms %v", f.d.apps[1].rooms)
	}
	f.d.Disconnect(f.ids["b"])
	if len(f.d.apps) != 0 || len(f.d.sessions) != 0 {
		t.Fatalf("state left: %v %v", f.d.apps, f.d.sessions)
	}
}

func TestDisconnectEndsEverything(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"a", "b", "c"} {
		f.connect(n, 1)
	}
	f.mustLogin("a", "r", "ua", true)
	f.mustLogin("b", "r", "ub", true)
	f.mustLogin("c", "other", "uc", false)
	if err := f.publish("a", "r", "sa"); err != nil {
		t.Fatal(err)
	}
	if err := f.publish("b", "r", "sb"); err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]string{{"b", "sa"}, {"c", "sa"}, {"a", "sb"}} {
		if err := f.play(p[0], p[1]); err != nil {
			t.Fatal(err)
		}
	}
	f.clear()
	ch := f.d.Disconnect(f.ids["a"])
	if len(ch.EndedPublications) != 1 || len(ch.EndedPlays) != 1 || ch.EndedPlays[0].StreamID != "sb" {
		t.Fatalf("changes %+v", ch)
	}
	expect(t, "b", f.sinks["b"], "stream r 1 [ua/sa]", "play_stopped sa 0", "user r 1 [{ua name-ua}]")
	expect(t, "c", f.sinks["c"], "play_stopped sa 0")
	// b's stream lost a player and lives on.
	if _, err := f.d.Stream(f.ids["c"], "sb"); err != nil {
		t.Fatal(err)
	}
}

func TestPlayRules(t *testing.T) {
	f := newFixture(t)
	f.connect("a", 1)
	f.connect("b", 1)
	_, err := f.d.Stream(f.ids["b"], "s")
	wantCode(t, err, protocol.ErrNotLoggedIn)
	f.mustLogin("a", "r", "ua", false)
	f.mustLogin("b", "r", "ub", false)
	_, err = f.d.Stream(f.ids["b"], "s")
	wantCode(t, err, protocol.ErrPlayStreamNotFound)
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	pub, err := f.d.Stream(f.ids["b"], "s")
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.d.Play(f.ids["b"], "s", pub+100, func() {}), protocol.ErrPlayStreamNotFound)
	if err := f.d.Play(f.ids["b"], "s", pub, func() {}); err != nil {
		t.Fatal(err)
	}
	ch := f.d.StopPlay(f.ids["b"], "s")
	if len(ch.EndedPlays) != 1 {
		t.Fatalf("changes %+v", ch)
	}
	// Logging out of the last room stops plays.
	if err := f.play("b", "s"); err != nil {
		t.Fatal(err)
	}
	f.clear()
	ch = f.d.Logout(f.ids["b"], "r")
	if len(ch.EndedPlays) != 1 || ch.EndedPlays[0].Publication != pub {
		t.Fatalf("logout changes %+v", ch)
	}
	expect(t, "b", f.sinks["b"])
}

func TestMediaGone(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"a", "b"} {
		f.connect(n, 1)
	}
	f.mustLogin("a", "r", "ua", false)
	f.mustLogin("b", "r", "ub", false)
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	pub := f.pubID
	if err := f.play("b", "s"); err != nil {
		t.Fatal(err)
	}
	f.clear()

	// The player's media connection died: only the player hears of it.
	ch := f.d.EndPlay(f.ids["b"], pub, protocol.ErrPlayNetwork)
	if len(ch.EndedPlays) != 1 {
		t.Fatalf("changes %+v", ch)
	}
	expect(t, "b", f.sinks["b"], "play_stopped s 1004030")
	if ch := f.d.EndPlay(f.ids["b"], pub, protocol.ErrPlayNetwork); !ch.Empty() {
		t.Fatalf("second EndPlay %+v", ch)
	}
	expect(t, "b", f.sinks["b"])

	// The publisher's media connection died: the stream ends for everyone.
	if err := f.play("b", "s"); err != nil {
		t.Fatal(err)
	}
	ch = f.d.EndPublication(pub, protocol.ErrPublishNetwork)
	if len(ch.EndedPublications) != 1 {
		t.Fatalf("changes %+v", ch)
	}
	expect(t, "a", f.sinks["a"], "publish_stopped s 1003025")
	expect(t, "b", f.sinks["b"], "stream r 1 [ua/s]", "play_stopped s 0")
	if ch := f.d.EndPublication(pub, protocol.ErrPublishNetwork); !ch.Empty() {
		t.Fatalf("second EndPublication %+v", ch)
	}
	// The stream ID is free for a new publication, which an old failure
	// report cannot end.
	if err := f.publish("a", "r", "s"); err != nil {
		t.Fatal(err)
	}
	if ch := f.d.EndPublication(pub, protocol.ErrPublishNetwork); !ch.Empty() {
		t.Fatalf("stale EndPublication ended the new publication: %+v", ch)
	}
}

func TestStreamStateReachesRoomAndPlayersAndSnapshots(t *testing.T) {
	f := newFixture(t)
	f.connect("pub", 1)
	f.connect("peer", 1)
	f.connect("far", 1) // in another room, plays the stream
	f.mustLogin("pub", "r", "u-pub", false)
	f.mustLogin("peer", "r", "u-peer", false)
	f.mustLogin("far", "r2", "u-far", false)
	if err := f.publish("pub", "r", "s"); err != nil {
		t.Fatal(err)
	}
	if err := f.play("far", "s"); err != nil {
		t.Fatal(err)
	}
	f.clear()
	st := protocol.StreamState{StreamID: "s", VideoState: protocol.DeviceMute, AudioState: protocol.DeviceDisable}
	replied := false
	if err := f.d.SetStreamState(f.ids["pub"], st, func() { replied = true }); err != nil || !replied {
		t.Fatalf("SetStreamState: %v (replied %v)", err, replied)
	}
	want := protocol.StreamStateUpdate{RoomID: "r", StreamID: "s", UserID: "u-pub", VideoState: protocol.DeviceMute, AudioState: protocol.DeviceDisable}
	for _, who := range []string{"peer", "far"} {
		got := f.sinks[who].take()
		if len(got) != 1 || got[0].Type != protocol.TypeStreamStateUpdate || got[0].Data != want {
			t.Errorf("%s got %+v, want one %+v", who, got, want)
		}
	}
	if got := f.sinks["pub"].take(); len(got) != 0 {
		t.Errorf("the publisher was told of its own state: %+v", got)
	}
	wantCode(t, f.d.SetStreamState(f.ids["peer"], st, func() {}), protocol.ErrInvalidStreamID)
	// A later login sees the state in the snapshot.
	f.connect("late", 1)
	ok := f.mustLogin("late", "r", "u-late", false)
	if len(ok.Streams) != 1 || ok.Streams[0].VideoState != protocol.DeviceMute || ok.Streams[0].AudioState != protocol.DeviceDisable {
		t.Fatalf("snapshot streams %+v, want the muted state", ok.Streams)
	}
}
