package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/parley-rtc/parley/server/protocol"
)

//export parley_start_playing_stream
func parley_start_playing_stream(h C.uintptr_t, streamID *C.char, view C.uintptr_t) (rc C.int32_t) {
	const fn = "parley_start_playing_stream"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if streamID == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "stream_id is NULL")
	}
	v, ok := viewFrom(view)
	if !ok && view != 0 {
		return ce.failCode(fn, protocol.ErrInvalidHandle, "view is not a live view handle")
	}
	return ce.fail(fn, ce.eng.StartPlaying(C.GoString(streamID), v.renderView()))
}

//export parley_stop_playing_stream
func parley_stop_playing_stream(h C.uintptr_t, streamID *C.char) (rc C.int32_t) {
	const fn = "parley_stop_playing_stream"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if streamID == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "stream_id is NULL")
	}
	return ce.fail(fn, ce.eng.StopPlaying(C.GoString(streamID)))
}

//export parley_fetch_audio_pcm
func parley_fetch_audio_pcm(h C.uintptr_t, pcm *C.int16_t, samplesPerChannel, rate, channels C.uint32_t) (rc C.int32_t) {
	const fn = "parley_fetch_audio_pcm"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	// At most one second, as parley.h says: the mixer does not bound the count by the rate.
	if pcm == nil || samplesPerChannel == 0 || samplesPerChannel > 48000 || samplesPerChannel > rate || channels < 1 || channels > 2 {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "pcm NULL, or samples_per_channel outside 1..sample_rate, or channels not 1-2")
	}
	s := unsafe.Slice((*int16)(unsafe.Pointer(pcm)), int(samplesPerChannel*channels))
	return ce.fail(fn, ce.eng.FetchAudioPCM(s, int(samplesPerChannel), int(rate), int(channels)))
}
