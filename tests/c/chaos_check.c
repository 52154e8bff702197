/* chaos_check.c — the codes every function documents, the check of each
 * return code, and the event handler that checks every event (chaos.h). */
#include "chaos.h"

eng_rec reserved;
pthread_key_t worker_key;
events ev;

/* ---- the functions, their documented codes, and what they returned ------------ */

typedef struct fn_info {
  const char *name;
  int on_engine;     /* takes an engine: a concurrent destroy may answer ENGINE_DESTROYED */
  int32_t codes[14]; /* the \returns of parley.h besides PARLEY_OK, 0-terminated */
} fn_info;

static const fn_info fns[N_FN] = {
    [F_ENGINE_CREATE] = {"parley_engine_create", 0, {IA, ISS, PARLEY_ERR_INVALID_APP_SIGN, PARLEY_ERR_INVALID_SERVER_URL}},
    [F_SET_HANDLER] = {"parley_engine_set_event_handler", 1, {IH, ISS}},
    [F_ENGINE_DESTROY] = {"parley_engine_destroy", 1, {IH}},
    [F_POLL] = {"parley_engine_poll_events", 1, {IH, IA}},
    [F_LOGIN] = {"parley_login_room", 1,
                 {IH, IA, ISS, PARLEY_ERR_INVALID_ROOM_ID, PARLEY_ERR_INVALID_USER_ID, PARLEY_ERR_INVALID_USER_NAME,
                  PARLEY_ERR_ROOM_ALREADY_LOGGED_IN, PARLEY_ERR_ROOM_USER_ID_MISMATCH, PARLEY_ERR_ROOM_COUNT_EXCEEDED,
                  PARLEY_ERR_ROOM_TOKEN_INVALID, ED}},
    [F_LOGOUT] = {"parley_logout_room", 1, {IH, PARLEY_ERR_INVALID_ROOM_ID, PARLEY_ERR_NOT_LOGGED_IN}},
    [F_RENEW_TOKEN] = {"parley_renew_token", 1,
                       {IH, IA, PARLEY_ERR_INVALID_ROOM_ID, PARLEY_ERR_ROOM_TOKEN_INVALID, PARLEY_ERR_NOT_LOGGED_IN, ED}},
    [F_PUBLISH] = {"parley_start_publishing_stream", 1,
                   {IH, IA, PARLEY_ERR_INVALID_STREAM_ID, IC, PARLEY_ERR_NOT_LOGGED_IN,
                    PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING, ED}},
    [F_STOP_PUBLISH] = {"parley_stop_publishing_stream", 1, {IH, IC}},
    [F_PREVIEW] = {"parley_start_preview", 1, {IH, IC, PARLEY_ERR_VIEW_IN_USE}},
    [F_STOP_PREVIEW] = {"parley_stop_preview", 1, {IH, IC}},
    [F_VIDEO_CONFIG] = {"parley_set_video_config", 1, {IH, IA, ISS, IC, PARLEY_ERR_CODEC_UNSUPPORTED}},
    [F_VIDEO_SOURCE] = {"parley_set_video_source", 1, {IH, IA, IC, DNF}},
    [F_AUDIO_SOURCE] = {"parley_set_audio_source", 1, {IH, IA, DNF}},
    [F_CUSTOM_VIDEO] = {"parley_send_custom_video_frame", 1, {IH, IA, IC, PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED, ED}},
    [F_CUSTOM_AUDIO] = {"parley_send_custom_audio_pcm", 1, {IH, IA, PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED, ED}},
    [F_PLAY] = {"parley_start_playing_stream", 1,
                {IH, IA, PARLEY_ERR_INVALID_STREAM_ID, PARLEY_ERR_NOT_LOGGED_IN, PARLEY_ERR_VIEW_IN_USE, ED}},
    [F_STOP_PLAY] = {"parley_stop_playing_stream", 1, {IH, IA, PARLEY_ERR_INVALID_STREAM_ID}},
    [F_FETCH_AUDIO] = {"parley_fetch_audio_pcm", 1, {IH, IA, ED}},
    [F_SWITCH] = {"mute/camera/mirror switch", 1, {IH, IC, IA}},
    [F_MUTE_PLAY] = {"parley_mute_play_stream_audio/video", 1,
                     {IH, IA, PARLEY_ERR_INVALID_STREAM_ID, PARLEY_ERR_PLAY_STREAM_NOT_FOUND}},
    /* Device functions: "a wedged backend answers PARLEY_ERR_DEVICE_NOT_FOUND". */
    [F_DEVICE_COUNT] = {"parley_get_device_count", 1, {IH, IA, DNF}},
    [F_DEVICE_INFO] = {"parley_get_device_info", 1, {IH, IA, ISS, DNF}},
    [F_USE_DEVICE] = {"parley_use_device", 1, {IH, IA, DNF}},
    [F_AUDIO_OUTPUT] = {"parley_set_audio_output", 1, {IH, IA, DNF}},
    [F_VIEW_CREATE] = {"parley_view_create", 0, {IA, ISS}},
    [F_VIEW_ACQUIRE] = {"parley_view_acquire", 0, {IH, ISS, IA}},
    [F_VIEW_RELEASE] = {"parley_view_release", 0, {IH, IA}},
    [F_VIEW_DESTROY] = {"parley_view_destroy", 0, {IH}},
    [F_SERVER_START] = {"parley_server_start", 0,
                        {IA, PARLEY_ERR_BUFFER_TOO_SMALL, PARLEY_ERR_SERVER_CONFIG_INVALID,
                         PARLEY_ERR_SERVER_LISTEN_FAILED}},
    [F_SERVER_STOP] = {"parley_server_stop", 0, {IH}},
    [F_LOG_LEVEL] = {"parley_set_log_level", 0, {IA}},
    [F_LOG_CALLBACK] = {"parley_set_log_callback", 0, {0}},
};

