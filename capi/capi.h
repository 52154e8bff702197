/* Internal to libparley: the public types without the public prototypes
 * (cgo declares the exported functions itself, with Go's view of their
 * types, which would otherwise conflict), plus the trampolines through which
 * Go calls the host's function pointers. */
#ifndef PARLEY_CAPI_H
#define PARLEY_CAPI_H

#define PARLEY_NO_PROTOTYPES 1
#include "parley.h"
#include <stdlib.h>
#include <string.h>

/* The event handler as the library keeps it: a full-size copy of the host's
 * struct, zero-filled past the host's struct_size. */
static inline parley_event_handler *parley_capi_copy_handler(const parley_event_handler *h) {
  parley_event_handler *c = (parley_event_handler *)calloc(1, sizeof(*c));
  if (c == NULL || h == NULL) return c;
  size_t n = h->struct_size < sizeof(*c) ? h->struct_size : sizeof(*c);
  memcpy(c, h, n);
  c->struct_size = sizeof(*c);
  return c;
}

static inline void parley_capi_on_debug_error(parley_event_handler *h, int32_t code, const char *fn, const char *info) {
  if (h->on_debug_error) h->on_debug_error(h->user_data, code, fn, info);
}
static inline void parley_capi_on_room_state_changed(parley_event_handler *h, const char *room, int32_t reason, int32_t code, const char *ext) {
  if (h->on_room_state_changed) h->on_room_state_changed(h->user_data, room, reason, code, ext);
}
static inline void parley_capi_on_room_user_update(parley_event_handler *h, const char *room, int32_t type, const parley_user *u, uint32_t n) {
  if (h->on_room_user_update) h->on_room_user_update(h->user_data, room, type, u, n);
}
static inline void parley_capi_on_room_stream_update(parley_event_handler *h, const char *room, int32_t type, const parley_stream *s, uint32_t n, const char *ext) {
  if (h->on_room_stream_update) h->on_room_stream_update(h->user_data, room, type, s, n, ext);
}
static inline void parley_capi_on_publisher_state_update(parley_event_handler *h, const char *sid, int32_t state, int32_t code, const char *ext) {
  if (h->on_publisher_state_update) h->on_publisher_state_update(h->user_data, sid, state, code, ext);
}
static inline void parley_capi_on_publisher_quality_update(parley_event_handler *h, const char *sid, const parley_publish_quality *q) {
  if (h->on_publisher_quality_update) h->on_publisher_quality_update(h->user_data, sid, q);
}
static inline void parley_capi_on_publisher_captured_video_first_frame(parley_event_handler *h, int32_t ch) {
  if (h->on_publisher_captured_video_first_frame) h->on_publisher_captured_video_first_frame(h->user_data, ch);
}
static inline void parley_capi_on_player_state_update(parley_event_handler *h, const char *sid, int32_t state, int32_t code, const char *ext) {
  if (h->on_player_state_update) h->on_player_state_update(h->user_data, sid, state, code, ext);
}
static inline void parley_capi_on_player_quality_update(parley_event_handler *h, const char *sid, const parley_play_quality *q) {
  if (h->on_player_quality_update) h->on_player_quality_update(h->user_data, sid, q);
}
static inline void parley_capi_on_player_media_event(parley_event_handler *h, const char *sid, int32_t ev) {
  if (h->on_player_media_event) h->on_player_media_event(h->user_data, sid, ev);
}
static inline void parley_capi_on_player_recv_video_first_frame(parley_event_handler *h, const char *sid) {
  if (h->on_player_recv_video_first_frame) h->on_player_recv_video_first_frame(h->user_data, sid);
}
static inline void parley_capi_on_player_render_video_first_frame(parley_event_handler *h, const char *sid) {
  if (h->on_player_render_video_first_frame) h->on_player_render_video_first_frame(h->user_data, sid);
}
static inline void parley_capi_on_player_video_size_changed(parley_event_handler *h, const char *sid, int32_t w, int32_t hh) {
  if (h->on_player_video_size_changed) h->on_player_video_size_changed(h->user_data, sid, w, hh);
}
static inline void parley_capi_on_room_token_will_expire(parley_event_handler *h, const char *room, int32_t remain) {
  if (h->on_room_token_will_expire) h->on_room_token_will_expire(h->user_data, room, remain);
}
static inline void parley_capi_on_remote_camera_state_update(parley_event_handler *h, const char *sid, int32_t state) {
  if (h->on_remote_camera_state_update) h->on_remote_camera_state_update(h->user_data, sid, state);
}
static inline void parley_capi_on_remote_mic_state_update(parley_event_handler *h, const char *sid, int32_t state) {
  if (h->on_remote_mic_state_update) h->on_remote_mic_state_update(h->user_data, sid, state);
}
static inline void parley_capi_on_network_quality(parley_event_handler *h, const char *uid, int32_t up, int32_t down) {
  if (h->on_network_quality) h->on_network_quality(h->user_data, uid, up, down);
}
static inline void parley_capi_call_destroyed(parley_destroyed_fn fn, void *ud) {
  if (fn) fn(ud);
}
static inline void parley_capi_call_log(parley_log_fn fn, void *ud, int32_t level, const char *msg) {
  if (fn) fn(ud, level, msg);
}

#endif
