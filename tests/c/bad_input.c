/*
 * bad_input — every declared function with NULL pointers, wrong struct_size,
 * destroyed, foreign and wrong-kind handles, invalid IDs, out-of-range enums
 * and calls in the wrong order. Each call has exactly one thing wrong, so the
 * expected code does not depend on the order the library checks in. The
 * process must never crash, and no event may follow a call that failed.
 */
#include "harness.h"

#include <stddef.h>

#define ROOM "bad-input-room"

static char url[PARLEY_URL_CAPACITY];

/* ---- helpers --------------------------------------------------------------- */

/* A string of n copies of c (n < 1024), in one of a few static buffers. */
static const char *repeat(char c, size_t n) {
  static char bufs[4][1024];
  static int next;
  char *b = bufs[next++ % 4];
  memset(b, c, n);
  b[n] = '\0';
  return b;
}

static const char *const bad_ids[] = {"", "a b", "\xc3\xa9", "a/b", "a\tb", "a:b", "a%20b", "a\"b", "\xff"};
#define N_BAD_IDS (sizeof bad_ids / sizeof bad_ids[0])

static parley_user user(const char *id, const char *name) {
  parley_user u;
  memset(&u, 0, sizeof u);
  u.user_id = id;
  u.user_name = name;
  return u;
}

static parley_engine_profile profile(void) {
  parley_engine_profile p;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.app_id = PARLEY_DEV_APP_ID;
  p.app_sign = PARLEY_DEV_APP_SIGN;
  p.scenario = PARLEY_SCENARIO_DEFAULT;
  p.server_url = url;
  return p;
}

static parley_view_desc view_desc(uint8_t *pixels, uint32_t w, uint32_t h) {
  parley_view_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.pixels = pixels;
  d.width = w;
  d.height = h;
  d.stride = 4 * w;
  d.view_mode = PARLEY_VIEW_MODE_ASPECT_FIT;
  return d;
}

/* Creating must fail with want and leave *out NULL. */
static void expect_create_fails(int32_t want, const parley_engine_profile *p, const parley_event_handler *h,
                                const char *what) {
  parley_engine *e = (parley_engine *)(uintptr_t)0x1; /* not NULL: the library must clear it */
  int32_t rc = parley_engine_create(p, h, &e);
  CHECKF(rc == want, "parley_engine_create with %s returned %s, want %s", what, parley_error_name(rc),
         parley_error_name(want));
  CHECKF(e == NULL, "parley_engine_create with %s failed but left *out_engine non-NULL", what);
}

static void expect_create_ok(const parley_engine_profile *p, const char *what) {
  parley_engine *e = NULL;
  int32_t rc = parley_engine_create(p, NULL, &e);
  CHECKF(rc == PARLEY_OK && e != NULL, "parley_engine_create with %s returned %s", what, parley_error_name(rc));
  CHECK_OK(parley_engine_destroy(e, NULL, NULL));
}

/* on_destroyed of a destroy that returned an error: must never run. */
static int never_destroyed_calls;
static void on_destroyed_never(void *ud) {
  (void)ud;
  never_destroyed_calls++;
}