#define CODE_VALUE_(name, value, message) name,
const int32_t all_codes[] = {PARLEY_ERROR_LIST(CODE_VALUE_)};
#undef CODE_VALUE_
#define CODE_NAME_(name, value, message) #name,
const char *const all_names[] = {PARLEY_ERROR_LIST(CODE_NAME_)};
#undef CODE_NAME_
#define N_CODES (sizeof all_codes / sizeof all_codes[0])
const size_t n_codes = N_CODES;

static unsigned long stats[N_FN][N_CODES];

int code_index(int32_t code) {
  size_t i;
  for (i = 0; i < N_CODES; i++)
    if (all_codes[i] == code) return (int)i;
  return -1;
}

static int in_codes(int32_t rc, const int32_t *codes, int32_t end) {
  for (; *codes != end; codes++)
    if (*codes == rc) return 1;
  return 0;
}

void expect_at(const char *file, int line, int f, int32_t rc, int live, const int32_t *want, const char *ctx) {
  const fn_info *fi = &fns[f];
  int idx = code_index(rc), ok;
  if (idx >= 0) ADD(&stats[f][idx], 1);
  if (rc == PARLEY_ERR_INTERNAL)
    h_fail(file, line, "%s (%s) returned PARLEY_ERR_INTERNAL: a panic inside the library", fi->name, ctx);
  if (idx < 0) h_fail(file, line, "%s (%s) returned %ld, which is not in PARLEY_ERROR_LIST", fi->name, ctx, (long)rc);
  if (want != NULL) {
    const int32_t *w;
    for (w = want; *w != END; w++)
      if (*w != PARLEY_OK && !in_codes(*w, fi->codes, 0))
        h_fail(file, line, "test bug: %s does not document %s", fi->name, parley_error_name(*w));
    ok = in_codes(rc, want, END);
  } else {
    ok = rc == PARLEY_OK || in_codes(rc, fi->codes, 0);
  }
  if (live && (rc == IH || (fi->on_engine && rc == ED))) ok = 1;
  if (!ok) {
    char list[512] = "";
    const int32_t *w = want != NULL ? want : fi->codes;
    size_t n = 0;
    if (want == NULL) n += (size_t)snprintf(list, sizeof list, "PARLEY_OK");
    for (; *w != (want != NULL ? END : 0) && n < sizeof list; w++)
      n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n > 0 ? ", " : "", parley_error_name(*w));
    h_fail(file, line, "%s (%s) returned %s (%ld), want %s%s", fi->name, ctx, parley_error_name(rc), (long)rc,
           want != NULL ? "one of " : "a documented code: ", list);
  }
}

