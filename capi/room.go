package main

/*
#include "capi.h"
*/
import "C"

import (
	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

//export parley_login_room
func parley_login_room(h C.uintptr_t, roomID *C.char, user *C.parley_user, cfg *C.parley_room_config) (rc C.int32_t) {
	const fn = "parley_login_room"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if roomID == nil || user == nil || user.user_id == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "room_id, user and user->user_id must not be NULL")
	}
	var rcfg engine.RoomConfig
	if cfg != nil {
		if !structSizeOK(cfg.struct_size, C.sizeof_parley_room_config) {
			return ce.failCode(fn, protocol.ErrInvalidStructSize, "parley_room_config.struct_size")
		}
		rcfg.MaxMemberCount = uint32(cfg.max_member_count)
		rcfg.IsUserStatusNotify = cfg.is_user_status_notify != 0
		rcfg.Token = goString(cfg.token)
	}
	u := engine.User{UserID: C.GoString(user.user_id), UserName: goString(user.user_name)}
	return ce.fail(fn, ce.eng.LoginRoom(C.GoString(roomID), u, rcfg))
}

//export parley_renew_token
func parley_renew_token(h C.uintptr_t, roomID, token *C.char) (rc C.int32_t) {
	const fn = "parley_renew_token"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if roomID == nil || token == nil {
		return ce.failCode(fn, protocol.ErrInvalidArgument, "room_id and token must not be NULL")
	}
	return ce.fail(fn, ce.eng.RenewToken(C.GoString(roomID), C.GoString(token)))
}

//export parley_logout_room
func parley_logout_room(h C.uintptr_t, roomID *C.char) (rc C.int32_t) {
	const fn = "parley_logout_room"
	ce, ok := engineFrom(h)
	if !ok {
		return cInvalidHandle
	}
	defer guard(fn, &rc, ce)
	if roomID != nil && *roomID == 0 {
		// The engine reads "" as every room; from C that is NULL, and "" is no room ID.
		return ce.failCode(fn, protocol.ErrInvalidRoomID, "room_id is empty (NULL logs out of every room)")
	}
	return ce.fail(fn, ce.eng.LogoutRoom(goString(roomID)))
}