/* Every engine function with a bad engine handle and otherwise valid arguments. */
static void sweep_engine_handle(parley_engine *bad) {
  parley_event_handler h;
  parley_user u = user("sweep-user", NULL);
  parley_video_config vc;
  uint8_t frame[16 * 16 * 4];
  int16_t pcm[480 * 2];
  uint32_t n = 0;

  memset(&h, 0, sizeof h);
  h.struct_size = sizeof h;
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  memset(frame, 0x80, sizeof frame);
  memset(pcm, 0, sizeof pcm);

  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_set_event_handler(bad, &h));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_set_event_handler(bad, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_poll_events(bad, 0, &n));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_login_room(bad, ROOM, &u, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_logout_room(bad, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_logout_room(bad, ROOM));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_publishing_stream(bad, "sweep", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_stop_publishing_stream(bad, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_preview(bad, NULL, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_stop_preview(bad, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_set_video_config(bad, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE,
             parley_set_video_source(bad, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_set_audio_source(bad, PARLEY_AUDIO_SOURCE_CUSTOM));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE,
             parley_send_custom_video_frame(bad, frame, 16, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_send_custom_audio_pcm(bad, pcm, 480, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_playing_stream(bad, "sweep", NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_renew_token(bad, ROOM, "sweep"));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_stop_playing_stream(bad, "sweep"));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_fetch_audio_pcm(bad, pcm, 480, 48000, 2));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_enable_camera(bad, 1, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_microphone(bad, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_publish_stream_audio(bad, 1, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_publish_stream_video(bad, 1, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_play_stream_audio(bad, "sweep", 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_play_stream_video(bad, "sweep", 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_mute_speaker(bad, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE,
             parley_set_video_mirror_mode(bad, PARLEY_VIDEO_MIRROR_MODE_BOTH, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_destroy(bad, on_destroyed_never, NULL));
}

/* Every view function with a bad view handle; good is a live engine logged in to ROOM. */
static void sweep_view_handle(parley_view *bad, parley_engine *good) {
  parley_frame_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_acquire(bad, &info));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_acquire(bad, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_release(bad));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_destroy(bad));
  if (bad == NULL) return; /* a NULL view is valid for preview and play: no view */
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_preview(good, bad, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_playing_stream(good, "sweep-view", bad));
}

/* ---- log callback ------------------------------------------------------------ */

typedef struct log_state {
  pthread_mutex_t mu;
  unsigned long count;
  unsigned long below_min; /* messages under min_level */
  unsigned long invalid;   /* NULL message or level outside 0..3 */
  int32_t min_level;
} log_state;

static log_state logs = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0};

static void on_log(void *ud, int32_t level, const char *message) {
  log_state *s = ud;
  pthread_mutex_lock(&s->mu);
  s->count++;
  if (message == NULL || level < PARLEY_LOG_LEVEL_DEBUG || level > PARLEY_LOG_LEVEL_ERROR) s->invalid++;
  if (level < s->min_level) s->below_min++;
  pthread_mutex_unlock(&s->mu);
}

static void log_reset(int32_t min_level) {
  pthread_mutex_lock(&logs.mu);
  logs.count = logs.below_min = logs.invalid = 0;
  logs.min_level = min_level;
  pthread_mutex_unlock(&logs.mu);
}

static log_state log_get(void) {
  log_state s;
  pthread_mutex_lock(&logs.mu);
  s = logs;
  pthread_mutex_unlock(&logs.mu);
  return s;
}

static int log_seen(void *ud) {
  (void)ud;
  return log_get().count > 0;
}

/* ---- the test ------------------------------------------------------------------ */

static void errors_and_versions(void) {
  static const int32_t probes[] = {0,       1,       -1,      42,      999,      1000000, 1000001,
                                   1000999, 1001000, 1002000, 1006002, 1006003, 1007000, 2000000000,
                                   INT32_MIN, INT32_MAX, -1000002};
  size_t i;
  h_phase("error names and messages are never NULL");
  for (i = 0; i < sizeof probes / sizeof probes[0]; i++) {
    const char *name = parley_error_name(probes[i]);
    const char *msg = parley_error_message(probes[i]);
    CHECKF(name != NULL && name[0] != '\0', "parley_error_name(%ld) is NULL or empty", (long)probes[i]);
    CHECKF(msg != NULL && msg[0] != '\0', "parley_error_message(%ld) is NULL or empty", (long)probes[i]);
  }
  CHECK(strcmp(parley_error_name(-1), "PARLEY_ERR_UNKNOWN") == 0);
  CHECK(strcmp(parley_error_name(INT32_MAX), "PARLEY_ERR_UNKNOWN") == 0);
  CHECK(strcmp(parley_error_message(INT32_MIN), "unknown error code") == 0);
  CHECK(strcmp(parley_error_name(0), "PARLEY_OK") == 0);
  CHECK(parley_get_version() != NULL && parley_get_version()[0] != '\0');
}

/* Starting and stopping a dev server logs (the dev app says it is for development only). */
static void make_some_logs(void) {
  parley_server *s = NULL;
  char u[PARLEY_URL_CAPACITY];
  CHECK_OK(parley_server_start(NULL, &s, u, sizeof u));
  CHECK_OK(parley_server_stop(s));
}

static void logging(void) {
  log_state s;
  h_phase("log levels");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_log_level(-1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_log_level(4));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_log_level(INT32_MAX));
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_ERROR));
  CHECK_OK(parley_set_log_callback(NULL, NULL));

  h_phase("log callback at debug level receives messages");
  log_reset(PARLEY_LOG_LEVEL_DEBUG);
  CHECK_OK(parley_set_log_callback(on_log, &logs));
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_DEBUG));
  make_some_logs();
  CHECKF(h_wait_until(log_seen, NULL, 3000), "no log message at debug level while a dev server started and stopped");
  s = log_get();
  CHECKF(s.invalid == 0, "%lu log messages with a NULL text or a level outside 0..3", s.invalid);

  h_phase("log level error filters debug, info and warn");
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_ERROR));
  h_sleep_ms(200);
  log_reset(PARLEY_LOG_LEVEL_ERROR);
  make_some_logs();
  h_sleep_ms(200);
  s = log_get();
  CHECKF(s.below_min == 0, "%lu log messages below the error level reached the callback", s.below_min);

  h_phase("after parley_set_log_callback(NULL) the callback is never called");
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_DEBUG));
  CHECK_OK(parley_set_log_callback(NULL, NULL));
  log_reset(PARLEY_LOG_LEVEL_DEBUG);
  make_some_logs();
  h_sleep_ms(200);
  CHECKF(log_get().count == 0, "the log callback ran %lu times after it was removed", log_get().count);
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_WARN)); /* the default */
}