void fault(faults *fs, int32_t code) {
  if (fs->n < 7) fs->codes[fs->n++] = code;
  fs->codes[fs->n] = END;
}

void expect_faults_at(const char *file, int line, int f, int32_t rc, int live, faults *fs, const char *ctx) {
  fs->codes[fs->n] = END;
  expect_at(file, line, f, rc, live, fs->n > 0 ? fs->codes : NULL, ctx);
}
/* The error codes state events carried. */
static unsigned long ev_codes[N_CODES];

static void count_event_code(int32_t code) {
  if (code != PARLEY_OK && code_index(code) >= 0) ADD(&ev_codes[code_index(code)], 1);
}

/* ---- callbacks ------------------------------------------------------------------------ */

static int32_t known_code(int32_t c) { return code_index(c) >= 0; }

#define CB_CHECK(cond, ...) \
  do {                      \
    if (!(cond)) h_fail(__FILE__, __LINE__, __VA_ARGS__); \
  } while (0)

static eng_rec *cb_enter(void *ud, const char *cb) {
  eng_rec *rec = ud;
  worker *w = pthread_getspecific(worker_key);
  CB_CHECK(rec != &reserved, "%s with a handler that a failed call was given", cb);
  CB_CHECK(!LOAD(&rec->destroy_returned), "%s of engine #%d after its parley_engine_destroy returned", cb, rec->index);
  CB_CHECK(ADD(&rec->in_callback, 1) == 1, "%s of engine #%d while another of its callbacks runs", cb, rec->index);
  ADD(&rec->callbacks, 1);
  ADD(&ev.callbacks, 1);
  if (rec->poll) {
    CB_CHECK(w != NULL && w->polling == rec, "%s of poll-mode engine #%d outside its parley_engine_poll_events", cb,
             rec->index);
  } else {
    CB_CHECK(w == NULL, "%s of engine #%d on a thread of the host (event-thread mode)", cb, rec->index);
    pthread_mutex_lock(&rec->mu);
    if (!rec->have_thread) {
      rec->thread = pthread_self();
      rec->have_thread = 1;
    }
    CB_CHECK(pthread_equal(rec->thread, pthread_self()), "%s of engine #%d on a second event thread", cb, rec->index);
    pthread_mutex_unlock(&rec->mu);
  }
  return rec;
}

static void cb_leave(eng_rec *rec) { ADD(&rec->in_callback, -1); }

static const char *cb_str(const char *s, const char *cb, const char *what) {
  CB_CHECK(s != NULL, "%s: %s is NULL", cb, what);
  return s;
}

/* A varying choice for the calls callbacks make (callbacks have no rng of their own). */
static unsigned cb_pick(unsigned n) {
  static unsigned long counter;
  return (unsigned)((ADD(&counter, 1) * 2654435761UL) >> 7) % n;
}

