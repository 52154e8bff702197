package interop

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

// needWHIP skips a test unless the WHIP and WHEP interop tests are switched
// on too (make test-whip sets PARLEY_WHIP=1 beside PARLEY_INTEROP=1).
func needWHIP(t *testing.T) {
	t.Helper()
	need(t)
	if os.Getenv("PARLEY_WHIP") != "1" {
		t.Skip("WHIP/WHEP interop test: set PARLEY_WHIP=1 (make test-whip)")
	}
}

// lanIPv4 is this machine's first non-loopback IPv4 address, or 127.0.0.1
// when it has none. GStreamer's ICE agent (libnice) leaves loopback out
// when there is another interface and pins each socket to its interface
// (IP_UNICAST_IF), so it cannot reach a parleyd that listens on 127.0.0.1
// only (docs/whip-whep.md).
func lanIPv4(t *testing.T) string {
	t.Helper()
	ifs, err := net.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLinkLocalUnicast() {
				return ipn.IP.String()
			}
		}
	}
	return "127.0.0.1"
}

// whipClient is Debian's simple-whip-client (whip-client, a GStreamer
// webrtcbin client) publishing the test source and a sine tone.
type whipClient struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan struct{} // closed when it has exited
}

// The GStreamer pipelines whip-client sends, by codec: the moving ball of
// videotestsrc at 320x240, 30 fps, a keyframe a second; a 440 Hz sine.
const (
	whipWidth, whipHeight = 320, 240
	whipRaw               = "videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=30/1 ! videoconvert ! queue ! "
	whipAudio             = "audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc ! " +
		"rtpopuspay pt=111 ssrc=1 ! queue ! application/x-rtp,media=audio,encoding-name=OPUS,payload=111"
)

var whipVideo = map[string]string{
	"VP8": whipRaw + "vp8enc deadline=1 keyframe-max-dist=30 ! rtpvp8pay pt=96 ssrc=2 ! queue ! " +
		"application/x-rtp,media=video,encoding-name=VP8,payload=96",
	"H264": whipRaw + "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=constrained-baseline ! " +
		"rtph264pay pt=102 ssrc=2 config-interval=-1 aggregate-mode=zero-latency ! queue ! " +
		"application/x-rtp,media=video,encoding-name=H264,payload=102",
}

// gupnpStub builds testdata/gupnp-igd-stub.c into a directory for
// whip-client's LD_LIBRARY_PATH (see there why).
func gupnpStub(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("cc", "-shared", "-fPIC", "-Wl,-soname,libgupnp-igd-1.0.so.4", "-o",
		filepath.Join(dir, "libgupnp-igd-1.0.so.4"), filepath.Join("testdata", "gupnp-igd-stub.c")).CombinedOutput()
	if err != nil {
		t.Fatalf("building the gupnp-igd stand-in: %v: %s", err, out)
	}
	return dir
}

// startWHIPClient runs whip-client against url with token until the test
// ends; its output is shown when the test fails.
func startWHIPClient(t *testing.T, url, tok, codec string) *whipClient {
	t.Helper()
	if _, err := exec.LookPath("whip-client"); err != nil {
		t.Fatal("whip-client is not installed: run scripts/deps.sh (Debian's simple-whip-client)")
	}
	c := &whipClient{out: &bytes.Buffer{}, done: make(chan struct{})}
	c.cmd = exec.Command("whip-client", "-u", url, "-t", tok, "-l", "4", "-o", "-A", whipAudio, "-V", whipVideo[codec])
	c.cmd.Env = append(os.Environ(), "LD_LIBRARY_PATH="+gupnpStub(t))
	c.cmd.Stdout, c.cmd.Stderr = c.out, c.out
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = c.cmd.Process.Kill()
			<-c.done
		}
		if t.Failed() {
			t.Logf("whip-client's output:\n%s", tail(c.out.String(), 40))
		}
	})
	return c
}

// stop interrupts whip-client, which then DELETEs its session, and waits.
func (c *whipClient) stop(t *testing.T) {
	t.Helper()
	_ = c.cmd.Process.Signal(os.Interrupt)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("whip-client did not exit within 10 s of SIGINT")
	}
}

