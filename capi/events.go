package main

/*
#include "capi.h"
*/
import "C"

import (
	"unsafe"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server/protocol"
)

// cstrings holds the C copies made for one callback; strings handed to a
// callback are valid only during it.
type cstrings []unsafe.Pointer

func (cs *cstrings) str(s string) *C.char {
	p := C.CString(s)
	*cs = append(*cs, unsafe.Pointer(p))
	return p
}

func (cs *cstrings) alloc(n C.size_t) unsafe.Pointer {
	p := C.calloc(1, n)
	*cs = append(*cs, p)
	return p
}

func (cs cstrings) free() {
	for _, p := range cs {
		C.free(p)
	}
}

// dispatch translates one engine event into the host's callback. It runs on
// the engine's event goroutine, or on the host thread inside poll_events.
func (ce *cEngine) dispatch(ev engine.Event) {
	h := ce.currentHandler()
	if h == nil {
		return
	}
	var cs cstrings
	defer cs.free()
	switch ev.Kind {
	case engine.EventDebugError:
		C.parley_capi_on_debug_error(h, C.int32_t(ev.Code), cs.str(ev.FuncName), cs.str(ev.Info))
	case engine.EventRoomStateChanged:
		C.parley_capi_on_room_state_changed(h, cs.str(ev.RoomID), C.int32_t(ev.Reason), C.int32_t(ev.Code), cs.str(ev.Extended))
	case engine.EventRoomUserUpdate:
		users := cUsers(&cs, ev.Users)
		C.parley_capi_on_room_user_update(h, cs.str(ev.RoomID), C.int32_t(ev.UpdateType), users, C.uint32_t(len(ev.Users)))
	case engine.EventRoomStreamUpdate:
		streams := cStreams(&cs, ev.Streams)
		C.parley_capi_on_room_stream_update(h, cs.str(ev.RoomID), C.int32_t(ev.UpdateType), streams, C.uint32_t(len(ev.Streams)), cs.str(ev.Extended))
	case engine.EventPublisherStateUpdate:
		C.parley_capi_on_publisher_state_update(h, cs.str(ev.StreamID), C.int32_t(ev.State), C.int32_t(ev.Code), cs.str(ev.Extended))
	case engine.EventPublisherQualityUpdate:
		q := (*C.parley_publish_quality)(cs.alloc(C.sizeof_parley_publish_quality))
		fillPublishQuality(q, ev.PublishQuality)
		C.parley_capi_on_publisher_quality_update(h, cs.str(ev.StreamID), q)
	case engine.EventPublisherCapturedVideoFirstFrame:
		C.parley_capi_on_publisher_captured_video_first_frame(h, C.int32_t(ev.Channel))
	case engine.EventPlayerStateUpdate:
		C.parley_capi_on_player_state_update(h, cs.str(ev.StreamID), C.int32_t(ev.State), C.int32_t(ev.Code), cs.str(ev.Extended))
	case engine.EventPlayerQualityUpdate:
		q := (*C.parley_play_quality)(cs.alloc(C.sizeof_parley_play_quality))
		fillPlayQuality(q, ev.PlayQuality)
		C.parley_capi_on_player_quality_update(h, cs.str(ev.StreamID), q)
	case engine.EventPlayerMediaEvent:
		C.parley_capi_on_player_media_event(h, cs.str(ev.StreamID), C.int32_t(ev.State))
	case engine.EventPlayerRecvVideoFirstFrame:
		C.parley_capi_on_player_recv_video_first_frame(h, cs.str(ev.StreamID))
	case engine.EventPlayerRenderVideoFirstFrame:
		C.parley_capi_on_player_render_video_first_frame(h, cs.str(ev.StreamID))
	case engine.EventPlayerVideoSizeChanged:
		C.parley_capi_on_player_video_size_changed(h, cs.str(ev.StreamID), C.int32_t(ev.Width), C.int32_t(ev.Height))
	case engine.EventRemoteCameraStateUpdate:
		C.parley_capi_on_remote_camera_state_update(h, cs.str(ev.StreamID), C.int32_t(ev.State))
	case engine.EventRemoteMicStateUpdate:
		C.parley_capi_on_remote_mic_state_update(h, cs.str(ev.StreamID), C.int32_t(ev.State))
	case engine.EventNetworkQuality:
		C.parley_capi_on_network_quality(h, cs.str(ev.UserID), C.int32_t(ev.Upstream), C.int32_t(ev.Downstream))
	case engine.EventRoomTokenWillExpire:
		C.parley_capi_on_room_token_will_expire(h, cs.str(ev.RoomID), C.int32_t(ev.State))
	}
}

func cUsers(cs *cstrings, users []protocol.User) *C.parley_user {
	if len(users) == 0 {
		return nil
	}
	arr := unsafe.Slice((*C.parley_user)(cs.alloc(C.size_t(len(users))*C.sizeof_parley_user)), len(users))
	for i, u := range users {
		arr[i].user_id = cs.str(u.UserID)
		arr[i].user_name = cs.str(u.UserName)
	}
	return &arr[0]
}

func cStreams(cs *cstrings, streams []protocol.Stream) *C.parley_stream {
	if len(streams) == 0 {
		return nil
	}
	arr := unsafe.Slice((*C.parley_stream)(cs.alloc(C.size_t(len(streams))*C.sizeof_parley_stream)), len(streams))
	for i, s := range streams {
		arr[i].user.user_id = cs.str(s.UserID)
		arr[i].user.user_name = cs.str(s.UserName)
		arr[i].stream_id = cs.str(s.StreamID)
		arr[i].extra_info = cs.str(s.ExtraInfo)
	}
	return &arr[0]
}

func fillPublishQuality(q *C.parley_publish_quality, g *engine.PublishQuality) {
	q.struct_size = C.sizeof_parley_publish_quality
	if g == nil {
		return
	}
	q.video_capture_fps = C.double(g.VideoCaptureFPS)
	q.video_encode_fps = C.double(g.VideoEncodeFPS)
	q.video_send_fps = C.double(g.VideoSendFPS)
	q.video_kbps = C.double(g.VideoKbps)
	q.audio_kbps = C.double(g.AudioKbps)
	q.rtt_ms = C.int32_t(g.RTTMs)
	q.packet_loss_rate = C.double(g.PacketLossRate)
	q.level = C.int32_t(g.Level)
}

func fillPlayQuality(q *C.parley_play_quality, g *engine.PlayQuality) {
	q.struct_size = C.sizeof_parley_play_quality
	if g == nil {
		return
	}
	q.video_recv_fps = C.double(g.VideoRecvFPS)
	q.video_decode_fps = C.double(g.VideoDecodeFPS)
	q.video_render_fps = C.double(g.VideoRenderFPS)
	q.video_kbps = C.double(g.VideoKbps)
	q.audio_kbps = C.double(g.AudioKbps)
	q.rtt_ms = C.int32_t(g.RTTMs)
	q.packet_loss_rate = C.double(g.PacketLossRate)
	q.delay_ms = C.int32_t(g.DelayMs)
	q.video_break_rate = C.double(g.VideoBreakRate)
	q.width = C.int32_t(g.Width)
	q.height = C.int32_t(g.Height)
	q.level = C.int32_t(g.Level)
}