/* A call from inside a callback: it must return (never deadlock) with a documented code. */
static void cb_call(eng_rec *rec, const char *stream_id) {
  parley_engine *e = LOAD(&rec->h);
  uint32_t n = 7;
  ADD(&ev.cb_calls, 1);
  switch (cb_pick(5)) {
  case 0:
    if (rec->poll) {
      EXPECT(F_POLL, parley_engine_poll_events(e, 0, &n), 1, "inside its own callback", PARLEY_OK);
      CB_CHECK(n == 0, "parley_engine_poll_events inside a callback dispatched %u events", n);
    } else {
      EXPECT(F_POLL, parley_engine_poll_events(e, 0, &n), 1, "event-thread engine, in a callback", IA);
    }
    break;
  case 1:
    EXPECT_DOC(F_SWITCH, parley_mute_speaker(e, (int32_t)cb_pick(2)), 1, "in a callback");
    break;
  case 2:
    EXPECT_DOC(F_PLAY, parley_start_playing_stream(e, stream_id, NULL), 1, "in a callback");
    break;
  case 3:
    EXPECT_DOC(F_STOP_PLAY, parley_stop_playing_stream(e, stream_id), 1, "in a callback");
    break;
  default:
    EXPECT_DOC(F_PUBLISH, parley_start_publishing_stream(e, streams[cb_pick(N_STREAMS)], (int32_t)cb_pick(2)), 1,
               "in a callback");
    break;
  }
}

static void PARLEY_CALL on_debug_error(void *ud, int32_t code, const char *fn, const char *info) {
  eng_rec *rec;
  /* A recovered panic is reported from the panicking call's own thread: check it first. */
  CB_CHECK(code != PARLEY_ERR_INTERNAL, "on_debug_error PARLEY_ERR_INTERNAL from %s: %s", fn ? fn : "(NULL)",
           info ? info : "(NULL)");
  rec = cb_enter(ud, "on_debug_error");
  CB_CHECK(known_code(code) && code != PARLEY_OK, "on_debug_error with code %ld", (long)code);
  cb_str(fn, "on_debug_error", "func_name");
  cb_str(info, "on_debug_error", "info");
  ADD(&ev.debug_errors, 1);
  cb_leave(rec);
}

static void PARLEY_CALL on_room_state(void *ud, const char *room, int32_t reason, int32_t code, const char *ext) {
  eng_rec *rec = cb_enter(ud, "on_room_state_changed");
  cb_str(room, "on_room_state_changed", "room_id");
  cb_str(ext, "on_room_state_changed", "extended_data");
  CB_CHECK(reason >= PARLEY_ROOM_STATE_REASON_LOGINING && reason <= PARLEY_ROOM_STATE_REASON_LOGOUT_FAILED,
           "on_room_state_changed reason %ld", (long)reason);
  CB_CHECK(known_code(code), "on_room_state_changed with code %ld", (long)code);
  count_event_code(code);
  switch (reason) {
  case PARLEY_ROOM_STATE_REASON_LOGINED:
    ADD(&ev.logined, 1);
    if (cb_pick(2) == 0) cb_call(rec, streams[cb_pick(N_STREAMS)]);
    break;
  case PARLEY_ROOM_STATE_REASON_LOGIN_FAILED: ADD(&ev.login_failed, 1); break;
  case PARLEY_ROOM_STATE_REASON_KICK_OUT: ADD(&ev.kicked, 1); break;
  case PARLEY_ROOM_STATE_REASON_LOGOUT: ADD(&ev.logout, 1); break;
  case PARLEY_ROOM_STATE_REASON_RECONNECT_FAILED: ADD(&ev.reconnect_failed, 1); break;
  default: break;
  }
  cb_leave(rec);
}

static void PARLEY_CALL on_user_update(void *ud, const char *room, int32_t type, const parley_user *users,
                                       uint32_t count) {
  eng_rec *rec = cb_enter(ud, "on_room_user_update");
  uint32_t i;
  cb_str(room, "on_room_user_update", "room_id");
  CB_CHECK(type == PARLEY_UPDATE_TYPE_ADD || type == PARLEY_UPDATE_TYPE_DELETE, "user update type %ld", (long)type);
  CB_CHECK(count == 0 || users != NULL, "on_room_user_update: %u users at NULL", count);
  for (i = 0; i < count; i++) {
    cb_str(users[i].user_id, "on_room_user_update", "user_id");
    cb_str(users[i].user_name, "on_room_user_update", "user_name");
  }
  cb_leave(rec);
}

