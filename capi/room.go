package main

/*
#include "capi.h"
*/
import "C"

import (
	"github.com/parley-rtc/parley/engine"
)

//export parley_login_room
func parley_login_room(h C.uintptr_t, roomID *C.char, user *C.parley_user, cfg *C.parley_room_config) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_login_room", &rc, ce)
	if roomID == nil || user == nil || user.user_id == nil {
		ce.debugError(1000002, "parley_login_room", "room_id, user and user->user_id must not be NULL")
		return cInvalidArgument
	}
	var rcfg engine.RoomConfig
	if cfg != nil {
		if !structSizeOK(cfg.struct_size, C.sizeof_parley_room_config) {
			return cStructSize
		}
		rcfg.MaxMemberCount = uint32(cfg.max_member_count)
		rcfg.IsUserStatusNotify = cfg.is_user_status_notify != 0
		rcfg.Token = goString(cfg.token)
	}
	u := engine.User{UserID: C.GoString(user.user_id), UserName: goString(user.user_name)}
	return code(ce.eng.LoginRoom(C.GoString(roomID), u, rcfg))
}

//export parley_logout_room
func parley_logout_room(h C.uintptr_t, roomID *C.char) (rc C.int32_t) {
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard("parley_logout_room", &rc, ce)
	return code(ce.eng.LogoutRoom(goString(roomID)))
}
