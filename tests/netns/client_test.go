package netns

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/internal/testsource"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// The environment of a client process.
const (
	envRole   = "PARLEY_NETNS_ROLE"   // rolePublisher or rolePlayer
	envServer = "PARLEY_NETNS_SERVER" // the server's ws:// URL
	envRoom   = "PARLEY_NETNS_ROOM"
	envWindow = "PARLEY_NETNS_WINDOW" // engine.Config.ReconnectWindow, a Go duration
	envSource = "PARLEY_NETNS_SOURCE" // the publisher's video: sourceNoisy, or the test pattern
)

// sourceNoisy is hard-to-compress video (internal/testsource) that a
// bandwidth cap bites into.
const sourceNoisy = "noisy"

const (
	rolePublisher = "publisher" // user "a", publishes streamID
	rolePlayer    = "player"    // user "b", plays streamID
	streamID      = "s"
	statsPeriod   = 250 * time.Millisecond
)

// TestClientProcess is a client's whole life when the test binary runs in
// a client namespace; run directly, it skips.
func TestClientProcess(t *testing.T) {
	role := os.Getenv(envRole)
	if role == "" {
		t.Skip("a client process of the scenarios (PARLEY_NETNS_ROLE)")
	}
	window, err := time.ParseDuration(os.Getenv(envWindow))
	if err != nil {
		t.Fatalf("%s: %v", envWindow, err)
	}
	out := &emitter{w: os.Stdout, start: time.Now()}
	if err := runClient(role, os.Getenv(envServer), os.Getenv(envRoom), window, out, os.Stdin); err != nil {
		out.put(record{Kind: "error", Info: err.Error()})
		t.Fatal(err)
	}
}

// runClient logs in, publishes or plays until stdin ends, then destroys the
// engine and reports the goroutines still running.
func runClient(role, url, room string, window time.Duration, out *emitter, stdin io.Reader) error {
	logined := make(chan struct{}, 1)
	e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: url,
		ReconnectWindow: window, Handler: func(ev engine.Event) {
			out.event(ev)
			if ev.Kind == engine.EventRoomStateChanged && ev.Reason == engine.RoomLogined {
				select {
				case logined <- struct{}{}:
				default:
				}
			}
		}})
	if err != nil {
		return err
	}
	var view *render.View
	var stopSource func()
	stop, stats := make(chan struct{}), sync.WaitGroup{}
	err = startMedia(e, role, room, logined, &view, &stopSource)
	if err == nil && view != nil {
		stats.Add(1)
		go func() { defer stats.Done(); countFrames(view, out, stop) }()
	}
	if err == nil {
		_, _ = io.Copy(io.Discard, stdin) // until the test closes stdin
	}
	close(stop)
	stats.Wait()
	if stopSource != nil {
		stopSource()
	}
	e.Destroy()
	if view != nil {
		view.Close()
		engine.ReleaseView(view)
	}
	leaks := ""
	if lerr := goleak.Find(); lerr != nil {
		leaks = lerr.Error()
	}
	out.put(record{Kind: "exit", Leaks: leaks, Goroutines: runtime.NumGoroutine()})
	return err
}

// startMedia logs in as the role's user, then publishes or starts playing;
// a player's view and a custom source's stop land in view and stopSource.
func startMedia(e *engine.Engine, role, room string, logined <-chan struct{}, view **render.View, stopSource *func()) error {
	user := map[string]string{rolePublisher: "a", rolePlayer: "b"}[role]
	if user == "" {
		return errors.New("unknown role " + role)
	}
	if err := e.LoginRoom(room, engine.User{UserID: user}, engine.RoomConfig{IsUserStatusNotify: true}); err != nil {
		return err
	}
	select {
	case <-logined:
	case <-time.After(15 * time.Second):
		return errors.New("not logged in within 15 s")
	}
	if role == rolePublisher {
		if err := e.SetVideoConfig(engine.VideoConfig{EncodeWidth: 640, EncodeHeight: 360, FPS: 30}, engine.ChannelMain); err != nil {
			return err
		}
		if os.Getenv(envSource) == sourceNoisy {
			if err := e.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain); err != nil {
				return err
			}
			*stopSource = testsource.Noisy(e, testsource.NoisyParams{Width: 640, Height: 360, FPS: 30})
		}
		return e.StartPublishing(streamID, engine.ChannelMain)
	}
	v, err := render.NewView(render.Desc{Pixels: make([]byte, 64*36*4), Width: 64, Height: 36, Stride: 64 * 4})
	if err != nil {
		return err
	}
	*view = v
	return e.StartPlaying(streamID, v)
}

// countFrames writes, every statsPeriod until stop, how many frames landed
// in the view during the second before.
func countFrames(view *render.View, out *emitter, stop <-chan struct{}) {
	tick := time.NewTicker(statsPeriod)
	defer tick.Stop()
	window := make([]uint64, int(time.Second/statsPeriod)) // Seq one second ago, in a ring
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		info, err := view.Acquire()
		if err != nil {
			continue
		}
		_ = view.Release()
		slot := n % len(window)
		out.put(record{Kind: "stats", Frames: int(info.Seq - window[slot]), Goroutines: runtime.NumGoroutine()})
		window[slot] = info.Seq
	}
}

