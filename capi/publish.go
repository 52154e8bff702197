package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/parley-rtc/parley/engine"
)

//export parley_start_publishing_stream
func parley_start_publishing_stream(h C.uintptr_t, streamID *C.char, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_start_publishing_stream", &rc, ce)
	if streamID == nil {
		return cInvalidArgument
	}
	return code(ce.eng.StartPublishing(C.GoString(streamID), engine.Channel(channel)))
}

//export parley_stop_publishing_stream
func parley_stop_publishing_stream(h C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_stop_publishing_stream", &rc, ce)
	return code(ce.eng.StopPublishing(engine.Channel(channel)))
}

//export parley_start_preview
func parley_start_preview(h C.uintptr_t, view C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_start_preview", &rc, ce)
	v, ok := viewFrom(view)
	if !ok && view != 0 {
		return cInvalidHandle
	}
	return code(ce.eng.StartPreview(v.renderView(), engine.Channel(channel)))
}

//export parley_stop_preview
func parley_stop_preview(h C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_stop_preview", &rc, ce)
	return code(ce.eng.StopPreview(engine.Channel(channel)))
}

//export parley_set_video_config
func parley_set_video_config(h C.uintptr_t, cfg *C.parley_video_config, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_set_video_config", &rc, ce)
	if cfg == nil {
		return cInvalidArgument
	}
	if !structSizeOK(cfg.struct_size, C.sizeof_parley_video_config) {
		return cStructSize
	}
	return code(ce.eng.SetVideoConfig(engine.VideoConfig{
		CaptureWidth: int(cfg.capture_width), CaptureHeight: int(cfg.capture_height),
		EncodeWidth: int(cfg.encode_width), EncodeHeight: int(cfg.encode_height),
		FPS: int(cfg.fps), BitrateKbps: int(cfg.bitrate_kbps), Codec: engine.VideoCodec(cfg.codec),
	}, engine.Channel(channel)))
}

//export parley_set_video_source
func parley_set_video_source(h C.uintptr_t, source C.int32_t, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_set_video_source", &rc, ce)
	return code(ce.eng.SetVideoSource(engine.VideoSource(source), engine.Channel(channel)))
}

//export parley_set_audio_source
func parley_set_audio_source(h C.uintptr_t, source C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_set_audio_source", &rc, ce)
	return code(ce.eng.SetAudioSource(engine.AudioSource(source)))
}

//export parley_send_custom_video_frame
func parley_send_custom_video_frame(h C.uintptr_t, rgba *C.uint8_t, width, height, stride C.uint32_t, tsMs C.int64_t, channel C.int32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_send_custom_video_frame", &rc, ce)
	if rgba == nil || width < 2 || height < 2 || width > 4096 || height > 4096 || stride < 4*width || stride > 4*16384 {
		return cInvalidArgument
	}
	n := int(stride)*(int(height)-1) + 4*int(width)
	pix := unsafe.Slice((*byte)(unsafe.Pointer(rgba)), n)
	return code(ce.eng.SendCustomVideoFrame(pix, int(width), int(height), int(stride), int64(tsMs), engine.Channel(channel)))
}

//export parley_send_custom_audio_pcm
func parley_send_custom_audio_pcm(h C.uintptr_t, pcm *C.int16_t, samplesPerChannel, rate, channels C.uint32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_send_custom_audio_pcm", &rc, ce)
	if pcm == nil || samplesPerChannel == 0 || samplesPerChannel > 48000 || channels < 1 || channels > 2 {
		return cInvalidArgument
	}
	s := unsafe.Slice((*int16)(unsafe.Pointer(pcm)), int(samplesPerChannel*channels))
	return code(ce.eng.SendCustomAudioPCM(s, int(samplesPerChannel), int(rate), int(channels)))
}