static void PARLEY_CALL on_stream_update(void *ud, const char *room, int32_t type, const parley_stream *list,
                                         uint32_t count, const char *ext) {
  eng_rec *rec = cb_enter(ud, "on_room_stream_update");
  uint32_t i;
  cb_str(room, "on_room_stream_update", "room_id");
  cb_str(ext, "on_room_stream_update", "extended_data");
  CB_CHECK(type == PARLEY_UPDATE_TYPE_ADD || type == PARLEY_UPDATE_TYPE_DELETE, "stream update type %ld", (long)type);
  CB_CHECK(count == 0 || list != NULL, "on_room_stream_update: %u streams at NULL", count);
  for (i = 0; i < count; i++) {
    cb_str(list[i].stream_id, "on_room_stream_update", "stream_id");
    cb_str(list[i].extra_info, "on_room_stream_update", "extra_info");
    cb_str(list[i].user.user_id, "on_room_stream_update", "user.user_id");
    cb_str(list[i].user.user_name, "on_room_stream_update", "user.user_name");
  }
  if (type == PARLEY_UPDATE_TYPE_ADD && count > 0 && cb_pick(3) == 0) cb_call(rec, list[0].stream_id);
  cb_leave(rec);
}

static void PARLEY_CALL on_token_will_expire(void *ud, const char *room, int32_t remain) {
  eng_rec *rec = cb_enter(ud, "on_room_token_will_expire");
  cb_str(room, "on_room_token_will_expire", "room_id");
  (void)remain;
  cb_leave(rec);
}

static void PARLEY_CALL on_publisher_state(void *ud, const char *stream, int32_t state, int32_t code,
                                           const char *ext) {
  eng_rec *rec = cb_enter(ud, "on_publisher_state_update");
  cb_str(stream, "on_publisher_state_update", "stream_id");
  cb_str(ext, "on_publisher_state_update", "extended_data");
  CB_CHECK(state >= PARLEY_PUBLISHER_STATE_NO_PUBLISH && state <= PARLEY_PUBLISHER_STATE_PUBLISHING,
           "publisher state %ld", (long)state);
  CB_CHECK(known_code(code), "on_publisher_state_update with code %ld", (long)code);
  count_event_code(code);
  if (state == PARLEY_PUBLISHER_STATE_PUBLISHING) ADD(&ev.publishing, 1);
  if (state == PARLEY_PUBLISHER_STATE_NO_PUBLISH && code != PARLEY_OK) ADD(&ev.publish_failed, 1);
  cb_leave(rec);
}

static void PARLEY_CALL on_publisher_quality(void *ud, const char *stream, const parley_publish_quality *q) {
  eng_rec *rec = cb_enter(ud, "on_publisher_quality_update");
  cb_str(stream, "on_publisher_quality_update", "stream_id");
  CB_CHECK(q != NULL && q->struct_size >= sizeof *q, "on_publisher_quality_update: bad quality struct");
  CB_CHECK(q->level >= PARLEY_QUALITY_LEVEL_EXCELLENT && q->level <= PARLEY_QUALITY_LEVEL_UNKNOWN,
           "publish quality level %ld", (long)q->level);
  ADD(&ev.quality, 1);
  cb_leave(rec);
}

static void PARLEY_CALL on_captured_first_frame(void *ud, int32_t channel) {
  eng_rec *rec = cb_enter(ud, "on_publisher_captured_video_first_frame");
  CB_CHECK(channel == PARLEY_PUBLISH_CHANNEL_MAIN || channel == PARLEY_PUBLISH_CHANNEL_AUX,
           "captured first frame on channel %ld", (long)channel);
  cb_leave(rec);
}

