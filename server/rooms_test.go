package server

import (
	"reflect"
	"strings"
	"testing"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// offers makes a publish and a play offer with a real pion client (no media
// flows unless the test accepts the answers).
func offers(t *testing.T) (pubOffer, playOffer string) {
	t.Helper()
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	p, pubOffer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	s, playOffer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return pubOffer, playOffer
}

func publish(c *testkit.Client, roomID, streamID, offer string) error {
	return c.Call(protocol.TypePublish, protocol.Publish{RoomID: roomID, StreamID: streamID, SDP: offer,
		ExtraInfo: "extra-" + streamID}, nil)
}

func TestLoginSnapshotAndUserUpdates(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	a, b, c := authed(t, s, 1), authed(t, s, 1), authed(t, s, 1)

	if ok := login(t, a, "room", "ua", true); len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("first login snapshot %+v", ok)
	}
	if err := publish(a, "room", "sa", pubOffer); err != nil {
		t.Fatal(err)
	}
	ok := login(t, b, "room", "ub", false)
	if !reflect.DeepEqual(ok.Users, []protocol.User{{UserID: "ua", UserName: "name-ua"}}) {
		t.Fatalf("snapshot users %+v", ok.Users)
	}
	if !reflect.DeepEqual(ok.Streams, []protocol.Stream{{UserID: "ua", UserName: "name-ua", StreamID: "sa",
		ExtraInfo: "extra-sa"}}) {
		t.Fatalf("snapshot streams %+v", ok.Streams)
	}
	if u := event[protocol.UserUpdate](t, a, protocol.TypeUserUpdate); u.UpdateType != protocol.UpdateAdd ||
		!reflect.DeepEqual(userIDs(u.Users), []string{"ub"}) || u.RoomID != "room" {
		t.Fatalf("a got %+v", u)
	}

	ok = login(t, c, "room", "uc", true)
	if !reflect.DeepEqual(userIDs(ok.Users), []string{"ua", "ub"}) {
		t.Fatalf("c snapshot %v", userIDs(ok.Users))
	}
	if u := event[protocol.UserUpdate](t, a, protocol.TypeUserUpdate); !reflect.DeepEqual(userIDs(u.Users), []string{"uc"}) {
		t.Fatalf("a got %+v", u)
	}
	noEvent(t, b) // b did not ask for user updates
	noEvent(t, c) // nobody hears about themselves

	if err := b.Call(protocol.TypeLogout, protocol.Logout{RoomID: "room"}, nil); err != nil {
		t.Fatal(err)
	}
	for _, x := range []*testkit.Client{a, c} {
		if u := event[protocol.UserUpdate](t, x, protocol.TypeUserUpdate); u.UpdateType != protocol.UpdateDelete ||
			!reflect.DeepEqual(userIDs(u.Users), []string{"ub"}) {
			t.Fatalf("got %+v", u)
		}
	}
	// Logout of a room one is not in is harmless.
	if err := b.Call(protocol.TypeLogout, protocol.Logout{RoomID: "room"}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestKickOut(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	a, a2, watcher := authed(t, s, 1), authed(t, s, 1), authed(t, s, 1)
	login(t, a, "room", "u", false)
	login(t, a, "room2", "u", false)
	login(t, watcher, "room", "w", true)
	if err := publish(a, "room", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	event[protocol.StreamUpdate](t, watcher, protocol.TypeStreamUpdate)

	ok := login(t, a2, "room", "u", false) // same user ID, second connection: it wins
	if !reflect.DeepEqual(userIDs(ok.Users), []string{"w"}) || len(ok.Streams) != 0 {
		t.Fatalf("a2 snapshot %+v", ok)
	}
	rooms := []string{}
	for range 2 {
		k := event[protocol.Kicked](t, a, protocol.TypeKicked)
		if k.Code != protocol.ErrRoomKickedOut {
			t.Fatalf("kicked with %d", k.Code)
		}
		rooms = append(rooms, k.RoomID)
	}
	if !reflect.DeepEqual(rooms, []string{"room", "room2"}) {
		t.Fatalf("kicked from %v", rooms)
	}
	// The watcher sees the old session's stream end, then u leave and come back.
	if su := event[protocol.StreamUpdate](t, watcher, protocol.TypeStreamUpdate); su.UpdateType != protocol.UpdateDelete {
		t.Fatalf("watcher stream update %+v", su)
	}
	del := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	add := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if del.UpdateType != protocol.UpdateDelete || add.UpdateType != protocol.UpdateAdd ||
		userIDs(del.Users)[0] != "u" || userIDs(add.Users)[0] != "u" {
		t.Fatalf("watcher user updates %+v %+v", del, add)
	}
	noEvent(t, watcher)
	// The kicked connection stays open but is in no room.
	wantCode(t, publish(a, "room", "s2", pubOffer), protocol.ErrNotLoggedIn)
	// A late joiner sees one u, not two.
	late := authed(t, s, 1)
	if ok := login(t, late, "room", "late", false); !reflect.DeepEqual(userIDs(ok.Users), []string{"w", "u"}) {
		t.Fatalf("late snapshot %v", userIDs(ok.Users))
	}
}

func TestStreamIDRules(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "room", "ua", false)
	login(t, b, "other-room", "ub", false)
	if err := publish(a, "room", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	wantCode(t, publish(b, "other-room", "s", pubOffer), protocol.ErrPublishStreamIDInUse)
	wantCode(t, publish(a, "room", "s", pubOffer), protocol.ErrPublishAlreadyPublishing)
	if err := a.Call(protocol.TypeUnpublish, protocol.Unpublish{StreamID: "s"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := publish(b, "other-room", "s", pubOffer); err != nil {
		t.Fatalf("stream ID free again: %v", err)
	}
}

func TestAppsNeverMeet(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	a, b := authed(t, s, config.DevAppID), authed(t, s, app2)
	login(t, a, "room", "u", true)
	if err := publish(a, "room", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	ok := login(t, b, "room", "u", true) // same room, user and stream IDs in another app
	if len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("app 2 sees app 1: %+v", ok)
	}
	if err := publish(b, "room", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	noEvent(t, a)
	noEvent(t, b)
}

func TestRoomDroppedWhenEmpty(t *testing.T) {
	s := startServer(t)
	pubOffer, _ := offers(t)
	a := authed(t, s, 1)
	if err := a.Call(protocol.TypeLogin, protocol.Login{RoomID: "room", UserID: "ua", MaxMemberCount: 1}, nil); err != nil {
		t.Fatal(err)
	}
	if err := publish(a, "room", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	full := authed(t, s, 1)
	_, err := full.Login("room", "ub", false)
	wantCode(t, err, protocol.ErrRoomUserLimit)
	a.Close()
	// The room went with its last member: no users, no streams, no limit.
	b, c := authed(t, s, 1), authed(t, s, 1)
	var ok protocol.LoginOK
	waitUntil(t, "a's disconnect to free the room", func() bool {
		var err error
		ok, err = b.Login("room", "ub", false)
		if err != nil && protocol.CodeOf(err) != protocol.ErrRoomUserLimit {
			t.Fatal(err)
		}
		return err == nil
	})
	if len(ok.Users) != 0 || len(ok.Streams) != 0 {
		t.Fatalf("snapshot of a dropped room %+v", ok)
	}
	if _, err := c.Login("room", "uc", false); err != nil {
		t.Fatalf("old member limit still applies: %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	s := startServer(t)
	pubOffer, playOffer := offers(t)
	c := authed(t, s, 1)
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		name string
		typ  string
		data any
		code protocol.Code
	}{
		{"unknown type", "dance", map[string]int{}, protocol.ErrProtocol},
		{"missing data", protocol.TypeLogin, nil, protocol.ErrProtocol},
		{"wrong field type", protocol.TypeLogin, map[string]int{"room_id": 1}, protocol.ErrProtocol},
		{"bad room ID", protocol.TypeLogin, protocol.Login{RoomID: "a room", UserID: "u"}, protocol.ErrInvalidRoomID},
		{"long room ID", protocol.TypeLogin, protocol.Login{RoomID: long(129), UserID: "u"}, protocol.ErrInvalidRoomID},
		{"empty user ID", protocol.TypeLogin, protocol.Login{RoomID: "r", UserID: ""}, protocol.ErrInvalidUserID},
		{"bad user ID", protocol.TypeLogin, protocol.Login{RoomID: "r", UserID: "ü"}, protocol.ErrInvalidUserID},
		{"long user name", protocol.TypeLogin, protocol.Login{RoomID: "r", UserID: "u", UserName: long(257)}, protocol.ErrInvalidUserName},
		{"publish before login", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: pubOffer}, protocol.ErrNotLoggedIn},
		{"play before login", protocol.TypePlay, protocol.Play{StreamID: "s", SDP: playOffer}, protocol.ErrNotLoggedIn},
		{"bad stream ID", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s/1", SDP: pubOffer}, protocol.ErrInvalidStreamID},
		{"long extra info", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", ExtraInfo: long(1025), SDP: pubOffer}, protocol.ErrInvalidExtraInfo},
		{"bad logout room", protocol.TypeLogout, protocol.Logout{RoomID: ""}, protocol.ErrInvalidRoomID},
		{"bad stop_play", protocol.TypeStopPlay, protocol.StopPlay{StreamID: "?"}, protocol.ErrInvalidStreamID},
	}
	for _, tc := range cases {
		if err := c.Call(tc.typ, tc.data, nil); protocol.CodeOf(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code.Name())
		}
	}
	login(t, c, "r", "u", false)
	more := []struct {
		name string
		typ  string
		data any
		code protocol.Code
	}{
		{"empty SDP", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s"}, protocol.ErrPublishSDPInvalid},
		{"garbage SDP", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: "v=0\r\nnonsense"}, protocol.ErrPublishSDPInvalid},
		{"huge SDP", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: long(protocol.MaxSDPBytes + 1)}, protocol.ErrPublishSDPInvalid},
		{"play offer to publish", protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: "s", SDP: playOffer}, protocol.ErrPublishSDPInvalid},
		{"publish in another room", protocol.TypePublish, protocol.Publish{RoomID: "r2", StreamID: "s", SDP: pubOffer}, protocol.ErrNotLoggedIn},
		{"play nothing", protocol.TypePlay, protocol.Play{StreamID: "nobody", SDP: playOffer}, protocol.ErrPlayStreamNotFound},
		{"login twice", protocol.TypeLogin, protocol.Login{RoomID: "r", UserID: "u"}, protocol.ErrRoomAlreadyLoggedIn},
		{"other user ID", protocol.TypeLogin, protocol.Login{RoomID: "r2", UserID: "v"}, protocol.ErrRoomUserIDMismatch},
	}
	for _, tc := range more {
		if err := c.Call(tc.typ, tc.data, nil); protocol.CodeOf(err) != tc.code {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.code.Name())
		}
	}
	if err := publish(c, "r", "s", pubOffer); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.Call(protocol.TypePlay, protocol.Play{StreamID: "s", SDP: pubOffer}, nil), protocol.ErrPlaySDPInvalid)

	// Raw garbage and requests without an ID get an error with ID 0.
	for _, raw := range []string{`not json`, `{"type":"login","data":{}}`, `{"id":5}`, `[1,2]`} {
		if err := c.SendRaw([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		env, err := c.Event()
		if err != nil || env.Type != protocol.TypeError {
			t.Fatalf("%s: %v %+v", raw, err, env)
		}
		wantCode(t, testkit.Result(env, nil), protocol.ErrProtocol)
	}
	// Unpublish and stop_play of things not held are harmless.
	if err := c.Call(protocol.TypeUnpublish, protocol.Unpublish{StreamID: "never"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Call(protocol.TypeStopPlay, protocol.StopPlay{StreamID: "never"}, nil); err != nil {
		t.Fatal(err)
	}
	// The connection survived it all, and so did the server.
	login(t, c, "r3", "u", false)
	login(t, authed(t, s, 1), "r", "other", false)
}

func TestOversizedMessageClosesConnection(t *testing.T) {
	s := startServer(t)
	c := authed(t, s, 1)
	big := `{"type":"login","id":1,"data":{"room_id":"` + strings.Repeat("r", protocol.MaxMessageBytes) + `"}}`
	_ = c.SendRaw([]byte(big))
	waitClosed(t, c)
	login(t, authed(t, s, 1), "r", "u", false)
}

func TestDisconnectEndsSession(t *testing.T) {
	s := startServer(t)
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	pub, pubOffer, err := testkit.NewPublisher(api)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	sub, playOffer, err := testkit.NewSubscriber(api)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	a, b, c := authed(t, s, 1), authed(t, s, 1), authed(t, s, 1)
	login(t, a, "room", "ua", false)
	login(t, b, "room", "ub", true)
	login(t, c, "elsewhere", "uc", false) // plays across rooms of the app
	var ans protocol.SDPAnswer
	if err := a.Call(protocol.TypePublish, protocol.Publish{RoomID: "room", StreamID: "sa", SDP: pubOffer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := pub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}
	event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)
	if err := c.Call(protocol.TypePlay, protocol.Play{StreamID: "sa", SDP: playOffer}, &ans); err != nil {
		t.Fatal(err)
	}
	if err := sub.Accept(ans.SDP); err != nil {
		t.Fatal(err)
	}

	a.Close()
	su := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)
	if su.UpdateType != protocol.UpdateDelete || !reflect.DeepEqual(streamIDs(su.Streams), []string{"sa"}) {
		t.Fatalf("stream update %+v", su)
	}
	if u := event[protocol.UserUpdate](t, b, protocol.TypeUserUpdate); u.UpdateType != protocol.UpdateDelete ||
		userIDs(u.Users)[0] != "ua" {
		t.Fatalf("user update %+v", u)
	}
	if ps := event[protocol.PlayStopped](t, c, protocol.TypePlayStopped); ps.StreamID != "sa" {
		t.Fatalf("play stopped %+v", ps)
	}
	noEvent(t, c)
	// The stream and its user ID are free again.
	a2 := authed(t, s, 1)
	login(t, a2, "room", "ua", false)
	wantCode(t, c.Call(protocol.TypePlay, protocol.Play{StreamID: "sa", SDP: playOffer}, nil), protocol.ErrPlayStreamNotFound)
}
