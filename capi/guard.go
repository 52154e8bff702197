package main

/*
#include "capi.h"
*/
import "C"

import (
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/parley-rtc/parley/server/protocol"
)

// code converts an error into the C return value.
func code(err error) C.int32_t { return C.int32_t(protocol.CodeOf(err)) }

const (
	cOK              = C.int32_t(protocol.OK)
	cInvalidArgument = C.int32_t(protocol.ErrInvalidArgument)
	cInvalidHandle   = C.int32_t(protocol.ErrInvalidHandle)
	cStructSize      = C.int32_t(protocol.ErrInvalidStructSize)
	cInternal        = C.int32_t(protocol.ErrInternal)
)

// guard turns a panic in an exported function into PARLEY_ERR_INTERNAL and
// an on_debug_error queued on the engine concerned (if any); use as
// `defer guard("fn", &rc, ce)`.
func guard(fn string, rc *C.int32_t, ce *cEngine) {
	r := recover()
	if r == nil {
		return
	}
	*rc = cInternal
	msg := fmt.Sprintf("panic in %s: %v", fn, r)
	slog.Error(msg, "stack", string(debug.Stack()))
	if ce != nil && ce.eng != nil {
		// Queued like every other event: in poll mode it comes out of
		// parley_engine_poll_events, never on the calling thread.
		ce.eng.EmitDebugError(protocol.ErrInternal, fn, msg)
	}
}

// structSizeOK reports whether a caller's struct is at least the first
// version's size; larger sizes come from newer headers and are fine.
func structSizeOK(size C.uint32_t, min C.size_t) bool { return C.size_t(size) >= min }

// goString copies a C string; NULL becomes "".
func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}
