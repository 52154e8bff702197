package main

/*
#include "capi.h"
*/
import "C"

import (
	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

// flag reads a C boolean argument: 0 or 1, anything else is refused.
func flag(v C.int32_t) (bool, error) {
	if v != 0 && v != 1 {
		return false, protocol.Errorf(protocol.ErrInvalidArgument, "a switch is 0 or 1")
	}
	return v == 1, nil
}

// switchCall runs one engine switch with the usual handle, guard and
// on_debug_error handling.
func switchCall(fn string, h C.uintptr_t, v C.int32_t, set func(*engine.Engine, bool) error) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	on, err := flag(v)
	if err != nil {
		return ce.fail(fn, err)
	}
	return ce.fail(fn, set(ce.eng, on))
}

//export parley_enable_camera
func parley_enable_camera(h C.uintptr_t, enable, channel C.int32_t) C.int32_t {
	return switchCall("parley_enable_camera", h, enable, func(e *engine.Engine, on bool) error {
		return e.EnableCamera(on, engine.Channel(channel))
	})
}

//export parley_mute_microphone
func parley_mute_microphone(h C.uintptr_t, mute C.int32_t) C.int32_t {
	return switchCall("parley_mute_microphone", h, mute, (*engine.Engine).MuteMicrophone)
}

//export parley_mute_publish_stream_audio
func parley_mute_publish_stream_audio(h C.uintptr_t, mute, channel C.int32_t) C.int32_t {
	return switchCall("parley_mute_publish_stream_audio", h, mute, func(e *engine.Engine, on bool) error {
		return e.MutePublishStreamAudio(on, engine.Channel(channel))
	})
}

//export parley_mute_publish_stream_video
func parley_mute_publish_stream_video(h C.uintptr_t, mute, channel C.int32_t) C.int32_t {
	return switchCall("parley_mute_publish_stream_video", h, mute, func(e *engine.Engine, on bool) error {
		return e.MutePublishStreamVideo(on, engine.Channel(channel))
	})
}

//export parley_mute_speaker
func parley_mute_speaker(h C.uintptr_t, mute C.int32_t) C.int32_t {
	return switchCall("parley_mute_speaker", h, mute, (*engine.Engine).MuteSpeaker)
}

//export parley_mute_play_stream_audio
func parley_mute_play_stream_audio(h C.uintptr_t, streamID *C.char, mute C.int32_t) C.int32_t {
	return mutePlay("parley_mute_play_stream_audio", h, streamID, mute, (*engine.Engine).MutePlayStreamAudio)
}

//export parley_mute_play_stream_video
func parley_mute_play_stream_video(h C.uintptr_t, streamID *C.char, mute C.int32_t) C.int32_t {
	return mutePlay("parley_mute_play_stream_video", h, streamID, mute, (*engine.Engine).MutePlayStreamVideo)
}

func mutePlay(fn string, h C.uintptr_t, streamID *C.char, mute C.int32_t, set func(*engine.Engine, string, bool) error) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if streamID == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "stream_id is NULL")
	}
	on, err := flag(mute)
	if err != nil {
		return ce.fail(fn, err)
	}
	return ce.fail(fn, set(ce.eng, C.GoString(streamID), on))
}

//export parley_set_video_mirror_mode
func parley_set_video_mirror_mode(h C.uintptr_t, mode, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_set_video_mirror_mode"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.SetVideoMirrorMode(engine.MirrorMode(mode), engine.Channel(channel)))
}
