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

func deviceList(fn string, ce *cEngine, kind C.int32_t) ([]engine.DeviceInfo, C.int32_t) {
	list, err := ce.eng.Devices(engine.DeviceKind(kind))
	if err != nil {
		return nil, ce.fail(fn, err)
	}
	return list, cOK
}

//export parley_get_device_count
func parley_get_device_count(h C.uintptr_t, kind C.int32_t, out *C.uint32_t) (rc C.int32_t) {
	const fn = "parley_get_device_count"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if out == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "out_count is NULL")
	}
	list, rc := deviceList(fn, ce, kind)
	if rc != cOK {
		return rc
	}
	*out = C.uint32_t(len(list))
	return cOK
}

//export parley_get_device_info
func parley_get_device_info(h C.uintptr_t, kind C.int32_t, index C.uint32_t, info *C.parley_device_info) (rc C.int32_t) {
	const fn = "parley_get_device_info"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if info == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "out_info is NULL")
	}
	if !structSizeOK(info.struct_size, C.sizeof_parley_device_info) {
		return ce.failCode(fn, protocol.ErrInvalidStructSize, "parley_device_info.struct_size")
	}
	list, rc := deviceList(fn, ce, kind)
	if rc != cOK {
		return rc
	}
	if uint64(index) >= uint64(len(list)) {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "index past the last device")
	}
	d := list[index]
	var full C.parley_device_info
	full.struct_size = info.struct_size
	copyCString(unsafe.Pointer(&full.id[0]), len(full.id), d.ID)
	copyCString(unsafe.Pointer(&full.name[0]), len(full.name), d.Name)
	if d.Default {
		full.is_default = 1
	}
	// A newer header's larger struct keeps its extra fields untouched.
	C.memcpy(unsafe.Pointer(info), unsafe.Pointer(&full), C.sizeof_parley_device_info)
	return cOK
}

// copyCString writes s into a char[n], cut at n-1 bytes, NUL-terminated.
func copyCString(dst unsafe.Pointer, n int, s string) {
	b := unsafe.Slice((*byte)(dst), n)
	k := copy(b[:n-1], s)
	b[k] = 0
}

//export parley_use_device
func parley_use_device(h C.uintptr_t, kind C.int32_t, id *C.char) (rc C.int32_t) {
	const fn = "parley_use_device"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.UseDevice(engine.DeviceKind(kind), goString(id)))
}

//export parley_set_audio_output
func parley_set_audio_output(h C.uintptr_t, output C.int32_t) (rc C.int32_t) {
	const fn = "parley_set_audio_output"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	return ce.fail(fn, ce.eng.SetAudioOutput(engine.AudioOutput(output)))
}
