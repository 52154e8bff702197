package engine

import (
	"sync/atomic"

	"github.com/parley-rtc/parley/server/protocol"
)

// MirrorMode matches parley_video_mirror_mode.
type MirrorMode int32

const (
	MirrorOnlyPreview MirrorMode = 0 // the default: a selfie view, the sent picture unmirrored
	MirrorBoth        MirrorMode = 1
	MirrorNone        MirrorMode = 2
	MirrorOnlyPublish MirrorMode = 3
)

func (m MirrorMode) preview() bool { return m == MirrorOnlyPreview || m == MirrorBoth }
func (m MirrorMode) publish() bool { return m == MirrorBoth || m == MirrorOnlyPublish }

// switches are the mute and mirror settings, read on the media path.
type switches struct {
	cameraOff    [numChannels]atomic.Bool
	videoMuted   [numChannels]atomic.Bool
	audioMuted   [numChannels]atomic.Bool
	micMuted     atomic.Bool
	speakerMuted atomic.Bool
	mirror       [numChannels]atomic.Int32
}

// videoState is what remote users see of a channel's camera.
func (e *Engine) videoState(ch Channel) protocol.DeviceState {
	switch {
	case e.sw.cameraOff[ch].Load():
		return protocol.DeviceDisable
	case e.sw.videoMuted[ch].Load():
		return protocol.DeviceMute
	}
	return protocol.DeviceOpen
}

// audioState is what remote users see of a channel's microphone; only MAIN
// carries audio.
func (e *Engine) audioState(ch Channel) protocol.DeviceState {
	if ch == ChannelMain && (e.sw.micMuted.Load() || e.sw.audioMuted[ch].Load()) {
		return protocol.DeviceMute
	}
	return protocol.DeviceOpen
}

// EnableCamera turns a channel's video source on or off. Off, nothing is
// captured (no preview, nothing sent) and remote users get DISABLE.
func (e *Engine) EnableCamera(enable bool, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	return e.setSwitch(&e.sw.cameraOff[ch], !enable, ch)
}

// MutePublishStreamVideo stops or resumes sending a channel's video; the
// preview goes on and remote users get MUTE.
func (e *Engine) MutePublishStreamVideo(mute bool, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	return e.setSwitch(&e.sw.videoMuted[ch], mute, ch)
}

// MutePublishStreamAudio stops or resumes sending a channel's audio.
func (e *Engine) MutePublishStreamAudio(mute bool, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	return e.setSwitch(&e.sw.audioMuted[ch], mute, ch)
}

// MuteMicrophone silences the engine's audio source for every stream.
func (e *Engine) MuteMicrophone(mute bool) error {
	return e.setSwitch(&e.sw.micMuted, mute, ChannelMain)
}

// MuteSpeaker silences the mixed remote audio (FetchAudioPCM returns zeros;
// with AudioOutputDevice the speaker plays silence).
func (e *Engine) MuteSpeaker(mute bool) error {
	if err := e.lockLive(); err != nil {
		return err
	}
	e.sw.speakerMuted.Store(mute)
	e.mu.Unlock()
	return nil
}

// SetVideoMirrorMode picks what is mirrored on a channel: the preview, what
// is sent, both or neither.
func (e *Engine) SetVideoMirrorMode(mode MirrorMode, ch Channel) error {
	if !ch.valid() {
		return protocol.Errorf(protocol.ErrInvalidChannel, "")
	}
	if mode < MirrorOnlyPreview || mode > MirrorOnlyPublish {
		return protocol.Errorf(protocol.ErrInvalidArgument, "unknown mirror mode")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	e.sw.mirror[ch].Store(int32(mode))
	e.mu.Unlock()
	return nil
}

// setSwitch flips a sender-side switch and, when the remote view of the
// stream changed, tells the server; a resumed picture starts on a keyframe.
func (e *Engine) setSwitch(sw *atomic.Bool, on bool, ch Channel) error {
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	if sw.Swap(on) == on {
		return nil
	}
	for _, p := range e.pubs {
		if p == nil {
			continue
		}
		p.announce()
		if !on {
			p.requestKeyFrame()
		}
	}
	return nil
}

// MutePlayStreamVideo stops or resumes rendering a played stream's video.
func (e *Engine) MutePlayStreamVideo(streamID string, mute bool) error {
	return e.mutePlay(streamID, mute, true)
}

// MutePlayStreamAudio takes a played stream out of the audio mix, or back.
func (e *Engine) MutePlayStreamAudio(streamID string, mute bool) error {
	return e.mutePlay(streamID, mute, false)
}

func (e *Engine) mutePlay(streamID string, mute, video bool) error {
	if err := protocol.CheckStreamID(streamID); err != nil {
		return err
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	p := e.players[streamID]
	if p == nil {
		return protocol.Errorf(protocol.ErrPlayStreamNotFound, "not playing "+streamID)
	}
	if video {
		p.localVideoMuted.Store(mute)
	} else {
		p.localAudioMuted.Store(mute)
	}
	p.updateBreakWatch()
	return nil
}
