package interop

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// The codecs both sides speak: the page's name and getStats' MIME type for
// each of the engine's codecs.
var codecs = []struct {
	page, mime string
	engine     engine.VideoCodec
}{
	{"VP8", "video/VP8", engine.CodecVP8},
	{"H264", "video/H264", engine.CodecH264},
}

// autostart is the page's URL for user in room, logging in at once with a
// development token, then publishing and playing what the options say.
func autostart(room, user string, opts ...string) url.Values {
	q := url.Values{"appID": {"1"}, "roomID": {room}, "userID": {user}, "autostart": {"1"}}
	for i := 0; i+1 < len(opts); i += 2 {
		q.Add(opts[i], opts[i+1])
	}
	return q
}

// Chromium publishes its fake camera and microphone; a native engine plays
// them: the engine's view shows what the page's preview shows, the picture
// moves, the sound is not silent, and the stream ends for the engine when
// the page stops publishing.
func TestBrowserPublishesNativePlays(t *testing.T) {
	need(t)
	for _, c := range codecs {
		t.Run(c.page, func(t *testing.T) {
			srv := startParleyd(t)
			const room, stream = "interop-a", "web-cam"
			p := openPage(t, srv, autostart(room, "web", "publish", stream, "codec", c.page))
			p.await("publishing")

			n := newNative(t, srv, "native")
			n.login(room, "native")
			n.await("the page's stream in the room", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Streams[0].StreamID == stream
			})
			const w, h = 640, 360
			view := n.play(stream, w, h)
			n.await("first frame", func(ev engine.Event) bool {
				return ev.Kind == engine.EventPlayerRenderVideoFirstFrame && ev.StreamID == stream
			})
			size := n.await("video size", func(ev engine.Event) bool {
				return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.StreamID == stream
			})
			var sent pageStats
			eventually(t, 10*time.Second, func() (bool, string) {
				sent = p.stats(stream)
				return sent.FramesEncoded > 0, "the page's stats show no frame encoded"
			})
			if sent.Codec != c.mime {
				t.Fatalf("the page publishes %q, want %s", sent.Codec, c.mime)
			}
			if size.Width != sent.Width || size.Height != sent.Height {
				t.Fatalf("the engine decodes %dx%d, the page sends %dx%d", size.Width, size.Height, sent.Width, sent.Height)
			}

			// The engine shows the page's camera: most of the picture agrees
			// with the page's own preview (the camera's animation moves a little).
			var first *picture
			var seq uint64
			var alike, changed float64
			eventually(t, 10*time.Second, func() (bool, string) {
				first, seq = view.snapshot(t)
				preview := p.grab(stream)
				if seq == 0 || preview == nil {
					return false, "no frame in the engine's view or the page's preview"
				}
				alike = similarCells(first, preview, 8, 6, 40)
				return alike >= 0.75, fmt.Sprintf("the engine's view agrees with the page's preview in %.0f%% of the picture", 100*alike)
			})
			// The fake camera animates: the engine's picture changes.
			eventually(t, 5*time.Second, func() (bool, string) {
				later, seq2 := view.snapshot(t)
				changed = changedShare(first, later)
				return seq2 > seq && changed > 0.002, fmt.Sprintf("view frames %d → %d, %.2f%% of the pixels changed", seq, seq2, 100*changed)
			})
			// The fake microphone beeps: the engine hears it.
			peak := n.heardPeak(3 * time.Second)
			if peak < 1000 {
				t.Fatalf("the engine's remote audio peaks at %d over 3 s, want ≥ 1000", peak)
			}
			sent = p.stats(stream)
			t.Logf("%s from the page: %dx%d at %.0f fps, %.0f kbps; the engine's view matches the preview in %.0f%% "+
				"of the picture and changed in %.1f%%; audio peak %d", c.page, sent.Width, sent.Height, sent.FPS, sent.Kbps,
				100*alike, 100*changed, peak)

			p.eval("window.parley.unpublish()", nil)
			n.await("the page's stream ending", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateDelete && ev.Streams[0].StreamID == stream
			})
		})
	}
}

