package engine_test

import (
	"fmt"

	"github.com/parley-rtc/parley/engine"
)

func fmtEvent(ev engine.Event) string {
	switch ev.Kind {
	case engine.EventRoomStateChanged:
		return fmt.Sprintf("room_state room=%s reason=%d code=%d", ev.RoomID, ev.Reason, ev.Code)
	case engine.EventPublisherStateUpdate:
		return fmt.Sprintf("publisher stream=%s state=%d code=%d", ev.StreamID, ev.State, ev.Code)
	case engine.EventPlayerStateUpdate:
		return fmt.Sprintf("player stream=%s state=%d code=%d", ev.StreamID, ev.State, ev.Code)
	case engine.EventRoomStreamUpdate:
		return fmt.Sprintf("stream_update room=%s type=%d streams=%v", ev.RoomID, ev.UpdateType, ev.Streams)
	case engine.EventRoomUserUpdate:
		return fmt.Sprintf("user_update room=%s type=%d users=%v", ev.RoomID, ev.UpdateType, ev.Users)
	case engine.EventDebugError:
		return fmt.Sprintf("debug_error %s code=%d %s", ev.FuncName, ev.Code, ev.Info)
	default:
		return fmt.Sprintf("kind=%d stream=%s", ev.Kind, ev.StreamID)
	}
}