static void engine_create(void) {
  parley_engine_profile p;
  parley_event_handler h;
  parley_engine *e = NULL;
  unsigned char big[sizeof(parley_engine_profile) + 64];
  int32_t sc;

  h_phase("parley_engine_create: NULL pointers and struct sizes");
  p = profile();
  e = (parley_engine *)(uintptr_t)0x1; /* not NULL: the library must clear it */
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_engine_create(NULL, NULL, &e));
  CHECK(e == NULL);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_engine_create(&p, NULL, NULL));
  p.struct_size = 0;
  expect_create_fails(PARLEY_ERR_INVALID_STRUCT_SIZE, &p, NULL, "profile struct_size 0");
  p.struct_size = (uint32_t)offsetof(parley_engine_profile, flags);
  expect_create_fails(PARLEY_ERR_INVALID_STRUCT_SIZE, &p, NULL, "profile struct_size too small");
  p = profile();
  memset(&h, 0, sizeof h);
  h.struct_size = 0;
  expect_create_fails(PARLEY_ERR_INVALID_STRUCT_SIZE, &p, &h, "handler struct_size 0");
  h.struct_size = (uint32_t)offsetof(parley_event_handler, on_player_video_size_changed);
  expect_create_fails(PARLEY_ERR_INVALID_STRUCT_SIZE, &p, &h, "handler struct_size too small");

  h_phase("parley_engine_create: a newer host's larger struct is fine");
  memset(big, 0, sizeof big);
  p = profile();
  p.struct_size = (uint32_t)sizeof big;
  memcpy(big, &p, sizeof p);
  memset(big + sizeof p, 0xEE, sizeof big - sizeof p); /* unknown fields: must be ignored */
  expect_create_ok((const parley_engine_profile *)(const void *)big, "a profile with struct_size beyond this header");

  h_phase("parley_engine_create: app ID and app sign");
  p = profile();
  p.app_id = 0;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "app_id 0");
  p = profile();
  p.app_sign = "xyz";
  expect_create_fails(PARLEY_ERR_INVALID_APP_SIGN, &p, NULL, "a 3-character app sign");
  p.app_sign = repeat('a', 63);
  expect_create_fails(PARLEY_ERR_INVALID_APP_SIGN, &p, NULL, "63 hex digits");
  p.app_sign = repeat('a', 65);
  expect_create_fails(PARLEY_ERR_INVALID_APP_SIGN, &p, NULL, "65 hex digits");
  p.app_sign = repeat('g', 64);
  expect_create_fails(PARLEY_ERR_INVALID_APP_SIGN, &p, NULL, "64 non-hex characters");
  /* NULL and "" are for token login, which this version may not have yet. */
  p.app_sign = NULL;
  expect_create_ok(&p, "app_sign NULL (token login)");
  p.app_sign = "";
  expect_create_ok(&p, "app_sign \"\" (token login)");
  {
    /* An engine without an app sign logs in with a token: none is refused
       before anything is sent. */
    parley_engine *te = NULL;
    parley_user tu = {"token-user", NULL};
    parley_room_config tc;
    memset(&tc, 0, sizeof tc);
    tc.struct_size = sizeof tc;
    CHECK_OK(parley_engine_create(&p, NULL, &te));
    CHECK_CODE(PARLEY_ERR_ROOM_TOKEN_INVALID, parley_login_room(te, ROOM, &tu, NULL));
    CHECK_CODE(PARLEY_ERR_ROOM_TOKEN_INVALID, parley_login_room(te, ROOM, &tu, &tc));
    tc.token = "";
    CHECK_CODE(PARLEY_ERR_ROOM_TOKEN_INVALID, parley_login_room(te, ROOM, &tu, &tc));
    CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_renew_token(te, ROOM, NULL));
    CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_renew_token(te, NULL, "x.y.z"));
    CHECK_CODE(PARLEY_ERR_INVALID_ROOM_ID, parley_renew_token(te, "bad room", "x.y.z"));
    CHECK_CODE(PARLEY_ERR_ROOM_TOKEN_INVALID, parley_renew_token(te, ROOM, ""));
    CHECK_CODE(PARLEY_ERR_ROOM_TOKEN_INVALID, parley_renew_token(te, ROOM, "not a token"));
    CHECK_OK(parley_engine_destroy(te, NULL, NULL));
  }

  h_phase("parley_engine_create: scenario, flags, server URL");
  p = profile();
  p.scenario = 0;
  expect_create_ok(&p, "scenario 0 (the default scenario)");
  p.scenario = 1;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "scenario 1");
  p.scenario = 2;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "scenario 2");
  p.scenario = 11;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "scenario 11");
  p.scenario = -1;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "scenario -1");
  for (sc = PARLEY_SCENARIO_DEFAULT; sc <= PARLEY_SCENARIO_STANDARD_VOICE_CALL; sc++) {
    p.scenario = sc;
    expect_create_ok(&p, "each valid scenario");
  }
  p = profile();
  p.flags = 2;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "flags 2");
  p.flags = 0x80000000u;
  expect_create_fails(PARLEY_ERR_INVALID_ARGUMENT, &p, NULL, "flags 0x80000000");
  p = profile();
  p.server_url = "http://127.0.0.1:7880";
  expect_create_fails(PARLEY_ERR_INVALID_SERVER_URL, &p, NULL, "an http:// server URL");
  p.server_url = "127.0.0.1:7880";
  expect_create_fails(PARLEY_ERR_INVALID_SERVER_URL, &p, NULL, "a server URL without scheme");
  p.server_url = NULL;
  expect_create_ok(&p, "server_url NULL (default)");
  p.server_url = "";
  expect_create_ok(&p, "server_url \"\" (default)");
}