// A native engine publishes the test pattern and the test tone; Chromium
// plays them: frames decode at the size sent, in the codec sent, the page
// shows the pattern's picture and hears the tone.
func TestNativePublishesBrowserPlays(t *testing.T) {
	need(t)
	for _, c := range codecs {
		t.Run(c.page, func(t *testing.T) {
			srv := startParleyd(t)
			const room, stream, w, h = "interop-b", "native-cam", 640, 360
			n := newNative(t, srv, "native")
			n.login(room, "native")
			n.publish(stream, w, h, c.engine)

			p := openPage(t, srv, autostart(room, "web", "play", stream))
			playing := p.await("playing")
			var st pageStats
			eventually(t, 20*time.Second, func() (bool, string) {
				st = p.stats(stream)
				return st.FramesDecoded > 60 && st.AudioLevel > 0,
					fmt.Sprintf("the page decoded %d frames, audio level %.3f", st.FramesDecoded, st.AudioLevel)
			})
			if st.Width != w || st.Height != h || st.Codec != c.mime {
				t.Fatalf("the page decodes %s at %dx%d, the engine sends %s at %dx%d", st.Codec, st.Width, st.Height, c.mime, w, h)
			}
			checkShowsPattern(t, p, stream, w, h)
			first := p.await("first_frame")
			t.Logf("%s in the page: first frame %d ms after the play's answer, %dx%d at %.0f fps, %.0f kbps, RTT %.0f ms, audio level %.3f",
				c.page, first.Time-playing.Time, st.Width, st.Height, st.FPS, st.Kbps, st.RTT, st.AudioLevel)

			// The page's user is in the engine's room; its stop reaches nobody else.
			n.await("the page's user", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Users[0].UserID == "web"
			})
			p.eval(fmt.Sprintf("window.parley.stopPlay(%q)", stream), nil)
			p.await("play_stopped_by_user")
		})
	}
}

// Two native engines and a browser in one room, each publishing or playing:
// every member lists the same users and streams (all but its own), media
// flows every way at once, and leaving is seen by everyone.
func TestBrowserAndTwoEnginesInOneRoom(t *testing.T) {
	need(t)
	srv := startParleyd(t)
	const room, w, h = "interop-c", 320, 180
	alice, bob := newNative(t, srv, "alice"), newNative(t, srv, "bob")
	alice.login(room, "alice")
	alice.publish("alice-cam", w, h, engine.CodecVP8)
	carol := openPage(t, srv, autostart(room, "carol", "publish", "carol-cam", "play", "alice-cam"))
	carol.await("publishing")
	bob.login(room, "bob")
	bob.publish("bob-cam", w, h, engine.CodecH264)

	bobSeesCarol := bob.play("carol-cam", w, h)
	bobSeesAlice := bob.play("alice-cam", w, h)
	aliceSeesCarol := alice.play("carol-cam", w, h)
	carol.eval(`window.parley.play("bob-cam")`, nil)

	type member struct {
		user, stream string
		ids          func() (users, streams []string)
	}
	members := []member{{"alice", "alice-cam", alice.roomIDs}, {"bob", "bob-cam", bob.roomIDs}, {"carol", "carol-cam", carol.roomIDs}}
	consistent := func(present []member) func() (bool, string) {
		return func() (bool, string) {
			for _, m := range present {
				var wantUsers, wantStreams []string
				for _, o := range present {
					if o.user != m.user {
						wantUsers, wantStreams = append(wantUsers, o.user), append(wantStreams, o.stream)
					}
				}
				users, streams := m.ids()
				slices.Sort(users)
				slices.Sort(streams)
				if !slices.Equal(users, wantUsers) || !slices.Equal(streams, wantStreams) {
					return false, fmt.Sprintf("%s lists users %v and streams %v, want %v and %v", m.user, users, streams, wantUsers, wantStreams)
				}
			}
			return true, ""
		}
	}
	eventually(t, 15*time.Second, consistent(members))

	// Media every way at once.
	for name, v := range map[string]*shownView{"bob's view of carol": bobSeesCarol, "alice's view of carol": aliceSeesCarol} {
		eventually(t, 15*time.Second, func() (bool, string) {
			_, seq := v.snapshot(t)
			return seq > 10, fmt.Sprintf("%s shows %d frames", name, seq)
		})
	}
	eventually(t, 15*time.Second, func() (bool, string) {
		pic, _ := bobSeesAlice.snapshot(t)
		_, _, ok := source.DecodePatternRGBA(pic.rgba, pic.w, pic.h, pic.w*4)
		return ok, "bob's view of alice does not show the test pattern"
	})
	for _, s := range []string{"alice-cam", "bob-cam"} {
		eventually(t, 20*time.Second, func() (bool, string) {
			st := carol.stats(s)
			return st.FramesDecoded > 30, fmt.Sprintf("carol decoded %d frames of %s", st.FramesDecoded, s)
		})
		checkShowsPattern(t, carol, s, w, h)
	}
	if st := carol.stats("bob-cam"); st.Codec != "video/H264" {
		t.Errorf("carol decodes bob's stream as %q, want video/H264", st.Codec)
	}

	// Carol logs out: the others see her and her stream go.
	carol.eval("window.parley.logout()", nil)
	carol.await("logged_out")
	eventually(t, 15*time.Second, consistent(members[:2]))
	if users, streams := carol.roomIDs(); len(users)+len(streams) != 0 {
		t.Errorf("after logging out the page still lists %v and %v", users, streams)
	}
}