// emitter writes records as JSON lines, one writer at a time.
type emitter struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func (o *emitter) put(r record) {
	r.Time = time.Since(o.start).Milliseconds()
	b, _ := json.Marshal(r)
	o.mu.Lock()
	defer o.mu.Unlock()
	_, _ = o.w.Write(append(b, '\n'))
}

// event writes the events a player or a publisher notices, and the
// quality reports in brief for the log.
func (o *emitter) event(ev engine.Event) {
	switch ev.Kind {
	case engine.EventRoomStateChanged:
		o.put(record{Kind: "room_state", Reason: roomReasons[ev.Reason], Code: int32(ev.Code), Room: ev.RoomID, Info: ev.Extended})
	case engine.EventRoomUserUpdate:
		for _, u := range ev.Users {
			o.put(record{Kind: "user_update", Reason: updateTypes[ev.UpdateType], Room: ev.RoomID, User: u.UserID})
		}
	case engine.EventRoomStreamUpdate:
		for _, s := range ev.Streams {
			o.put(record{Kind: "stream_update", Reason: updateTypes[ev.UpdateType], Room: ev.RoomID, Stream: s.StreamID, User: s.UserID})
		}
	case engine.EventPublisherStateUpdate:
		o.put(record{Kind: "publisher_state", Reason: publisherStates[ev.State], Code: int32(ev.Code), Stream: ev.StreamID})
	case engine.EventPlayerStateUpdate:
		o.put(record{Kind: "player_state", Reason: playerStates[ev.State], Code: int32(ev.Code), Stream: ev.StreamID})
	case engine.EventPlayerMediaEvent:
		o.put(record{Kind: "media_event", Reason: mediaEvents[ev.State], Stream: ev.StreamID})
	case engine.EventPlayerRenderVideoFirstFrame:
		o.put(record{Kind: "first_frame", Stream: ev.StreamID})
	case engine.EventPublisherCapturedVideoFirstFrame:
		o.put(record{Kind: "captured_first_frame"})
	case engine.EventPublisherQualityUpdate:
		q := ev.PublishQuality
		o.put(record{Kind: "publish_quality", Stream: ev.StreamID, Info: fmt.Sprintf(
			"capture %.0f, encode %.0f, send %.0f fps; video %.0f kbps; rtt %d ms; loss %.1f%%",
			q.VideoCaptureFPS, q.VideoEncodeFPS, q.VideoSendFPS, q.VideoKbps, q.RTTMs, 100*q.PacketLossRate)})
	case engine.EventPlayerQualityUpdate:
		q := ev.PlayQuality
		o.put(record{Kind: "play_quality", Stream: ev.StreamID, Info: fmt.Sprintf(
			"receive %.0f, decode %.0f, render %.0f fps; video %.0f kbps; loss %.1f%%; delay %d ms",
			q.VideoRecvFPS, q.VideoDecodeFPS, q.VideoRenderFPS, q.VideoKbps, 100*q.PacketLossRate, q.DelayMs)})
	case engine.EventDebugError:
		o.put(record{Kind: "debug_error", Code: int32(ev.Code), Info: ev.FuncName + ": " + ev.Info})
	}
}

// The C API's names of the values in the records.
var (
	roomReasons = map[engine.RoomStateReason]string{
		engine.RoomLogining: "LOGINING", engine.RoomLogined: "LOGINED", engine.RoomLoginFailed: "LOGIN_FAILED",
		engine.RoomReconnecting: "RECONNECTING", engine.RoomReconnected: "RECONNECTED",
		engine.RoomReconnectFailed: "RECONNECT_FAILED", engine.RoomKickOut: "KICK_OUT",
		engine.RoomLogout: "LOGOUT", engine.RoomLogoutFailed: "LOGOUT_FAILED",
	}
	updateTypes     = map[protocol.UpdateType]string{protocol.UpdateAdd: "ADD", protocol.UpdateDelete: "DELETE"}
	publisherStates = map[int32]string{
		engine.PublisherNoPublish: "NO_PUBLISH", engine.PublisherPublishRequesting: "PUBLISH_REQUESTING",
		engine.PublisherPublishing: "PUBLISHING",
	}
	playerStates = map[int32]string{
		engine.PlayerNoPlay: "NO_PLAY", engine.PlayerPlayRequesting: "PLAY_REQUESTING", engine.PlayerPlaying: "PLAYING",
	}
	mediaEvents = map[int32]string{
		engine.MediaAudioBreakOccur: "AUDIO_BREAK_OCCUR", engine.MediaAudioBreakResume: "AUDIO_BREAK_RESUME",
		engine.MediaVideoBreakOccur: "VIDEO_BREAK_OCCUR", engine.MediaVideoBreakResume: "VIDEO_BREAK_RESUME",
	}
)
