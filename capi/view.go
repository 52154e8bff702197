package main

/*
#include "capi.h"
*/
import "C"

import (
	"errors"
	"unsafe"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// cView is what a view handle names.
type cView struct{ v *render.View }

func (cv *cView) renderView() *render.View {
	if cv == nil {
		return nil
	}
	return cv.v
}

func viewFrom(h C.uintptr_t) (*cView, bool) { return lookupHandle[*cView](uintptr(h)) }

//export parley_view_create
func parley_view_create(desc *C.parley_view_desc, out *C.uintptr_t) (rc C.int32_t) {
	defer guard("parley_view_create", &rc, nil)
	if out != nil {
		*out = 0
	}
	if desc == nil || out == nil {
		return cInvalidArgument
	}
	if !structSizeOK(desc.struct_size, C.sizeof_parley_view_desc) {
		return cStructSize
	}
	if desc.pixels == nil || desc.width == 0 || desc.height == 0 || desc.width > render.MaxDim ||
		desc.height > render.MaxDim || desc.stride < 4*desc.width || (desc.flip_y != 0 && desc.flip_y != 1) {
		return cInvalidArgument
	}
	n := int(desc.stride) * int(desc.height)
	v, err := render.NewView(render.Desc{
		Pixels: unsafe.Slice((*byte)(unsafe.Pointer(desc.pixels)), n),
		Width:  int(desc.width), Height: int(desc.height), Stride: int(desc.stride),
		Mode: render.Mode(desc.view_mode), FlipY: desc.flip_y != 0,
	})
	if err != nil {
		return cInvalidArgument
	}
	*out = C.uintptr_t(newHandle(&cView{v: v}))
	return cOK
}

//export parley_view_acquire
func parley_view_acquire(h C.uintptr_t, info *C.parley_frame_info) (rc C.int32_t) {
	defer guard("parley_view_acquire", &rc, nil)
	cv, ok := viewFrom(h)
	if !ok {
		return cInvalidHandle
	}
	if info != nil && !structSizeOK(info.struct_size, C.sizeof_parley_frame_info) {
		return cStructSize
	}
	fi, err := cv.v.Acquire()
	if err != nil {
		return viewErr(err)
	}
	if info != nil {
		var full C.parley_frame_info
		full.struct_size = info.struct_size
		full.seq = C.uint64_t(fi.Seq)
		full.source_width = C.uint32_t(fi.SourceWidth)
		full.source_height = C.uint32_t(fi.SourceHeight)
		full.capture_time_ms = C.int64_t(fi.CaptureTimeMs)
		full.write_time_ms = C.int64_t(fi.WriteTimeMs)
		// A newer header's larger struct keeps its extra fields untouched.
		C.memcpy(unsafe.Pointer(info), unsafe.Pointer(&full), C.sizeof_parley_frame_info)
	}
	return cOK
}

//export parley_view_release
func parley_view_release(h C.uintptr_t) (rc C.int32_t) {
	defer guard("parley_view_release", &rc, nil)
	cv, ok := viewFrom(h)
	if !ok {
		return cInvalidHandle
	}
	return viewErr(cv.v.Release())
}

//export parley_view_destroy
func parley_view_destroy(h C.uintptr_t) (rc C.int32_t) {
	defer guard("parley_view_destroy", &rc, nil)
	cv, ok := takeHandle[*cView](uintptr(h))
	if !ok {
		return cInvalidHandle
	}
	cv.v.Close()
	engine.ReleaseView(cv.v)
	return cOK
}

func viewErr(err error) C.int32_t {
	switch {
	case err == nil:
		return cOK
	case errors.Is(err, render.ErrClosed):
		return cInvalidHandle
	default: // acquired twice, released without acquire
		return C.int32_t(protocol.ErrInvalidArgument)
	}
}