static void handles(parley_engine *live, h_recorder *live_rec, parley_server *srv) {
  int local = 0;
  parley_engine *dead = NULL, *fresh = NULL;
  parley_view *dead_view = NULL, *live_view = NULL;
  parley_server *dead_server = NULL;
  parley_engine_profile p = profile();
  uint8_t px[8 * 8 * 4];
  parley_view_desc d = view_desc(px, 8, 8);
  char dead_url[PARLEY_URL_CAPACITY];
  h_recorder *dead_rec = h_rec_new("destroyed", H_THREAD_ONE_NOT_MAIN);
  parley_event_handler dh = h_rec_handler(dead_rec);
  size_t dead_callbacks;
  (void)live_rec;

  h_phase("handles: NULL");
  sweep_engine_handle(NULL);
  sweep_view_handle(NULL, live);
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop(NULL));

  h_phase("handles: a pointer to a local variable");
  sweep_engine_handle((parley_engine *)(void *)&local);
  sweep_view_handle((parley_view *)(void *)&local, live);
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop((parley_server *)(void *)&local));
  CHECK(local == 0);

  h_phase("handles: made-up values");
  sweep_engine_handle((parley_engine *)(uintptr_t)0xdeadbeefu);
  sweep_engine_handle((parley_engine *)(uintptr_t)UINTPTR_MAX);
  sweep_view_handle((parley_view *)(uintptr_t)0x1u, live);

  h_phase("handles: a view or a server passed as an engine, and the other way round");
  CHECK_OK(parley_view_create(&d, &live_view));
  sweep_engine_handle((parley_engine *)(void *)live_view);
  sweep_engine_handle((parley_engine *)(void *)srv);
  sweep_view_handle((parley_view *)(void *)live, live);
  sweep_view_handle((parley_view *)(void *)srv, live);
  /* Neither must have stopped the live server or destroyed the live engine. */
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop((parley_server *)(void *)live));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop((parley_server *)(void *)live_view));
  CHECK_OK(parley_stop_preview(live, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_view_acquire(live_view, NULL));
  CHECK_OK(parley_view_release(live_view));

  h_phase("handles: a destroyed engine");
  CHECK_OK(parley_engine_create(&p, &dh, &dead));
  CHECK_OK(parley_engine_destroy(dead, NULL, NULL));
  dead_callbacks = h_rec_callbacks(dead_rec);
  sweep_engine_handle(dead);
  CHECK_OK(parley_engine_create(&p, NULL, &fresh));
  CHECKF(fresh != dead, "a new engine got the handle of a destroyed one (handles must never be reused)");
  sweep_engine_handle(dead);
  CHECK_OK(parley_engine_destroy(fresh, NULL, NULL));
  h_sleep_ms(200);
  CHECKF(h_rec_callbacks(dead_rec) == dead_callbacks, "callbacks ran for an engine after its destroy returned");
  h_rec_check_clean(dead_rec);

  h_phase("handles: a destroyed view");
  CHECK_OK(parley_view_create(&d, &dead_view));
  CHECK_OK(parley_view_destroy(dead_view));
  sweep_view_handle(dead_view, live);

  h_phase("handles: a stopped server");
  CHECK_OK(parley_server_start(NULL, &dead_server, dead_url, sizeof dead_url));
  CHECK_OK(parley_server_stop(dead_server));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop(dead_server));

  CHECK_OK(parley_view_destroy(live_view));
  CHECKF(never_destroyed_calls == 0, "on_destroyed ran for a destroy that returned an error");
}

static void room_calls(parley_engine *fresh, h_recorder *fresh_rec, parley_engine *in_room) {
  parley_user u = user("good-user", "Good User");
  parley_user bad_u;
  parley_room_config c;
  size_t i;
  char name256[257], room128[129], want[512];
  size_t events_before, debug_before;

  h_phase("parley_login_room: NULL pointers and struct sizes");
  events_before = h_rec_size(fresh_rec);
  debug_before = h_rec_count_prefix(fresh_rec, "debug_error");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_login_room(fresh, ROOM, NULL, NULL));
  memset(&c, 0, sizeof c);
  c.struct_size = 0;
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_login_room(fresh, ROOM, &u, &c));
  c.struct_size = (uint32_t)offsetof(parley_room_config, token);
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_login_room(fresh, ROOM, &u, &c));

  h_phase("parley_login_room: invalid room IDs");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_login_room(fresh, NULL, &u, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_ROOM_ID, parley_login_room(fresh, repeat('r', 129), &u, NULL));
  for (i = 0; i < N_BAD_IDS; i++) CHECK_CODE(PARLEY_ERR_INVALID_ROOM_ID, parley_login_room(fresh, bad_ids[i], &u, NULL));

  h_phase("parley_login_room: invalid user IDs and names");
  bad_u = user(NULL, NULL);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_login_room(fresh, ROOM, &bad_u, NULL));
  bad_u = user(repeat('u', 65), NULL);
  CHECK_CODE(PARLEY_ERR_INVALID_USER_ID, parley_login_room(fresh, ROOM, &bad_u, NULL));
  for (i = 0; i < N_BAD_IDS; i++) {
    bad_u = user(bad_ids[i], NULL);
    CHECK_CODE(PARLEY_ERR_INVALID_USER_ID, parley_login_room(fresh, ROOM, &bad_u, NULL));
  }
  bad_u = user("good-user", repeat('n', 257));
  CHECK_CODE(PARLEY_ERR_INVALID_USER_NAME, parley_login_room(fresh, ROOM, &bad_u, NULL));
  bad_u = user("good-user", "bad \xff\xfe utf-8");
  CHECK_CODE(PARLEY_ERR_INVALID_USER_NAME, parley_login_room(fresh, ROOM, &bad_u, NULL));

  h_phase("parley_logout_room before any login");
  CHECK_OK(parley_logout_room(fresh, NULL)); /* every room of none: nothing happens */
  CHECK_CODE(PARLEY_ERR_NOT_LOGGED_IN, parley_logout_room(fresh, ROOM));
  CHECK_CODE(PARLEY_ERR_INVALID_ROOM_ID, parley_logout_room(fresh, "a b"));
  CHECK_CODE(PARLEY_ERR_INVALID_ROOM_ID, parley_logout_room(fresh, "")); /* every room is NULL, not "" */

  h_phase("publishing and playing before login");
  CHECK_CODE(PARLEY_ERR_NOT_LOGGED_IN, parley_start_publishing_stream(fresh, "early", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_NOT_LOGGED_IN, parley_start_playing_stream(fresh, "early", NULL));
  CHECK_OK(parley_stop_publishing_stream(fresh, PARLEY_PUBLISH_CHANNEL_MAIN)); /* not publishing: nothing happens */
  CHECK_OK(parley_stop_playing_stream(fresh, "early"));                      /* not playing: nothing happens */
  CHECK_OK(parley_stop_preview(fresh, PARLEY_PUBLISH_CHANNEL_AUX));            /* not previewing: nothing happens */

  h_phase("only on_debug_error follows a call that failed, with the code it returned");
  h_sleep_ms(h_scaled_ms(300));
  CHECKF(h_rec_size(fresh_rec) - events_before == h_rec_count_prefix(fresh_rec, "debug_error") - debug_before,
         "%lu events other than on_debug_error followed calls that returned errors",
         (unsigned long)((h_rec_size(fresh_rec) - events_before) -
                         (h_rec_count_prefix(fresh_rec, "debug_error") - debug_before)));
  CHECKF(h_rec_find_prefix(fresh_rec, "debug_error PARLEY_ERR_INVALID_ARGUMENT parley_login_room", events_before) >= 0,
         "the NULL user was not reported through on_debug_error");
  CHECKF(h_rec_find_prefix(fresh_rec, "debug_error PARLEY_ERR_INVALID_ROOM_ID parley_login_room", events_before) >= 0,
         "an invalid room ID was not reported through on_debug_error");

  h_phase("parley_login_room: the longest valid IDs and name are accepted");
  memset(room128, 0, sizeof room128);
  for (i = 0; i < 128; i++) room128[i] = "Az09-_.~"[i % 8];
  memset(name256, 0, sizeof name256);
  for (i = 0; i < 128; i++) memcpy(name256 + 2 * i, "\xc3\xa9", 2); /* 128 x U+00E9: 256 bytes */
  bad_u = user(repeat('u', 64), name256);
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.is_user_status_notify = 1;
  CHECK_OK(parley_login_room(fresh, room128, &bad_u, &c));
  snprintf(want, sizeof want, "room_state %s LOGINED 0", room128);
  EXPECT_EVENT(fresh_rec, want, 15000);
  CHECK_CODE(PARLEY_ERR_ROOM_ALREADY_LOGGED_IN, parley_login_room(fresh, room128, &bad_u, &c));
  CHECK_CODE(PARLEY_ERR_NOT_LOGGED_IN, parley_logout_room(fresh, "never-joined"));
  CHECK_OK(parley_logout_room(fresh, room128));
  snprintf(want, sizeof want, "room_state %s LOGOUT 0", room128);
  EXPECT_EVENT(fresh_rec, want, 10000);

  h_phase("stream IDs on an engine in a room");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_start_publishing_stream(in_room, NULL, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID,
             parley_start_publishing_stream(in_room, repeat('s', 257), PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_start_playing_stream(in_room, NULL, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_stop_playing_stream(in_room, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID, parley_start_playing_stream(in_room, repeat('s', 257), NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID, parley_stop_playing_stream(in_room, repeat('s', 257)));
  for (i = 0; i < N_BAD_IDS; i++) {
    CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID,
               parley_start_publishing_stream(in_room, bad_ids[i], PARLEY_PUBLISH_CHANNEL_MAIN));
    CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID, parley_start_playing_stream(in_room, bad_ids[i], NULL));
    CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID, parley_stop_playing_stream(in_room, bad_ids[i]));
  }
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_start_publishing_stream(in_room, "good-stream", 2));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_start_publishing_stream(in_room, "good-stream", -1));
  /* The longest stream ID is fine: nobody publishes it, so the player waits. */
  CHECK_OK(parley_start_playing_stream(in_room, repeat('s', 256), NULL));
  CHECK_OK(parley_stop_playing_stream(in_room, repeat('s', 256)));
}

