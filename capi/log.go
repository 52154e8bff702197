package main

/*
#include "capi.h"
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"unsafe"
)

// logSink forwards the library's slog records to the host's log callback.
// Without a callback, records at warning and above go to stderr as usual.
type logSink struct {
	mu    sync.Mutex
	fn    C.parley_log_fn
	ud    unsafe.Pointer
	level slog.Level
	base  slog.Handler
}

// The fallback writes text to stderr itself: slog.Default's handler would
// route back into this one once it is installed as the default.
var logs = &logHandler{sink: &logSink{level: slog.LevelWarn, base: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})}}

func init() { slog.SetDefault(slog.New(logs)) }

type logHandler struct {
	sink  *logSink
	attrs []slog.Attr
}

func (h *logHandler) Enabled(_ context.Context, l slog.Level) bool {
	h.sink.mu.Lock()
	defer h.sink.mu.Unlock()
	return l >= h.sink.level
}

func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	s := h.sink
	s.mu.Lock()
	fn, ud, base := s.fn, s.ud, s.base
	s.mu.Unlock()
	if fn == nil {
		return base.Handle(ctx, r)
	}
	var b strings.Builder
	b.WriteString(r.Message)
	add := func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true }
	for _, a := range h.attrs {
		add(a)
	}
	r.Attrs(add)
	msg := C.CString(b.String())
	defer C.free(unsafe.Pointer(msg))
	C.parley_capi_call_log(fn, ud, C.int32_t(levelToC(r.Level)), msg)
	return nil
}

func (h *logHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &logHandler{sink: h.sink, attrs: append(append([]slog.Attr{}, h.attrs...), as...)}
}

func (h *logHandler) WithGroup(string) slog.Handler { return h }

// Levels of parley_set_log_level: 0 debug, 1 info, 2 warning, 3 error.
func levelToC(l slog.Level) int {
	switch {
	case l < slog.LevelInfo:
		return 0
	case l < slog.LevelWarn:
		return 1
	case l < slog.LevelError:
		return 2
	default:
		return 3
	}
}

//export parley_set_log_callback
func parley_set_log_callback(fn C.parley_log_fn, ud unsafe.Pointer) (rc C.int32_t) {
	defer guard("parley_set_log_callback", &rc, nil)
	logs.sink.mu.Lock()
	logs.sink.fn, logs.sink.ud = fn, ud
	logs.sink.mu.Unlock()
	return cOK
}

//export parley_set_log_level
func parley_set_log_level(level C.int32_t) (rc C.int32_t) {
	defer guard("parley_set_log_level", &rc, nil)
	levels := []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError}
	if level < 0 || int(level) >= len(levels) {
		return cInvalidArgument
	}
	logs.sink.mu.Lock()
	logs.sink.level = levels[level]
	logs.sink.mu.Unlock()
	return cOK
}
