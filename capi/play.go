package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"
)

//export parley_start_playing_stream
func parley_start_playing_stream(h C.uintptr_t, streamID *C.char, view C.uintptr_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_start_playing_stream", &rc, ce)
	if streamID == nil {
		return cInvalidArgument
	}
	v, ok := viewFrom(view)
	if !ok && view != 0 {
		return cInvalidHandle
	}
	return code(ce.eng.StartPlaying(C.GoString(streamID), v.renderView()))
}

//export parley_stop_playing_stream
func parley_stop_playing_stream(h C.uintptr_t, streamID *C.char) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_stop_playing_stream", &rc, ce)
	if streamID == nil {
		return cInvalidArgument
	}
	return code(ce.eng.StopPlaying(C.GoString(streamID)))
}

//export parley_fetch_audio_pcm
func parley_fetch_audio_pcm(h C.uintptr_t, pcm *C.int16_t, samplesPerChannel, rate, channels C.uint32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_fetch_audio_pcm", &rc, ce)
	if pcm == nil || samplesPerChannel == 0 || samplesPerChannel > 48000 || channels < 1 || channels > 2 {
		return cInvalidArgument
	}
	s := unsafe.Slice((*int16)(unsafe.Pointer(pcm)), int(samplesPerChannel*channels))
	return code(ce.eng.FetchAudioPCM(s, int(samplesPerChannel), int(rate), int(channels)))
}