// The page reports the server's error codes, and plays a stream as soon as
// it is published when asked before.
func TestBrowserErrorsAndWaitingPlay(t *testing.T) {
	need(t)
	srv := startParleyd(t)
	const room = "interop-e"

	badSig := openPage(t, srv, autostart(room, "web-1", "token", "not-a-token"))
	if ev := badSig.awaitError(); ev.Code != int32(protocol.ErrRoomAuthFailed) || ev.Op != "login" {
		t.Errorf("login with a malformed token: %+v, want code %d", ev, protocol.ErrRoomAuthFailed)
	}
	other, err := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: "someone-else",
		Privileges: token.Privileges{LoginRoom: true}, ExpiresAt: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	wrongUser := openPage(t, srv, autostart(room, "web-2", "token", other))
	if ev := wrongUser.awaitError(); ev.Code != int32(protocol.ErrRoomTokenInvalid) {
		t.Errorf("login as another user than the token's: %+v, want code %d", ev, protocol.ErrRoomTokenInvalid)
	}

	// Asked to play a stream nobody publishes yet, the page waits for it.
	p := openPage(t, srv, autostart(room, "web-3", "play", "later-cam"))
	p.await("play_waiting")
	n := newNative(t, srv, "native")
	n.login(room, "native")
	n.publish("later-cam", 320, 180, engine.CodecVP8)
	p.await("playing")
	eventually(t, 15*time.Second, func() (bool, string) {
		st := p.stats("later-cam")
		return st.FramesDecoded > 10, fmt.Sprintf("the page decoded %d frames", st.FramesDecoded)
	})
	// The stream ends: the page's play stops and the stream leaves its list.
	if err := n.e.StopPublishing(engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	p.await("play_stopped")
	eventually(t, 5*time.Second, func() (bool, string) {
		_, streams := p.roomIDs()
		return len(streams) == 0, fmt.Sprintf("the page lists %v", streams)
	})
}

// awaitError waits for the page's first error event.
func (p *page) awaitError() pageEvent {
	p.t.Helper()
	var found pageEvent
	eventually(p.t, 15*time.Second, func() (ok bool, _ string) {
		found, ok = p.firstEvent("error")
		return ok, fmt.Sprintf("page %d logged no error", p.id)
	})
	return found
}