// Debian's simple-whip-client publishes GStreamer's test picture and a tone
// through WHIP, trickling its candidates with PATCH; a native engine in the
// room sees the user and the stream, plays it (the picture arrives at the
// size sent and moves, the sound is not silent), and sees the stream go when
// the client's DELETE ends the session.
func TestWHIPFromGStreamer(t *testing.T) {
	needWHIP(t)
	for _, codec := range []string{"VP8", "H264"} {
		t.Run(codec, func(t *testing.T) {
			srv := startParleydOn(t, lanIPv4(t)+":0")
			const room, stream = "whip-room", "gst-cam"
			n := newNative(t, srv, "native")
			n.login(room, "native")
			// The token as a user makes one for parleyd --dev.
			out, err := exec.Command(parleydBin, "token", "--dev", "--app-id", "1", "--user-id", "gst", "--room-id", room,
				"--publish", "--stream-id", stream, "--ttl", "10m").Output()
			if err != nil {
				t.Fatalf("parleyd token: %v", err)
			}
			tok := strings.TrimSpace(string(out))
			client := startWHIPClient(t, "http"+strings.TrimPrefix(srv.url, "ws")+"/whip/"+room+"/"+stream, tok, codec)

			n.await("the WHIP user", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Users[0].UserID == "gst"
			})
			n.await("the WHIP stream", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateAdd && ev.Streams[0].StreamID == stream
			})
			view := n.play(stream, whipWidth, whipHeight)
			n.await("first frame", func(ev engine.Event) bool {
				return ev.Kind == engine.EventPlayerRenderVideoFirstFrame && ev.StreamID == stream
			})
			size := n.await("video size", func(ev engine.Event) bool {
				return ev.Kind == engine.EventPlayerVideoSizeChanged && ev.StreamID == stream
			})
			if size.Width != whipWidth || size.Height != whipHeight {
				t.Fatalf("the engine decodes %dx%d, GStreamer sends %dx%d", size.Width, size.Height, whipWidth, whipHeight)
			}
			if b, _ := os.ReadFile(srv.logPath); !strings.Contains(string(b), "kind=video ssrc=2 codec=video/"+codec) {
				t.Fatalf("parleyd logged no video track in %s from whip-client", codec)
			}
			// The ball moves: the picture changes from frame to frame.
			var changed float64
			var seq1, seq2 uint64
			eventually(t, 10*time.Second, func() (bool, string) {
				first, s1 := view.snapshot(t)
				time.Sleep(300 * time.Millisecond)
				later, s2 := view.snapshot(t)
				seq1, seq2, changed = s1, s2, changedShare(first, later)
				return s2 > s1 && changed > 0.002, fmt.Sprintf("view frames %d → %d, %.2f%% of the pixels changed", s1, s2, 100*changed)
			})
			peak := n.heardPeak(2 * time.Second)
			if peak < 1000 {
				t.Fatalf("the engine's remote audio peaks at %d over 2 s, want ≥ 1000", peak)
			}
			t.Logf("%s from whip-client: %dx%d, frames %d → %d in 300 ms with %.1f%% of the picture changed; audio peak %d",
				codec, size.Width, size.Height, seq1, seq2, 100*changed, peak)

			client.stop(t)
			n.await("the WHIP stream ending", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomStreamUpdate && ev.UpdateType == protocol.UpdateDelete && ev.Streams[0].StreamID == stream
			})
			n.await("the WHIP user leaving", func(ev engine.Event) bool {
				return ev.Kind == engine.EventRoomUserUpdate && ev.UpdateType == protocol.UpdateDelete && ev.Users[0].UserID == "gst"
			})
			eventually(t, 5*time.Second, func() (bool, string) {
				b, _ := os.ReadFile(srv.logPath)
				return strings.Contains(string(b), `msg="WHIP session ended"`) && strings.Contains(string(b), "by=DELETE"),
					"parleyd logged no WHIP session ended by DELETE"
			})
		})
	}
}
