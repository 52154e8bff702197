package engine_test

import (
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/server/protocol"
)

func remoteState(kind engine.EventKind, stream string, state protocol.DeviceState) func(engine.Event) bool {
	return func(ev engine.Event) bool {
		return ev.Kind == kind && ev.StreamID == stream && ev.State == int32(state)
	}
}

// seqAfter waits d and returns the view's frame counter.
func seqAfter(t *testing.T, d time.Duration, read func() uint64) uint64 {
	time.Sleep(d)
	return read()
}

func TestMutesStopMediaWithoutBreaksAndTellRemoteUsers(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-m", "alice")
	login(t, b, rb, "room-m", "bob")
	a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain)
	a.SetAudioSource(engine.AudioSourceCustom)
	stop := make(chan struct{})
	wg := pushMedia(t, a, func() [3]byte { return [3]byte{255, 255, 0} }, stop)
	defer func() { close(stop); wg.Wait() }()
	if err := a.StartPublishing("s-m", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	const w, h = 64, 48
	view, pix := newView(t, w, h)
	if err := b.StartPlaying("s-m", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	seq := func() uint64 { s, _ := centre(t, view, pix, w, h); return s }

	// The sender mutes its video: B hears MUTE, frames stop, no break.
	if err := a.MutePublishStreamVideo(true, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "camera MUTE", remoteState(engine.EventRemoteCameraStateUpdate, "s-m", protocol.DeviceMute))
	s1 := seqAfter(t, 300*time.Millisecond, seq)
	if s2 := seqAfter(t, 700*time.Millisecond, seq); s2 != s1 {
		t.Fatalf("frames kept arriving while muted: seq %d → %d", s1, s2)
	}
	if n := mediaEvents(rb, "s-m", engine.MediaVideoBreakOccur); n != 0 {
		t.Fatalf("%d video breaks for a muted stream", n)
	}
	if err := a.MutePublishStreamVideo(false, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "camera OPEN", remoteState(engine.EventRemoteCameraStateUpdate, "s-m", protocol.DeviceOpen))
	if s3 := seqAfter(t, 500*time.Millisecond, seq); s3 <= s1 {
		t.Fatal("frames did not resume after unmuting")
	}

	// Turning the camera off is DISABLE; the microphone mute is MUTE.
	a.EnableCamera(false, engine.ChannelMain)
	rb.waitFor(t, "camera DISABLE", remoteState(engine.EventRemoteCameraStateUpdate, "s-m", protocol.DeviceDisable))
	a.EnableCamera(true, engine.ChannelMain)
	a.MuteMicrophone(true)
	rb.waitFor(t, "mic MUTE", remoteState(engine.EventRemoteMicStateUpdate, "s-m", protocol.DeviceMute))
	a.MuteMicrophone(false)
	rb.waitFor(t, "mic OPEN", remoteState(engine.EventRemoteMicStateUpdate, "s-m", protocol.DeviceOpen))

	// Local mutes on the player: video stops rendering, the speaker is silent.
	time.Sleep(300 * time.Millisecond)
	if err := b.MutePlayStreamVideo("s-m", true); err != nil {
		t.Fatal(err)
	}
	s4 := seqAfter(t, 100*time.Millisecond, seq)
	if s5 := seqAfter(t, 700*time.Millisecond, seq); s5 != s4 {
		t.Fatalf("frames rendered while the player muted video: %d → %d", s4, s5)
	}
	pcm := make([]int16, 480)
	if err := b.MuteSpeaker(true); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		time.Sleep(10 * time.Millisecond)
		b.FetchAudioPCM(pcm, 480, 48000, 1)
	}
	if p := audio.Power(pcm, 1); p != 0 {
		t.Fatalf("speaker muted but fetched power %g", p)
	}
	b.MuteSpeaker(false)
	if n := mediaEvents(rb, "s-m", engine.MediaVideoBreakOccur) + mediaEvents(rb, "s-m", engine.MediaAudioBreakOccur); n != 0 {
		t.Fatalf("%d breaks reported for media muted on purpose", n)
	}
	if err := b.MutePlayStreamVideo("not-played", true); protocol.CodeOf(err) != protocol.ErrPlayStreamNotFound {
		t.Fatalf("muting a stream not played: %v", err)
	}
}

func TestMirrorModeMirrorsWhatIsSent(t *testing.T) {
	url := startServer(t)
	ra, rb := newRecorder(), newRecorder()
	a, b := newEngine(t, url, ra), newEngine(t, url, rb)
	login(t, a, ra, "room-x", "alice")
	login(t, b, rb, "room-x", "bob")
	a.SetVideoSource(engine.VideoSourceCustom, engine.ChannelMain)
	if err := a.SetVideoMirrorMode(engine.MirrorOnlyPublish, engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	if err := a.SetVideoMirrorMode(9, engine.ChannelMain); protocol.CodeOf(err) != protocol.ErrInvalidArgument {
		t.Fatalf("mirror mode 9: %v", err)
	}
	if err := a.StartPublishing("s-x", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	// Red on the left half, blue on the right.
	const fw, fh = 160, 120
	frame := make([]byte, fw*fh*4)
	for y := 0; y < fh; y++ {
		for x := 0; x < fw; x++ {
			i := (y*fw + x) * 4
			if x < fw/2 {
				frame[i] = 255
			} else {
				frame[i+2] = 255
			}
			frame[i+3] = 255
		}
	}
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Millisecond):
				a.SendCustomVideoFrame(frame, fw, fh, fw*4, 0, engine.ChannelMain)
			}
		}
	}()
	defer close(stop)
	const w, h = 80, 60
	view, pix := newView(t, w, h)
	b.StartPlaying("s-x", view)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := view.Acquire(); err != nil {
			t.Fatal(err)
		}
		l, r := pix[(h/2*w+5)*4:], pix[(h/2*w+w-5)*4:]
		ok := l[2] > 200 && l[0] < 60 && r[0] > 200 && r[2] < 60
		lc, rc := [3]byte{l[0], l[1], l[2]}, [3]byte{r[0], r[1], r[2]}
		view.Release()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("left %v right %v, want blue left and red right (mirrored)", lc, rc)
		}
		time.Sleep(30 * time.Millisecond)
	}
}
