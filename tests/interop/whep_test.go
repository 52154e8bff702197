package interop

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// whepStats is window.whep.stats of the WHEP player page (web/whep.html).
type whepStats struct {
	Codec         string  `json:"codec"`
	Width         int     `json:"width"`
	Height        int     `json:"height"`
	FPS           float64 `json:"fps"`
	FramesDecoded int     `json:"framesDecoded"`
	AudioLevel    float64 `json:"audioLevel"`
}

// A native engine publishes the test pattern and tone; headless Chromium
// plays the stream through parleyd's WHEP player, with a token that only
// grants the room's login: frames decode at the size and in the codec sent,
// the picture is the pattern, the sound is there, the player is a user of
// the room while it plays and leaves when it DELETEs its session.
func TestWHEPInChromium(t *testing.T) {
	needWHIP(t)
	for _, c := range codecs {
		t.Run(c.page, func(t *testing.T) {
			srv := startParleyd(t)
			const room, stream, w, h = "whep-room", "native-cam", 640, 360
			n := newNative(t, srv, "native")
			n.login(room, "native")
			n.publish(stream, w, h, c.engine)
			tok, err := token.Mint(config.DevServerSecret, token.Claims{AppID: config.DevAppID, UserID: "viewer", RoomID: room,
				Privileges: token.Privileges{LoginRoom: true}, ExpiresAt: time.Now().Add(10 * time.Minute)})
			if err != nil {
				t.Fatal(err)
			}
			p := openPageAt(t, srv, "whep.html", "window.whep", url.Values{"room": {room}, "stream": {stream}, "token": {tok}, "autostart": {"1"}})

			var st whepStats
			eventually(t, 20*time.Second, func() (bool, string) {
				p.eval("window.whep.stats", &st)
				return st.FramesDecoded > 60 && st.AudioLevel > 0,
					fmt.Sprintf("the WHEP player decoded %d frames, audio level %.3f", st.FramesDecoded, st.AudioLevel)
			})
			if st.Width != w || st.Height != h || st.Codec != c.mime {
				t.Fatalf("the WHEP player decodes %s at %dx%d, the engine sends %s at %dx%d", st.Codec, st.Width, st.Height, c.mime, w, h)
			}
			checkShowsPattern(t, p, stream, w, h)
			n.await("the WHEP viewer in the room", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Users[0].UserID == "viewer"
			})
			t.Logf("%s through WHEP: %dx%d at %.0f fps, %d frames decoded, audio level %.3f",
				c.page, st.Width, st.Height, st.FPS, st.FramesDecoded, st.AudioLevel)

			p.eval("window.whep.stop()", nil)
			n.await("the WHEP viewer leaving", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateDelete && ev.Users[0].UserID == "viewer"
			})
			eventually(t, 5*time.Second, func() (bool, string) {
				b, _ := os.ReadFile(srv.logPath)
				return strings.Contains(string(b), `msg="WHEP session ended"`) && strings.Contains(string(b), "by=DELETE"),
					"parleyd logged no WHEP session ended by DELETE"
			})
		})
	}
}