static void publishing_calls(parley_engine *e, h_recorder *r) {
  parley_video_config vc;
  int32_t rc;

  h_phase("parley_set_video_config");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, NULL, PARLEY_PUBLISH_CHANNEL_MAIN));
  memset(&vc, 0, sizeof vc);
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.struct_size = (uint32_t)offsetof(parley_video_config, codec);
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.struct_size = sizeof vc;
  CHECK_OK(parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN)); /* all defaults */
  vc.capture_width = vc.encode_width = 320;
  vc.capture_height = vc.encode_height = 240;
  vc.fps = 15;
  vc.bitrate_kbps = 300;
  vc.codec = PARLEY_VIDEO_CODEC_VP8;
  CHECK_OK(parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_set_video_config(e, &vc, 2));
  vc.codec = 7;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.codec = -1;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.codec = PARLEY_VIDEO_CODEC_H264;
  rc = parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN);
  CHECKF(rc == PARLEY_OK || rc == PARLEY_ERR_CODEC_UNSUPPORTED, "H264 config returned %s", parley_error_name(rc));
  vc.codec = PARLEY_VIDEO_CODEC_VP8;
  vc.fps = 61;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.fps = 15;
  vc.encode_width = 321;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.encode_width = 4098;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.encode_width = 320;
  vc.capture_height = 241;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.capture_height = 240;
  vc.bitrate_kbps = 20001;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  vc.bitrate_kbps = 300;
  CHECK_OK(parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));

  h_phase("sources: out-of-range values and channels");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_source(e, 3, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_source(e, -1, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_set_video_source(e, PARLEY_VIDEO_SOURCE_CUSTOM, 2));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_set_video_source(e, PARLEY_VIDEO_SOURCE_CUSTOM, -1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_audio_source(e, 3));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_audio_source(e, -1));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_start_preview(e, NULL, 2));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_stop_preview(e, -1));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_stop_publishing_stream(e, 2));

  h_phase("mutes and mirror: switches are 0 or 1, channels and modes in range");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_enable_camera(e, 2, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_mute_microphone(e, -1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_mute_speaker(e, 7));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_enable_camera(e, 1, 2));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_mute_publish_stream_audio(e, 1, -1));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_mute_publish_stream_video(e, 0, 9));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_mute_play_stream_audio(e, NULL, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_STREAM_ID, parley_mute_play_stream_video(e, "a b", 1));
  CHECK_CODE(PARLEY_ERR_PLAY_STREAM_NOT_FOUND, parley_mute_play_stream_video(e, "not-played", 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_video_mirror_mode(e, 4, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_set_video_mirror_mode(e, 0, 2));
  CHECK_OK(parley_set_video_mirror_mode(e, PARLEY_VIDEO_MIRROR_MODE_NONE, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_mute_speaker(e, 0));

  h_phase("publishing one channel twice");
  CHECK_OK(parley_set_video_source(e, PARLEY_VIDEO_SOURCE_TEST_PATTERN, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_audio_source(e, PARLEY_AUDIO_SOURCE_TEST_TONE));
  CHECK_OK(parley_start_publishing_stream(e, "bad-input-pub", PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(r, "publisher_state bad-input-pub PUBLISHING 0", 15000);
  CHECK_CODE(PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING,
             parley_start_publishing_stream(e, "bad-input-pub-2", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_stop_publishing_stream(e, PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(r, "publisher_state bad-input-pub NO_PUBLISH 0", 10000);
  CHECKF(h_rec_find_prefix(r, "publisher_state bad-input-pub-2", 0) < 0,
         "an event followed a publish that returned an error");
}

static void custom_media_calls(parley_engine *e) {
  static uint8_t frame[4098 * 4 * 4];
  static int16_t pcm[48001 * 2];
  size_t i;
  int zeros = 1;

  memset(frame, 0x40, sizeof frame);
  memset(pcm, 0, sizeof pcm);

  h_phase("custom video: source not CUSTOM, then bad frames");
  CHECK_OK(parley_set_video_source(e, PARLEY_VIDEO_SOURCE_TEST_PATTERN, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED,
             parley_send_custom_video_frame(e, frame, 16, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_set_video_source(e, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, NULL, 16, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 0, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 1, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 15, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 16, 0, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 16, 1, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 16, 15, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 16, 16, 63, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_video_frame(e, frame, 16, 16, 0, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT,
             parley_send_custom_video_frame(e, frame, 4098, 4, 4098 * 4, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_send_custom_video_frame(e, frame, 16, 16, 64, 0, 2));
  /* Valid frames while the channel neither publishes nor previews are dropped. */
  CHECK_OK(parley_send_custom_video_frame(e, frame, 16, 16, 64, 0, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_send_custom_video_frame(e, frame, 2, 2, 8, h_unix_ms(), PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_send_custom_video_frame(e, frame, 16, 16, 100, 0, PARLEY_PUBLISH_CHANNEL_AUX));

  h_phase("custom audio: source not CUSTOM, then bad PCM");
  CHECK_OK(parley_set_audio_source(e, PARLEY_AUDIO_SOURCE_TEST_TONE));
  CHECK_CODE(PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED, parley_send_custom_audio_pcm(e, pcm, 480, 48000, 1));
  /* Ranges are checked before the state: more than a second of PCM is refused as such. */
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 8001, 8000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 480, 96000, 1));
  CHECK_OK(parley_set_audio_source(e, PARLEY_AUDIO_SOURCE_CUSTOM));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 32001, 32000, 2));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, NULL, 480, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 0, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 48001, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 480, 0, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 79, 7999, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 960, 96000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 480, 48000, 0));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_send_custom_audio_pcm(e, pcm, 480, 48000, 3));
  CHECK_OK(parley_send_custom_audio_pcm(e, pcm, 480, 48000, 1));
  CHECK_OK(parley_send_custom_audio_pcm(e, pcm, 441, 44100, 2));
  CHECK_OK(parley_send_custom_audio_pcm(e, pcm, 80, 8000, 1));
  CHECK_OK(parley_send_custom_audio_pcm(e, pcm, 48000, 48000, 2));

  h_phase("parley_fetch_audio_pcm: bad buffers, rates and channels");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, NULL, 480, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 0, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 48001, 48000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 16001, 16000, 2)); /* over one second */
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 480, 0, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 220, 22050, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 79, 7999, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 960, 96000, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 480, 48000, 0));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 480, 48000, 3));
  for (i = 0; i < 960; i++) pcm[i] = 0x7fff;
  CHECK_OK(parley_fetch_audio_pcm(e, pcm, 480, 48000, 2));
  for (i = 0; i < 960; i++)
    if (pcm[i] != 0) zeros = 0;
  CHECKF(zeros, "an engine that plays nothing must fetch silence (zeros)");
  CHECK_OK(parley_fetch_audio_pcm(e, pcm, 80, 8000, 1));
  CHECK_OK(parley_fetch_audio_pcm(e, pcm, 441, 44100, 2));
}

static void poll_calls(parley_engine *not_poll, parley_engine *poll_engine) {
  uint32_t n = 77;
  h_phase("parley_engine_poll_events on an engine without the poll flag");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_engine_poll_events(not_poll, 0, &n));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_engine_poll_events(not_poll, 1, NULL));
  h_phase("parley_engine_poll_events on a poll engine");
  CHECK_OK(parley_engine_poll_events(poll_engine, 0, NULL));
  n = 77;
  CHECK_OK(parley_engine_poll_events(poll_engine, 5, &n));
  CHECK(n <= 5);
}

