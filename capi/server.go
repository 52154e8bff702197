package main

/*
#include "capi.h"
*/
import "C"

import (
	"context"
	"unsafe"

	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// cServer is what a server handle names.
type cServer struct{ s *server.Server }

//export parley_server_start
func parley_server_start(configJSON *C.char, out *C.uintptr_t, outURL *C.char, urlCap C.uint32_t) (rc C.int32_t) {
	defer guard("parley_server_start", &rc, nil)
	if out != nil {
		*out = 0
	}
	if out == nil || outURL == nil {
		return cInvalidArgument
	}
	if urlCap == 0 {
		return C.int32_t(protocol.ErrBufferTooSmall)
	}
	var cfg config.Config
	if configJSON == nil {
		// Dev defaults: the dev app on a free loopback port.
		cfg = config.Dev()
		cfg.Listen = "127.0.0.1:0"
	} else {
		var err error
		if cfg, err = config.Parse([]byte(C.GoString(configJSON))); err != nil {
			return code(err)
		}
	}
	s, err := server.New(cfg)
	if err != nil {
		return code(err)
	}
	if err := s.Start(context.Background()); err != nil {
		s.Close()
		return code(err)
	}
	url := s.URL()
	if len(url)+1 > int(urlCap) {
		s.Close()
		return C.int32_t(protocol.ErrBufferTooSmall)
	}
	dst := unsafe.Slice((*byte)(unsafe.Pointer(outURL)), int(urlCap))
	copy(dst, url)
	dst[len(url)] = 0
	*out = C.uintptr_t(newHandle(&cServer{s: s}))
	return cOK
}

//export parley_server_stop
func parley_server_stop(h C.uintptr_t) (rc C.int32_t) {
	defer guard("parley_server_stop", &rc, nil)
	cs, ok := takeHandle[*cServer](uintptr(h))
	if !ok {
		return cInvalidHandle
	}
	cs.s.Close()
	return cOK
}
