package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
)

// Each limit answers the client over it with its own code, and the others
// notice nothing (docs/security.md).

func withLimits(edit func(*config.Limits)) func(*config.Config) {
	return func(c *config.Config) { edit(&c.Limits) }
}

func TestRoomMemberLimit(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.MaxRoomMembers = 2 }))
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "full", "a", true)
	login(t, b, "full", "b", false)
	c := authed(t, s, 1)
	_, err := c.Login("full", "c", false)
	wantCode(t, err, protocol.ErrRoomUserLimit)
	// The members saw no one come or go; c can still use another room.
	event[protocol.UserUpdate](t, a, protocol.TypeUserUpdate) // b joining
	noEvent(t, a)
	login(t, c, "other", "c", false)
}

func TestRoomsPerSessionLimit(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.RoomsPerSession = 2 }))
	c := authed(t, s, 1)
	login(t, c, "r1", "u", false)
	login(t, c, "r2", "u", false)
	_, err := c.Login("r3", "u", false)
	wantCode(t, err, protocol.ErrRoomCountExceeded)
	if err := c.Call(protocol.TypeLogout, protocol.Logout{RoomID: "r1"}, nil); err != nil {
		t.Fatal(err)
	}
	login(t, c, "r3", "u", false)
}

func TestStreamsPerSessionLimit(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.StreamsPerSession = 1 }))
	api, err := testkit.NewAPI()
	if err != nil {
		t.Fatal(err)
	}
	a, b := authed(t, s, 1), authed(t, s, 1)
	login(t, a, "r", "a", false)
	login(t, b, "r", "b", false)
	publish := func(streamID string) error {
		pub, offer, err := testkit.NewPublisher(api)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pub.Close)
		var ans protocol.SDPAnswer
		return a.Call(protocol.TypePublish, protocol.Publish{RoomID: "r", StreamID: streamID, SDP: offer}, &ans)
	}
	if err := publish("s1"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, publish("s2"), protocol.ErrPublishStreamLimit)
	su := event[protocol.StreamUpdate](t, b, protocol.TypeStreamUpdate)
	if len(su.Streams) != 1 || su.Streams[0].StreamID != "s1" {
		t.Fatalf("b saw %+v, want s1 alone", su)
	}
	noEvent(t, b)
}

func TestOversizedMessageIsAnsweredThenClosed(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.MessageBytes = config.MinMessageBytes }))
	other := authed(t, s, 1)
	login(t, other, "r", "other", false)
	c := authed(t, s, 1)
	big := `{"type":"login","id":7,"data":{"room_id":"` + strings.Repeat("r", config.MinMessageBytes) + `"}}`
	_ = c.SendRaw([]byte(big))
	env, err := c.Event()
	if err != nil {
		t.Fatal(err)
	}
	var body protocol.ErrorBody
	if env.Type != protocol.TypeError || json.Unmarshal(env.Data, &body) != nil || body.Code != protocol.ErrMessageTooLarge {
		t.Fatalf("got %s %s, want an error with MESSAGE_TOO_LARGE", env.Type, env.Data)
	}
	waitClosed(t, c)
	noEvent(t, other)
	login(t, authed(t, s, 1), "r", "u", false)
}

func TestMessageRateLimit(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.MessagesPerSecond, l.MessageBurst = 5, 10 }))
	c := authed(t, s, 1) // hello and auth spent 2 of the burst
	login(t, c, "r", "u", false)
	limited := 0
	for range 20 {
		err := c.Call(protocol.TypeStopPlay, protocol.StopPlay{StreamID: "none"}, nil)
		if protocol.CodeOf(err) == protocol.ErrRateLimited {
			limited++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if limited < 10 {
		t.Fatalf("%d of 20 requests refused past a burst of 10, want at least 10", limited)
	}
	// Another connection has its own budget.
	login(t, authed(t, s, 1), "r", "v", false)
}

func TestLoginRatePerAddress(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.LoginsPerIPPerSecond, l.LoginBurst = 1, 3 }))
	a := authed(t, s, 1) // one attempt: the auth
	login(t, a, "r1", "u", false)
	login(t, a, "r2", "u", false)
	_, err := a.Login("r3", "u", false)
	wantCode(t, err, protocol.ErrLoginRateLimited)
	// A new connection from the same address does not get a new budget: its
	// auth is refused and the connection closed.
	b := dial(t, s)
	_, err = b.Handshake(1, config.DevAppSign)
	wantCode(t, err, protocol.ErrLoginRateLimited)
	waitClosed(t, b)
}

func TestConnectionsPerAddress(t *testing.T) {
	s := startServerWith(t, withLimits(func(l *config.Limits) { l.ConnectionsPerIP = 2 }))
	a := authed(t, s, 1)
	b := authed(t, s, 1)
	login(t, a, "r", "a", false)
	_, err := testkit.Dial(s.URL())
	if err == nil {
		t.Fatal("a third connection from one address was let in")
	}
	// The refusal is an HTTP 429 whose body carries the code.
	hdr := http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"},
		"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
	req, _ := http.NewRequest(http.MethodGet, strings.Replace(s.URL(), "ws://", "http://", 1)+"/ws", nil)
	req.Header = hdr
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body protocol.ErrorBody
	if resp.StatusCode != http.StatusTooManyRequests || json.NewDecoder(resp.Body).Decode(&body) != nil ||
		body.Code != protocol.ErrConnectionLimit {
		t.Fatalf("status %d, code %d; want 429 with CONNECTION_LIMIT", resp.StatusCode, body.Code)
	}
	// Closing one lets the next in; a and b never noticed.
	b.Close()
	waitUntil(t, "a free connection slot", func() bool {
		c, err := testkit.Dial(s.URL())
		if err != nil {
			return false
		}
		c.Close()
		return true
	})
	login(t, a, "r2", "a", false)
}

func TestLimitsConfig(t *testing.T) {
	for _, tc := range []struct {
		json string
		ok   bool
	}{
		{`{"apps":[` + devApp + `]}`, true},
		{`{"apps":[` + devApp + `],"limits":{"max_room_members":10,"message_bytes":20000}}`, true},
		{`{"apps":[` + devApp + `],"limits":{"rooms_per_session":-1}}`, false},
		{`{"apps":[` + devApp + `],"limits":{"message_bytes":100}}`, false},
		{`{"apps":[` + devApp + `],"limits":{"message_bytes":1000000}}`, false},
		{`{"apps":[` + devApp + `],"limits":{"max_rooms":3}}`, false},
	} {
		c, err := config.Parse([]byte(tc.json))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok=%v", tc.json, err, tc.ok)
			continue
		}
		if err != nil && protocol.CodeOf(err) != protocol.ErrServerConfigInvalid {
			t.Errorf("%s: code %d, want SERVER_CONFIG_INVALID", tc.json, protocol.CodeOf(err))
		}
		if err == nil && c.Limits.ConnectionsPerIP != config.DefaultLimits().ConnectionsPerIP {
			t.Errorf("%s: connections_per_ip %d, want the default", tc.json, c.Limits.ConnectionsPerIP)
		}
	}
}

var devApp = `{"app_id":1,"app_sign":"` + config.DevAppSign + `","server_secret":"` + config.DevServerSecret + `"}`
