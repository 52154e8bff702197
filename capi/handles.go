package main

import (
	"sync"
)

// Handles are ids from this table, never Go pointers: a stale or foreign
// handle is looked up, not dereferenced, and answers INVALID_HANDLE. Ids
// start high and step by 16 so that they look like aligned pointers to C but
// never collide with small integers, and are never reused in a process.
const (
	handleBase = 0x7a110000
	handleStep = 16
)

var handles = struct {
	sync.Mutex
	next uintptr
	m    map[uintptr]any
}{next: handleBase, m: map[uintptr]any{}}

func newHandle(v any) uintptr {
	handles.Lock()
	defer handles.Unlock()
	handles.next += handleStep
	handles.m[handles.next] = v
	return handles.next
}

func lookupHandle[T any](h uintptr) (T, bool) {
	handles.Lock()
	defer handles.Unlock()
	v, ok := handles.m[h].(T)
	return v, ok
}

// takeHandle removes h from the table and returns its value, so that a
// handle is destroyed at most once even by concurrent calls.
func takeHandle[T any](h uintptr) (T, bool) {
	handles.Lock()
	defer handles.Unlock()
	v, ok := handles.m[h].(T)
	if ok {
		delete(handles.m, h)
	}
	return v, ok
}