static void PARLEY_CALL on_player_state(void *ud, const char *stream, int32_t state, int32_t code, const char *ext) {
  eng_rec *rec = cb_enter(ud, "on_player_state_update");
  cb_str(stream, "on_player_state_update", "stream_id");
  cb_str(ext, "on_player_state_update", "extended_data");
  CB_CHECK(state >= PARLEY_PLAYER_STATE_NO_PLAY && state <= PARLEY_PLAYER_STATE_PLAYING, "player state %ld",
           (long)state);
  CB_CHECK(known_code(code), "on_player_state_update with code %ld", (long)code);
  count_event_code(code);
  if (state == PARLEY_PLAYER_STATE_PLAYING) ADD(&ev.playing, 1);
  if (state == PARLEY_PLAYER_STATE_PLAY_REQUESTING) ADD(&ev.play_requesting, 1);
  if (cb_pick(4) == 0) cb_call(rec, stream);
  cb_leave(rec);
}

static void PARLEY_CALL on_player_quality(void *ud, const char *stream, const parley_play_quality *q) {
  eng_rec *rec = cb_enter(ud, "on_player_quality_update");
  cb_str(stream, "on_player_quality_update", "stream_id");
  CB_CHECK(q != NULL && q->struct_size >= sizeof *q, "on_player_quality_update: bad quality struct");
  CB_CHECK(q->level >= PARLEY_QUALITY_LEVEL_EXCELLENT && q->level <= PARLEY_QUALITY_LEVEL_UNKNOWN,
           "play quality level %ld", (long)q->level);
  ADD(&ev.quality, 1);
  cb_leave(rec);
}

static void PARLEY_CALL on_media_event(void *ud, const char *stream, int32_t event) {
  eng_rec *rec = cb_enter(ud, "on_player_media_event");
  cb_str(stream, "on_player_media_event", "stream_id");
  CB_CHECK(event >= PARLEY_PLAYER_MEDIA_EVENT_AUDIO_BREAK_OCCUR && event <= PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_RESUME,
           "media event %ld", (long)event);
  cb_leave(rec);
}

static void PARLEY_CALL on_stream_only(void *ud, const char *stream) {
  eng_rec *rec = cb_enter(ud, "on_player_recv/render_video_first_frame");
  cb_str(stream, "on_player_recv/render_video_first_frame", "stream_id");
  cb_leave(rec);
}

static void PARLEY_CALL on_render_first_frame(void *ud, const char *stream) {
  on_stream_only(ud, stream);
  ADD(&ev.rendered_first, 1);
}

static void PARLEY_CALL on_video_size(void *ud, const char *stream, int32_t width, int32_t height) {
  eng_rec *rec = cb_enter(ud, "on_player_video_size_changed");
  cb_str(stream, "on_player_video_size_changed", "stream_id");
  CB_CHECK(width > 0 && height > 0, "on_player_video_size_changed %ldx%ld", (long)width, (long)height);
  cb_leave(rec);
}

static void PARLEY_CALL on_remote_device(void *ud, const char *stream, int32_t state) {
  eng_rec *rec = cb_enter(ud, "on_remote_camera/mic_state_update");
  cb_str(stream, "on_remote_camera/mic_state_update", "stream_id");
  CB_CHECK(state == PARLEY_REMOTE_DEVICE_STATE_OPEN || state == PARLEY_REMOTE_DEVICE_STATE_DISABLE ||
               state == PARLEY_REMOTE_DEVICE_STATE_MUTE,
           "remote device state %ld", (long)state);
  cb_leave(rec);
}

static void PARLEY_CALL on_network_quality(void *ud, const char *user, int32_t up, int32_t down) {
  eng_rec *rec = cb_enter(ud, "on_network_quality");
  cb_str(user, "on_network_quality", "user_id");
  CB_CHECK(up >= PARLEY_QUALITY_LEVEL_EXCELLENT && up <= PARLEY_QUALITY_LEVEL_UNKNOWN &&
               down >= PARLEY_QUALITY_LEVEL_EXCELLENT && down <= PARLEY_QUALITY_LEVEL_UNKNOWN,
           "network quality %ld/%ld", (long)up, (long)down);
  cb_leave(rec);
}