static void set_handler_calls(parley_engine *e, h_recorder *r) {
  parley_event_handler h = h_rec_handler(r);
  parley_event_handler bad = h;
  h_phase("parley_engine_set_event_handler");
  bad.struct_size = 0;
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_engine_set_event_handler(e, &bad));
  bad.struct_size = (uint32_t)offsetof(parley_event_handler, on_player_render_video_first_frame);
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_engine_set_event_handler(e, &bad));
  CHECK_OK(parley_engine_set_event_handler(e, NULL));
  CHECK_OK(parley_engine_set_event_handler(e, &h));
}

static void view_calls(parley_engine *in_room, parley_engine *other_in_room) {
  static uint8_t px[64 * 48 * 4];
  parley_view_desc d;
  parley_view *v = (parley_view *)(uintptr_t)0x1;
  parley_view *v2 = NULL;
  parley_frame_info info;
  unsigned char big[sizeof(parley_view_desc) + 32];
  size_t i;
  int untouched = 1;

  h_phase("parley_view_create: bad descriptions");
  d = view_desc(px, 64, 48);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(NULL, &v));
  CHECK(v == NULL);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, NULL));
  d.struct_size = 0;
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_view_create(&d, &v));
  d.struct_size = (uint32_t)offsetof(parley_view_desc, flip_y);
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_view_create(&d, &v));
  d = view_desc(NULL, 64, 48);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 0, 48);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 64, 0);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 16385, 1);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 64, 48);
  d.stride = 4 * 64 - 1;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 64, 48);
  d.view_mode = 3;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d.view_mode = -1;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d = view_desc(px, 64, 48);
  d.flip_y = 2;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  d.flip_y = -1;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_create(&d, &v));
  CHECK(v == NULL);

  h_phase("parley_view_create: valid variants");
  d = view_desc(px, 64, 48);
  d.flip_y = 1;
  d.view_mode = PARLEY_VIEW_MODE_SCALE_TO_FILL;
  CHECK_OK(parley_view_create(&d, &v2));
  CHECK_OK(parley_view_destroy(v2));
  memset(big, 0, sizeof big);
  d = view_desc(px, 64, 48);
  d.struct_size = (uint32_t)sizeof big;
  memcpy(big, &d, sizeof d);
  CHECK_OK(parley_view_create((const parley_view_desc *)(const void *)big, &v2));
  CHECK_OK(parley_view_destroy(v2));

  h_phase("acquire and release in the wrong order");
  memset(px, 0x33, sizeof px);
  d = view_desc(px, 64, 48);
  CHECK_OK(parley_view_create(&d, &v));
  memset(&info, 0xff, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(parley_view_acquire(v, &info));
  CHECKF(info.seq == 0, "a new view has seq %llu, want 0", (unsigned long long)info.seq);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_acquire(v, &info));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_acquire(v, NULL));
  CHECK_OK(parley_view_release(v));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_release(v));
  info.struct_size = 0;
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_view_acquire(v, &info));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_view_release(v)); /* the failed acquire did not acquire */
  CHECK_OK(parley_view_acquire(v, NULL));
  CHECK_OK(parley_view_release(v));
  for (i = 0; i < sizeof px; i++)
    if (px[i] != 0x33) untouched = 0;
  CHECKF(untouched, "a view nobody attached had its pixels written");

  h_phase("one view, one preview or player at a time");
  CHECK_OK(parley_set_video_source(in_room, PARLEY_VIDEO_SOURCE_TEST_PATTERN, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_start_playing_stream(in_room, "ghost-1", v));
  CHECK_OK(parley_start_playing_stream(in_room, "ghost-1", v)); /* same stream, same view: fine */
  CHECK_CODE(PARLEY_ERR_VIEW_IN_USE, parley_start_playing_stream(in_room, "ghost-2", v));
  CHECK_CODE(PARLEY_ERR_VIEW_IN_USE, parley_start_preview(in_room, v, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_VIEW_IN_USE, parley_start_playing_stream(other_in_room, "ghost-1", v));
  CHECK_OK(parley_stop_playing_stream(in_room, "ghost-1"));
  CHECK_OK(parley_start_preview(in_room, v, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_VIEW_IN_USE, parley_start_playing_stream(in_room, "ghost-2", v));
  CHECK_OK(parley_stop_preview(in_room, PARLEY_PUBLISH_CHANNEL_MAIN));

  h_phase("destroying a view that is attached and acquired");
  CHECK_OK(parley_start_playing_stream(in_room, "ghost-3", v));
  CHECK_OK(parley_view_acquire(v, NULL));
  CHECK_OK(parley_view_destroy(v));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_release(v));
  CHECK_OK(parley_stop_playing_stream(in_room, "ghost-3")); /* the player lived on without its view */
  CHECK_OK(parley_stop_playing_stream(in_room, "ghost-2"));
}

static void server_calls(const char *live_url) {
  parley_server *s = (parley_server *)(uintptr_t)0x1;
  parley_server *tmp = NULL;
  char out[PARLEY_URL_CAPACITY], cfg[1024], want[PARLEY_URL_CAPACITY], tmp_url[PARLEY_URL_CAPACITY];
  const char *live_port = strrchr(live_url, ':') + 1;
  const char *free_port;
  size_t len;
  static const char *const bad_configs[] = {
      "{",
      "[]",
      "{\"listen\": 5}",
      ("{\"listen\": \"127.0.0.1:0\", \"apps\": [{\"app_id\": 1, \"app_sign\": \"xyz\", "
       "\"server_secret\": \"parley-bad-input-test-secret-0123456789\"}]}"),
  };
  size_t i;

  h_phase("parley_server_start: NULL pointers and bad configurations");
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_server_start(NULL, NULL, out, sizeof out));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_server_start(NULL, &s, NULL, sizeof out));
  CHECK(s == NULL);
  for (i = 0; i < sizeof bad_configs / sizeof bad_configs[0]; i++) {
    s = (parley_server *)(uintptr_t)0x1;
    CHECK_CODE(PARLEY_ERR_SERVER_CONFIG_INVALID, parley_server_start(bad_configs[i], &s, out, sizeof out));
    CHECK(s == NULL);
  }

  h_phase("parley_server_start: a port that is taken");
  snprintf(cfg, sizeof cfg,
           "{\"listen\": \"127.0.0.1:%s\", \"apps\": [{\"app_id\": 1, \"app_sign\": \"%s\", "
           "\"server_secret\": \"parley-bad-input-test-secret-0123456789\"}]}",
           live_port, PARLEY_DEV_APP_SIGN);
  CHECK_CODE(PARLEY_ERR_SERVER_LISTEN_FAILED, parley_server_start(cfg, &s, out, sizeof out));
  CHECK(s == NULL);

  h_phase("parley_server_start: a URL buffer one byte too small");
  /* Learn a free port from a server started and stopped again. */
  CHECK_OK(parley_server_start(NULL, &tmp, tmp_url, sizeof tmp_url));
  CHECK_OK(parley_server_stop(tmp));
  free_port = strrchr(tmp_url, ':') + 1;
  snprintf(want, sizeof want, "ws://127.0.0.1:%s", free_port);
  snprintf(cfg, sizeof cfg,
           "{\"listen\": \"127.0.0.1:%s\", \"apps\": [{\"app_id\": 1, \"app_sign\": \"%s\", "
           "\"server_secret\": \"parley-bad-input-test-secret-0123456789\"}]}",
           free_port, PARLEY_DEV_APP_SIGN);
  len = strlen(want);
  s = (parley_server *)(uintptr_t)0x1;
  CHECK_CODE(PARLEY_ERR_BUFFER_TOO_SMALL, parley_server_start(cfg, &s, out, (uint32_t)len));
  CHECK(s == NULL);
  CHECK_CODE(PARLEY_ERR_BUFFER_TOO_SMALL, parley_server_start(cfg, &s, out, 0));
  /* Had a failed start left the server running, this would be SERVER_LISTEN_FAILED. */
  memset(out, 'x', sizeof out);
  CHECK_OK(parley_server_start(cfg, &s, out, (uint32_t)len + 1));
  CHECKF(strcmp(out, want) == 0, "server URL \"%.80s\", want \"%s\"", out, want);
  CHECK_OK(parley_server_stop(s));
}

