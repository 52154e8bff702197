package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

//export parley_start_publishing_stream
func parley_start_publishing_stream(h C.uintptr_t, streamID *C.char, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_start_publishing_stream"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if streamID == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "stream_id is NULL")
	}
	return ce.fail(fn, ce.eng.StartPublishing(C.GoString(streamID), engine.Channel(channel)))
}

//export parley_stop_publishing_stream
func parley_stop_publishing_stream(h C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_stop_publishing_stream"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.StopPublishing(engine.Channel(channel)))
}

//export parley_start_preview
func parley_start_preview(h C.uintptr_t, view C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_start_preview"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	v, ok := viewFrom(view)
	if !ok && view != 0 {
		return ce.failCode(fn, protocol.ErrInvalidHandle, "view is not a live view handle")
	}
	return ce.fail(fn, ce.eng.StartPreview(v.renderView(), engine.Channel(channel)))
}

//export parley_stop_preview
func parley_stop_preview(h C.uintptr_t, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_stop_preview"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.StopPreview(engine.Channel(channel)))
}

//export parley_set_video_config
func parley_set_video_config(h C.uintptr_t, cfg *C.parley_video_config, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_set_video_config"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if cfg == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "config is NULL")
	}
	if !structSizeOK(cfg.struct_size, C.sizeof_parley_video_config) {
		return ce.failCode(fn, protocol.ErrInvalidStructSize, "parley_video_config.struct_size")
	}
	return ce.fail(fn, ce.eng.SetVideoConfig(engine.VideoConfig{
		CaptureWidth: int(cfg.capture_width), CaptureHeight: int(cfg.capture_height),
		EncodeWidth: int(cfg.encode_width), EncodeHeight: int(cfg.encode_height),
		FPS: int(cfg.fps), BitrateKbps: int(cfg.bitrate_kbps), Codec: engine.VideoCodec(cfg.codec),
	}, engine.Channel(channel)))
}

//export parley_set_video_source
func parley_set_video_source(h C.uintptr_t, source C.int32_t, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_set_video_source"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.SetVideoSource(engine.VideoSource(source), engine.Channel(channel)))
}

//export parley_set_audio_source
func parley_set_audio_source(h C.uintptr_t, source C.int32_t) (rc C.int32_t) {
	const fn = "parley_set_audio_source"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.SetAudioSource(engine.AudioSource(source)))
}

//export parley_send_custom_video_frame
func parley_send_custom_video_frame(h C.uintptr_t, rgba *C.uint8_t, width, height, stride C.uint32_t, tsMs C.int64_t, channel C.int32_t) (rc C.int32_t) {
	const fn = "parley_send_custom_video_frame"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if rgba == nil || width < 2 || height < 2 || width > 4096 || height > 4096 || stride < 4*width || stride > 4*16384 {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "rgba NULL, or size outside 2..4096, or stride < 4*width")
	}
	n := int(stride)*(int(height)-1) + 4*int(width)
	pix := unsafe.Slice((*byte)(unsafe.Pointer(rgba)), n)
	return ce.fail(fn, ce.eng.SendCustomVideoFrame(pix, int(width), int(height), int(stride), int64(tsMs), engine.Channel(channel)))
}

//export parley_send_custom_audio_pcm
func parley_send_custom_audio_pcm(h C.uintptr_t, pcm *C.int16_t, samplesPerChannel, rate, channels C.uint32_t) (rc C.int32_t) {
	const fn = "parley_send_custom_audio_pcm"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	// Every range here, before the engine looks at its audio source: parley.h
	// checks ranges before state, and the engine does not bound the count by
	// the rate.
	if pcm == nil || rate < 8000 || rate > 48000 || samplesPerChannel == 0 || samplesPerChannel > rate || channels < 1 || channels > 2 {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "pcm NULL, or sample_rate outside 8000..48000, or samples_per_channel outside 1..sample_rate, or channels not 1-2")
	}
	s := unsafe.Slice((*int16)(unsafe.Pointer(pcm)), int(samplesPerChannel*channels))
	return ce.fail(fn, ce.eng.SendCustomAudioPCM(s, int(samplesPerChannel), int(rate), int(channels)))
}