parley_event_handler handler_for(eng_rec *rec, uint32_t size) {
  parley_event_handler h;
  memset(&h, 0, sizeof h);
  h.struct_size = size;
  h.user_data = rec;
  h.on_debug_error = on_debug_error;
  h.on_room_state_changed = on_room_state;
  h.on_room_user_update = on_user_update;
  h.on_room_stream_update = on_stream_update;
  h.on_room_token_will_expire = on_token_will_expire;
  h.on_publisher_state_update = on_publisher_state;
  h.on_publisher_quality_update = on_publisher_quality;
  h.on_publisher_captured_video_first_frame = on_captured_first_frame;
  h.on_player_state_update = on_player_state;
  h.on_player_quality_update = on_player_quality;
  h.on_player_media_event = on_media_event;
  h.on_player_recv_video_first_frame = on_stream_only;
  h.on_player_render_video_first_frame = on_render_first_frame;
  h.on_player_video_size_changed = on_video_size;
  if (size > HANDLER_V1_SIZE) {
    h.on_remote_camera_state_update = on_remote_device;
    h.on_remote_mic_state_update = on_remote_device;
    h.on_network_quality = on_network_quality;
  }
  return h;
}

void PARLEY_CALL on_destroyed(void *ud) {
  eng_rec *rec = ud;
  ADD(&rec->destroyed_calls, 1);
}

void PARLEY_CALL on_destroyed_never(void *ud) {
  (void)ud;
  h_fail(__FILE__, __LINE__, "on_destroyed ran for a parley_engine_destroy that returned an error");
}

void PARLEY_CALL on_log(void *ud, int32_t level, const char *message) {
  CB_CHECK(ud == &ev, "the log callback got user_data %p", ud);
  CB_CHECK(level >= PARLEY_LOG_LEVEL_DEBUG && level <= PARLEY_LOG_LEVEL_ERROR, "log level %ld", (long)level);
  CB_CHECK(message != NULL, "log message NULL");
  ADD(&ev.logs, 1);
}

void print_stats(void) {
  size_t f, i;
  printf("chaos: what the calls returned\n");
  for (f = 0; f < N_FN; f++) {
    unsigned long total = 0;
    char line[1024];
    size_t n = 0;
    for (i = 0; i < N_CODES; i++) total += stats[f][i];
    if (total == 0) continue;
    for (i = 0; i < N_CODES && n < sizeof line; i++)
      if (stats[f][i] > 0)
        n += (size_t)snprintf(line + n, sizeof line - n, " %s %lu", parley_error_name(all_codes[i]), stats[f][i]);
    printf("  %-36s %7lu:%s\n", fns[f].name, total, line);
  }
  printf("chaos: events: %lu callbacks, %lu LOGINED, %lu LOGIN_FAILED, %lu KICK_OUT, %lu LOGOUT, "
         "%lu RECONNECT_FAILED, %lu PUBLISHING, %lu publish failures, %lu PLAYING, %lu PLAY_REQUESTING, "
         "%lu first frames rendered, %lu quality updates, %lu debug errors, %lu calls from callbacks, %lu log lines\n",
         ev.callbacks, ev.logined, ev.login_failed, ev.kicked, ev.logout, ev.reconnect_failed, ev.publishing,
         ev.publish_failed, ev.playing, ev.play_requesting, ev.rendered_first, ev.quality, ev.debug_errors,
         ev.cb_calls, ev.logs);
  printf("chaos: error codes in state events:");
  for (i = 0; i < N_CODES; i++)
    if (ev_codes[i] > 0) printf(" %s %lu", all_names[i], ev_codes[i]);
  printf("\n");
}