/* An engine without a server_url uses $PARLEY_SERVER_URL as the host's
 * environment has it when the engine is created, set at run time too. */
static void env_server_url(void) {
  h_recorder *r;
  parley_engine *e;
  h_phase("server_url NULL follows $PARLEY_SERVER_URL set by the host at run time");
  CHECK(setenv("PARLEY_SERVER_URL", url, 1) == 0);
  r = h_rec_new("env", H_THREAD_ONE_NOT_MAIN);
  e = h_engine_new(NULL, r, 0);
  h_login(e, r, ROOM, "bad-input-env", 0);
  h_destroy_engine(e);
  CHECK(unsetenv("PARLEY_SERVER_URL") == 0);
}

int main(void) {
  parley_server *srv;
  h_recorder *r0, *r1, *r2, *rp, *rq;
  parley_engine *e0, *e1, *e2, *ep, *eq;

  h_init("bad_input");
  errors_and_versions();

  h_phase("start the embedded dev server");
  srv = h_server_start(url, sizeof url);
  logging();
  engine_create();

  h_phase("engines: e0 and e2 stay out of rooms, e1 and eq log in, ep polls");
  r0 = h_rec_new("e0", H_THREAD_ONE_NOT_MAIN);
  r1 = h_rec_new("e1", H_THREAD_ONE_NOT_MAIN);
  r2 = h_rec_new("e2", H_THREAD_ONE_NOT_MAIN);
  rq = h_rec_new("eq", H_THREAD_ONE_NOT_MAIN);
  rp = h_rec_new("ep", H_THREAD_MAIN_ONLY);
  e0 = h_engine_new(url, r0, 0);
  e1 = h_engine_new(url, r1, 0);
  e2 = h_engine_new(url, r2, 0);
  eq = h_engine_new(url, rq, 0);
  ep = h_engine_new(url, rp, PARLEY_ENGINE_FLAG_POLL_EVENTS);
  h_login(e1, r1, ROOM, "bad-input-e1", 0);
  h_login(eq, rq, ROOM, "bad-input-eq", 0);

  handles(e1, r1, srv);
  room_calls(e2, r2, e1);
  publishing_calls(e1, r1);
  custom_media_calls(e1);
  poll_calls(e0, ep);
  set_handler_calls(e0, r0);
  view_calls(e1, eq);
  server_calls(url);
  env_server_url();

  h_phase("failed calls were reported through on_debug_error, and no rule broken");
  h_sleep_ms(h_scaled_ms(300));
  CHECK_OK(parley_engine_poll_events(ep, 0, NULL));
  CHECKF(h_rec_count_prefix(r0, "debug_error") + h_rec_count_prefix(r1, "debug_error") +
                 h_rec_count_prefix(r2, "debug_error") + h_rec_count_prefix(rq, "debug_error") +
                 h_rec_count_prefix(rp, "debug_error") >
             0,
         "no on_debug_error although calls failed");
  h_rec_check_clean(r0);
  h_rec_check_clean(r1);
  h_rec_check_clean(r2);
  h_rec_check_clean(rq);
  h_rec_check_clean(rp);

  h_phase("destroy everything");
  h_destroy_engine(e0);
  h_destroy_engine(e1);
  h_destroy_engine(e2);
  h_destroy_engine(eq);
  h_destroy_engine(ep);
  CHECK_OK(parley_server_stop(srv));
  CHECKF(never_destroyed_calls == 0, "on_destroyed ran for a destroy that returned an error");
  return h_done();
}
