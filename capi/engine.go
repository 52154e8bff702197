package main

/*
#include "capi.h"
*/
import "C"

import (
	"sync"
	"unsafe"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

// cEngine is what an engine handle names.
type cEngine struct {
	eng *engine.Engine

	mu       sync.Mutex
	handler  *C.parley_event_handler   // current copy, or nil
	handlers []*C.parley_event_handler // every copy made; freed at destroy
}

func (ce *cEngine) setHandler(h *C.parley_event_handler) {
	var c *C.parley_event_handler
	if h != nil {
		c = C.parley_capi_copy_handler(h)
	}
	ce.mu.Lock()
	ce.handler = c
	if c != nil {
		// Older copies stay allocated until destroy: a callback on another
		// thread may still be reading one.
		ce.handlers = append(ce.handlers, c)
	}
	ce.mu.Unlock()
}

func (ce *cEngine) currentHandler() *C.parley_event_handler {
	ce.mu.Lock()
	defer ce.mu.Unlock()
	return ce.handler
}

func (ce *cEngine) freeHandlers() {
	ce.mu.Lock()
	defer ce.mu.Unlock()
	for _, h := range ce.handlers {
		C.free(unsafe.Pointer(h))
	}
	ce.handlers, ce.handler = nil, nil
}

// fail returns err's code; a failed call is also reported through
// on_debug_error, queued in order with the engine's other events, as the
// seed's SDK family reports API misuse.
func (ce *cEngine) fail(fn string, err error) C.int32_t {
	c := protocol.CodeOf(err)
	if c != protocol.OK && ce.eng != nil {
		ce.eng.EmitDebugError(c, fn, err.Error())
	}
	return C.int32_t(c)
}

func (ce *cEngine) failCode(fn string, c protocol.Code, detail string) C.int32_t {
	return ce.fail(fn, protocol.Errorf(c, detail))
}

// handlerMinSize is the size of the first release of parley_event_handler,
// which ended with on_player_video_size_changed: a host compiled against it
// keeps working, and the callbacks appended since stay NULL in its copy.
var handlerMinSize = C.size_t(unsafe.Offsetof(C.parley_event_handler{}.on_remote_camera_state_update))

func engineFrom(h C.uintptr_t) (*cEngine, bool) { return lookupHandle[*cEngine](uintptr(h)) }

//export parley_engine_create
func parley_engine_create(profile *C.parley_engine_profile, handler *C.parley_event_handler, out *C.uintptr_t) (rc C.int32_t) {
	defer guard("parley_engine_create", &rc, nil)
	if out != nil {
		*out = 0 // a failed create leaves NULL behind
	}
	if profile == nil || out == nil {
		return cInvalidArgument
	}
	if !structSizeOK(profile.struct_size, C.sizeof_parley_engine_profile) {
		return cStructSize
	}
	if handler != nil && !structSizeOK(handler.struct_size, handlerMinSize) {
		return cStructSize
	}
	if profile.flags&^C.uint32_t(C.PARLEY_ENGINE_FLAG_POLL_EVENTS) != 0 || profile.app_id == 0 {
		return cInvalidArgument
	}
	ce := &cEngine{}
	ce.setHandler(handler)
	eng, err := engine.New(engine.Config{
		AppID:      uint32(profile.app_id),
		AppSign:    goString(profile.app_sign),
		Scenario:   engine.Scenario(profile.scenario),
		ServerURL:  serverURL(profile.server_url),
		PollEvents: profile.flags&C.PARLEY_ENGINE_FLAG_POLL_EVENTS != 0,
		Handler:    ce.dispatch,
	})
	if err != nil {
		ce.freeHandlers()
		return code(err)
	}
	ce.eng = eng
	*out = C.uintptr_t(newHandle(ce))
	return cOK
}

//export parley_engine_set_event_handler
func parley_engine_set_event_handler(h C.uintptr_t, handler *C.parley_event_handler) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_engine_set_event_handler", &rc, ce)
	if handler != nil && !structSizeOK(handler.struct_size, handlerMinSize) {
		return ce.failCode("parley_engine_set_event_handler", protocol.ErrInvalidStructSize, "parley_event_handler.struct_size")
	}
	ce.setHandler(handler)
	return cOK
}

//export parley_engine_destroy
func parley_engine_destroy(h C.uintptr_t, onDestroyed C.parley_destroyed_fn, ud unsafe.Pointer) (rc C.int32_t) {
	ce, ok := takeHandle[*cEngine](uintptr(h))
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_engine_destroy", &rc, nil)
	ce.eng.Destroy()
	ce.freeHandlers()
	C.parley_capi_call_destroyed(onDestroyed, ud)
	return cOK
}

//export parley_engine_poll_events
func parley_engine_poll_events(h C.uintptr_t, max C.uint32_t, dispatched *C.uint32_t) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_engine_poll_events", &rc, ce)
	n, err := ce.eng.Poll(int(max))
	if dispatched != nil {
		*dispatched = C.uint32_t(n)
	}
	return ce.fail("parley_engine_poll_events", err)
}

// serverURL is the profile's server URL, else $PARLEY_SERVER_URL as the C
// environment has it now: a Go library's os.Getenv sees only the
// environment of the process's start, not what the host set since.
func serverURL(u *C.char) string {
	if s := goString(u); s != "" {
		return s
	}
	name := C.CString("PARLEY_SERVER_URL")
	defer C.free(unsafe.Pointer(name))
	return goString(C.getenv(name))
}
