package main

/*
#include "capi.h"
*/
import "C"

import (
	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

// Static C copies of every code's name and message, made once: the strings
// returned by parley_error_name/message live as long as the process.
var errorNames, errorMessages = func() (map[protocol.Code]*C.char, map[protocol.Code]*C.char) {
	n := map[protocol.Code]*C.char{}
	m := map[protocol.Code]*C.char{}
	for _, c := range protocol.Codes() {
		n[c] = C.CString(c.Name())
		m[c] = C.CString(c.Message())
	}
	return n, m
}()

var (
	unknownName    = C.CString(protocol.Code(-1).Name())
	unknownMessage = C.CString(protocol.Code(-1).Message())
	versionString  = C.CString(engine.Version)
)

//export parley_get_abi_version
func parley_get_abi_version() C.uint32_t { return C.PARLEY_ABI_VERSION }

//export parley_get_version
func parley_get_version() *C.char { return versionString }

//export parley_error_name
func parley_error_name(c C.int32_t) *C.char {
	if s, ok := errorNames[protocol.Code(c)]; ok {
		return s
	}
	return unknownName
}

//export parley_error_message
func parley_error_message(c C.int32_t) *C.char {
	if s, ok := errorMessages[protocol.Code(c)]; ok {
		return s
	}
	return unknownMessage
}
