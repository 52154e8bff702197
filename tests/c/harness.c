/* harness.c — see harness.h. */
#include "harness.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <time.h>
#include <unistd.h>

#define H_PI 3.14159265358979323846

/* ---- state of the test -------------------------------------------------- */

#define H_MAX_RECORDERS 64

static const char *g_test = "test";
static pthread_t g_main;
static double g_scale = 1.0;
static int g_verbose;
static int64_t g_start_ms;
static unsigned long g_checks;

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER; /* phase, recorders, checks */
static char g_phase[256] = "start";
static h_recorder *g_recorders[H_MAX_RECORDERS];

static pthread_mutex_t g_fail_mu = PTHREAD_MUTEX_INITIALIZER;

static h_pump_fn g_pump;
static void *g_pump_ud;

static void dump_all(FILE *f);

int64_t h_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t h_unix_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void h_sleep_ms(int ms) {
  struct timespec ts;
  if (ms <= 0) return;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

static void sleep_until_ns(int64_t deadline_ns) {
  struct timespec ts;
  ts.tv_sec = (time_t)(deadline_ns / 1000000000LL);
  ts.tv_nsec = (long)(deadline_ns % 1000000000LL);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
  }
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

pthread_t h_main_thread(void) { return g_main; }
double h_time_scale(void) { return g_scale; }

int h_scaled_ms(int ms) {
  double v = (double)ms * g_scale;
  return v > 2e9 ? 2000000000 : (int)v;
}

void h_count_check(void) {
  pthread_mutex_lock(&g_mu);
  g_checks++;
  pthread_mutex_unlock(&g_mu);
}

void h_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  char phase[256];
  /* A second failing thread waits here for ever: the first one exits. */
  pthread_mutex_lock(&g_fail_mu);
  pthread_mutex_lock(&g_mu);
  memcpy(phase, g_phase, sizeof phase);
  pthread_mutex_unlock(&g_mu);
  fflush(stdout);
  fprintf(stderr, "\n%s:%d: FAIL [%s, phase: %s, %.1f s]\n    ", file, line, g_test, phase,
          (double)(h_now_ms() - g_start_ms) / 1000.0);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  dump_all(stderr);
  fprintf(stderr, "%s: FAILED\n", g_test);
  fflush(stderr);
  _exit(1);
}

void h_phase(const char *fmt, ...) {
  va_list ap;
  char buf[256];
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&g_mu);
  memcpy(g_phase, buf, sizeof g_phase);
  pthread_mutex_unlock(&g_mu);
  printf("[%7.3f] %s: %s\n", (double)(h_now_ms() - g_start_ms) / 1000.0, g_test, buf);
  fflush(stdout);
}

static void *watchdog_main(void *arg) {
  int64_t deadline = *(int64_t *)arg;
  char phase[256];
  while (h_now_ms() < deadline) h_sleep_ms(200);
  pthread_mutex_lock(&g_mu);
  memcpy(phase, g_phase, sizeof phase);
  pthread_mutex_unlock(&g_mu);
  fflush(stdout);
  fprintf(stderr, "\n%s: WATCHDOG: no end after %.0f s, stuck in phase: %s\n", g_test,
          (double)(deadline - g_start_ms) / 1000.0, phase);
  dump_all(stderr);
  fprintf(stderr, "%s: FAILED (hung)\n", g_test);
  fflush(stderr);
  _exit(2);
  return NULL;
}

void h_init(const char *test_name) {
  static int64_t deadline;
  const char *s;
  double watchdog_s = 100.0;
  pthread_t th;
  pthread_attr_t attr;

  g_test = test_name;
  g_main = pthread_self();
  g_start_ms = h_now_ms();
  setvbuf(stdout, NULL, _IOLBF, 0);
  if ((s = getenv("PARLEY_TEST_TIME_SCALE")) != NULL && atof(s) > 0) g_scale = atof(s);
  if ((s = getenv("PARLEY_TEST_WATCHDOG_S")) != NULL && atof(s) > 0) watchdog_s = atof(s);
  if ((s = getenv("PARLEY_TEST_VERBOSE")) != NULL && atoi(s) > 0) g_verbose = 1;
  deadline = g_start_ms + (int64_t)(watchdog_s * g_scale * 1000.0);
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (pthread_create(&th, &attr, watchdog_main, &deadline) != 0) {
    fprintf(stderr, "%s: cannot start the watchdog thread\n", g_test);
    _exit(1);
  }
  pthread_attr_destroy(&attr);
  printf("%s: Parley %s, ABI %u, time scale %.1f\n", g_test, parley_get_version(),
         (unsigned)parley_get_abi_version(), g_scale);
}

int h_done(void) {
  unsigned long n;
  pthread_mutex_lock(&g_mu);
  n = g_checks;
  pthread_mutex_unlock(&g_mu);
  printf("%s: %lu checks passed in %.1f s\n", g_test, n, (double)(h_now_ms() - g_start_ms) / 1000.0);
  fflush(stdout);
  return 0;
}

void h_set_pump(h_pump_fn fn, void *ud) {
  g_pump = fn;
  g_pump_ud = ud;
}

void h_pump(void) {
  if (g_pump != NULL && pthread_equal(pthread_self(), g_main)) g_pump(g_pump_ud);
}

void h_sleep_pumping(int ms) {
  int64_t end = h_now_ms() + ms;
  do {
    h_pump();
    h_sleep_ms(5);
  } while (h_now_ms() < end);
}

int h_wait_until(h_cond_fn cond, void *ud, int timeout_ms) {
  int64_t end = h_now_ms() + h_scaled_ms(timeout_ms);
  for (;;) {
    h_pump();
    if (cond(ud)) return 1;
    if (h_now_ms() >= end) return 0;
    h_sleep_ms(5);
  }
}

/* ---- enum names ----------------------------------------------------------- */

const char *h_room_reason_name(int32_t v) {
  static const char *const names[] = {"LOGINING",     "LOGINED",          "LOGIN_FAILED",
                                      "RECONNECTING", "RECONNECTED",      "RECONNECT_FAILED",
                                      "KICK_OUT",     "LOGOUT",           "LOGOUT_FAILED"};
  return v >= 0 && v < (int32_t)(sizeof names / sizeof names[0]) ? names[v] : "?";
}

const char *h_publisher_state_name(int32_t v) {
  static const char *const names[] = {"NO_PUBLISH", "PUBLISH_REQUESTING", "PUBLISHING"};
  return v >= 0 && v < 3 ? names[v] : "?";
}

const char *h_player_state_name(int32_t v) {
  static const char *const names[] = {"NO_PLAY", "PLAY_REQUESTING", "PLAYING"};
  return v >= 0 && v < 3 ? names[v] : "?";
}

const char *h_update_type_name(int32_t v) {
  return v == PARLEY_UPDATE_TYPE_ADD ? "ADD" : v == PARLEY_UPDATE_TYPE_DELETE ? "DELETE" : "?";
}

const char *h_media_event_name(int32_t v) {
  static const char *const names[] = {"AUDIO_BREAK_OCCUR", "AUDIO_BREAK_RESUME", "VIDEO_BREAK_OCCUR",
                                      "VIDEO_BREAK_RESUME"};
  return v >= 0 && v < 4 ? names[v] : "?";
}

/* ---- recorder ------------------------------------------------------------- */

struct h_recorder {
  char name[48];
  pthread_mutex_t mu;
  char **lines;
  size_t n, cap;
  size_t callbacks;
  int active;
  int thread_rule;
  int have_thread;
  pthread_t thread;
  unsigned violations;
  char first_violation[512];
  h_quality q;
  h_hook_fn hook;
  void *hook_ud;
};

h_recorder *h_rec_new(const char *name, int thread_rule) {
  h_recorder *r = calloc(1, sizeof *r);
  int i;
  if (r == NULL) h_fail(__FILE__, __LINE__, "out of memory");
  snprintf(r->name, sizeof r->name, "%s", name);
  pthread_mutex_init(&r->mu, NULL);
  r->thread_rule = thread_rule;
  pthread_mutex_lock(&g_mu);
  for (i = 0; i < H_MAX_RECORDERS; i++) {
    if (g_recorders[i] == NULL) {
      g_recorders[i] = r;
      break;
    }
  }
  pthread_mutex_unlock(&g_mu);
  return r;
}

void h_rec_free(h_recorder *r) {
  size_t i;
  int k;
  if (r == NULL) return;
  pthread_mutex_lock(&g_mu);
  for (k = 0; k < H_MAX_RECORDERS; k++)
    if (g_recorders[k] == r) g_recorders[k] = NULL;
  pthread_mutex_unlock(&g_mu);
  for (i = 0; i < r->n; i++) free(r->lines[i]);
  free(r->lines);
  pthread_mutex_destroy(&r->mu);
  free(r);
}

void h_rec_set_hook(h_recorder *r, h_hook_fn fn, void *hook_ud) {
  pthread_mutex_lock(&r->mu);
  r->hook = fn;
  r->hook_ud = hook_ud;
  pthread_mutex_unlock(&r->mu);
}

static void violation_locked(h_recorder *r, const char *fmt, ...) H_PRINTF(2, 3);
static void violation_locked(h_recorder *r, const char *fmt, ...) {
  va_list ap;
  if (r->violations++ == 0) {
    va_start(ap, fmt);
    vsnprintf(r->first_violation, sizeof r->first_violation, fmt, ap);
    va_end(ap);
  }
}

static void rec_enter(h_recorder *r, const char *cb) {
  pthread_t self = pthread_self();
  pthread_mutex_lock(&r->mu);
  r->callbacks++;
  r->active++;
  if (r->active > 1) violation_locked(r, "%s: began while another callback of the engine was running", cb);
  switch (r->thread_rule) {
    case H_THREAD_ONE_NOT_MAIN:
      if (pthread_equal(self, g_main)) violation_locked(r, "%s: ran on the test's main thread", cb);
      if (!r->have_thread) {
        r->have_thread = 1;
        r->thread = self;
      } else if (!pthread_equal(self, r->thread)) {
        violation_locked(r, "%s: ran on another thread than the engine's earlier callbacks", cb);
      }
      break;
    case H_THREAD_MAIN_ONLY:
      if (!pthread_equal(self, g_main))
        violation_locked(r, "%s: ran on a thread other than the one calling parley_engine_poll_events", cb);
      break;
    default:
      break;
  }
  pthread_mutex_unlock(&r->mu);
}

static void rec_leave(h_recorder *r) {
  pthread_mutex_lock(&r->mu);
  r->active--;
  pthread_mutex_unlock(&r->mu);
}

static void rec_violation(h_recorder *r, const char *what, const char *cb) {
  pthread_mutex_lock(&r->mu);
  violation_locked(r, "%s: %s", cb, what);
  pthread_mutex_unlock(&r->mu);
}

static void rec_line(h_recorder *r, const char *fmt, ...) H_PRINTF(2, 3);
static void rec_line(h_recorder *r, const char *fmt, ...) {
  va_list ap;
  char buf[1024];
  char *copy;
  h_hook_fn hook;
  void *hook_ud;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  copy = strdup(buf);
  if (copy == NULL) h_fail(__FILE__, __LINE__, "out of memory");
  pthread_mutex_lock(&r->mu);
  if (r->n == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 256;
    char **lines = realloc(r->lines, cap * sizeof *lines);
    if (lines == NULL) h_fail(__FILE__, __LINE__, "out of memory");
    r->lines = lines;
    r->cap = cap;
  }
  r->lines[r->n++] = copy;
  hook = r->hook;
  hook_ud = r->hook_ud;
  pthread_mutex_unlock(&r->mu);
  if (g_verbose) printf("[%7.3f] %s event: %s\n", (double)(h_now_ms() - g_start_ms) / 1000.0, r->name, buf);
  if (hook != NULL) hook(hook_ud, buf);
}

/* A string handed to a callback: never NULL by contract. */
static const char *str_arg(h_recorder *r, const char *s, const char *what) {
  if (s == NULL) {
    rec_violation(r, "a string argument or field was NULL", what);
    return "(null)";
  }
  return s;
}

static void cb_debug_error(void *ud, int32_t code, const char *func_name, const char *info) {
  h_recorder *r = ud;
  rec_enter(r, "on_debug_error");
  rec_line(r, "debug_error %s %s: %s", parley_error_name(code), str_arg(r, func_name, "on_debug_error"),
           str_arg(r, info, "on_debug_error"));
  rec_leave(r);
}

static void cb_room_state(void *ud, const char *room_id, int32_t reason, int32_t code, const char *ext) {
  h_recorder *r = ud;
  rec_enter(r, "on_room_state_changed");
  if (reason < 0 || reason > PARLEY_ROOM_STATE_REASON_LOGOUT_FAILED)
    rec_violation(r, "reason out of range", "on_room_state_changed");
  str_arg(r, ext, "on_room_state_changed");
  rec_line(r, "room_state %s %s %ld", str_arg(r, room_id, "on_room_state_changed"), h_room_reason_name(reason),
           (long)code);
  rec_leave(r);
}

static void cb_user_update(void *ud, const char *room_id, int32_t type, const parley_user *users, uint32_t count) {
  h_recorder *r = ud;
  uint32_t i;
  rec_enter(r, "on_room_user_update");
  if (type != PARLEY_UPDATE_TYPE_ADD && type != PARLEY_UPDATE_TYPE_DELETE)
    rec_violation(r, "update_type out of range", "on_room_user_update");
  if (count == 0) rec_violation(r, "an update with no users", "on_room_user_update");
  if (users == NULL && count > 0) {
    rec_violation(r, "users NULL with count > 0", "on_room_user_update");
    count = 0;
  }
  for (i = 0; i < count; i++) {
    str_arg(r, users[i].user_name, "on_room_user_update");
    rec_line(r, "user_update %s %s %s", str_arg(r, room_id, "on_room_user_update"), h_update_type_name(type),
             str_arg(r, users[i].user_id, "on_room_user_update"));
  }
  rec_leave(r);
}

static void cb_stream_update(void *ud, const char *room_id, int32_t type, const parley_stream *streams,
                             uint32_t count, const char *ext) {
  h_recorder *r = ud;
  uint32_t i;
  rec_enter(r, "on_room_stream_update");
  if (type != PARLEY_UPDATE_TYPE_ADD && type != PARLEY_UPDATE_TYPE_DELETE)
    rec_violation(r, "update_type out of range", "on_room_stream_update");
  if (count == 0) rec_violation(r, "an update with no streams", "on_room_stream_update");
  str_arg(r, ext, "on_room_stream_update");
  if (streams == NULL && count > 0) {
    rec_violation(r, "streams NULL with count > 0", "on_room_stream_update");
    count = 0;
  }
  for (i = 0; i < count; i++) {
    str_arg(r, streams[i].extra_info, "on_room_stream_update");
    str_arg(r, streams[i].user.user_name, "on_room_stream_update");
    rec_line(r, "stream_update %s %s %s %s", str_arg(r, room_id, "on_room_stream_update"), h_update_type_name(type),
             str_arg(r, streams[i].stream_id, "on_room_stream_update"),
             str_arg(r, streams[i].user.user_id, "on_room_stream_update"));
  }
  rec_leave(r);
}

static void cb_token_will_expire(void *ud, const char *room_id, int32_t remain) {
  h_recorder *r = ud;
  rec_enter(r, "on_room_token_will_expire");
  rec_line(r, "token_will_expire %s %ld", str_arg(r, room_id, "on_room_token_will_expire"), (long)remain);
  rec_leave(r);
}

static void cb_publisher_state(void *ud, const char *stream_id, int32_t state, int32_t code, const char *ext) {
  h_recorder *r = ud;
  rec_enter(r, "on_publisher_state_update");
  if (state < 0 || state > PARLEY_PUBLISHER_STATE_PUBLISHING)
    rec_violation(r, "state out of range", "on_publisher_state_update");
  str_arg(r, ext, "on_publisher_state_update");
  rec_line(r, "publisher_state %s %s %ld", str_arg(r, stream_id, "on_publisher_state_update"),
           h_publisher_state_name(state), (long)code);
  rec_leave(r);
}

static void cb_publisher_quality(void *ud, const char *stream_id, const parley_publish_quality *q) {
  h_recorder *r = ud;
  rec_enter(r, "on_publisher_quality_update");
  if (q == NULL || q->struct_size < sizeof(parley_publish_quality)) {
    rec_violation(r, "quality NULL or struct_size below sizeof", "on_publisher_quality_update");
  } else {
    if (q->level < PARLEY_QUALITY_LEVEL_EXCELLENT || q->level > PARLEY_QUALITY_LEVEL_UNKNOWN)
      rec_violation(r, "level out of range", "on_publisher_quality_update");
    if (q->packet_loss_rate < 0 || q->packet_loss_rate > 1)
      rec_violation(r, "packet_loss_rate outside 0..1", "on_publisher_quality_update");
    pthread_mutex_lock(&r->mu);
    r->q.publish_updates++;
    if (q->video_send_fps > r->q.publish_max_send_fps) r->q.publish_max_send_fps = q->video_send_fps;
    if (q->video_kbps > r->q.publish_max_video_kbps) r->q.publish_max_video_kbps = q->video_kbps;
    if (q->audio_kbps > r->q.publish_max_audio_kbps) r->q.publish_max_audio_kbps = q->audio_kbps;
    pthread_mutex_unlock(&r->mu);
  }
  rec_line(r, "publisher_quality %s", str_arg(r, stream_id, "on_publisher_quality_update"));
  rec_leave(r);
}

static void cb_captured_first_frame(void *ud, int32_t channel) {
  h_recorder *r = ud;
  rec_enter(r, "on_publisher_captured_video_first_frame");
  rec_line(r, "captured_first_frame %ld", (long)channel);
  rec_leave(r);
}

static void cb_player_state(void *ud, const char *stream_id, int32_t state, int32_t code, const char *ext) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_state_update");
  if (state < 0 || state > PARLEY_PLAYER_STATE_PLAYING)
    rec_violation(r, "state out of range", "on_player_state_update");
  str_arg(r, ext, "on_player_state_update");
  rec_line(r, "player_state %s %s %ld", str_arg(r, stream_id, "on_player_state_update"), h_player_state_name(state),
           (long)code);
  rec_leave(r);
}

static void cb_player_quality(void *ud, const char *stream_id, const parley_play_quality *q) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_quality_update");
  if (q == NULL || q->struct_size < sizeof(parley_play_quality)) {
    rec_violation(r, "quality NULL or struct_size below sizeof", "on_player_quality_update");
  } else {
    if (q->level < PARLEY_QUALITY_LEVEL_EXCELLENT || q->level > PARLEY_QUALITY_LEVEL_UNKNOWN)
      rec_violation(r, "level out of range", "on_player_quality_update");
    if (q->packet_loss_rate < 0 || q->packet_loss_rate > 1)
      rec_violation(r, "packet_loss_rate outside 0..1", "on_player_quality_update");
    pthread_mutex_lock(&r->mu);
    r->q.play_updates++;
    if (q->video_recv_fps > r->q.play_max_recv_fps) r->q.play_max_recv_fps = q->video_recv_fps;
    if (q->video_kbps > r->q.play_max_video_kbps) r->q.play_max_video_kbps = q->video_kbps;
    if (q->audio_kbps > r->q.play_max_audio_kbps) r->q.play_max_audio_kbps = q->audio_kbps;
    r->q.play_last_width = q->width;
    r->q.play_last_height = q->height;
    pthread_mutex_unlock(&r->mu);
  }
  rec_line(r, "player_quality %s", str_arg(r, stream_id, "on_player_quality_update"));
  rec_leave(r);
}

static void cb_player_media_event(void *ud, const char *stream_id, int32_t event) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_media_event");
  if (event < 0 || event > PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_RESUME)
    rec_violation(r, "event out of range", "on_player_media_event");
  rec_line(r, "player_media_event %s %s", str_arg(r, stream_id, "on_player_media_event"), h_media_event_name(event));
  rec_leave(r);
}

static const char *device_state_name(int32_t s) {
  return s == PARLEY_REMOTE_DEVICE_STATE_OPEN      ? "OPEN"
         : s == PARLEY_REMOTE_DEVICE_STATE_DISABLE ? "DISABLE"
         : s == PARLEY_REMOTE_DEVICE_STATE_MUTE    ? "MUTE"
                                                   : "?";
}

static void cb_remote_camera(void *ud, const char *stream_id, int32_t state) {
  h_recorder *r = ud;
  rec_enter(r, "on_remote_camera_state_update");
  if (device_state_name(state)[0] == '?') rec_violation(r, "state out of range", "on_remote_camera_state_update");
  rec_line(r, "remote_camera %s %s", str_arg(r, stream_id, "on_remote_camera_state_update"), device_state_name(state));
  rec_leave(r);
}

static void cb_remote_mic(void *ud, const char *stream_id, int32_t state) {
  h_recorder *r = ud;
  rec_enter(r, "on_remote_mic_state_update");
  if (device_state_name(state)[0] == '?') rec_violation(r, "state out of range", "on_remote_mic_state_update");
  rec_line(r, "remote_mic %s %s", str_arg(r, stream_id, "on_remote_mic_state_update"), device_state_name(state));
  rec_leave(r);
}

static void cb_network_quality(void *ud, const char *user_id, int32_t up, int32_t down) {
  h_recorder *r = ud;
  rec_enter(r, "on_network_quality");
  if (up < PARLEY_QUALITY_LEVEL_EXCELLENT || up > PARLEY_QUALITY_LEVEL_UNKNOWN || down < PARLEY_QUALITY_LEVEL_EXCELLENT ||
      down > PARLEY_QUALITY_LEVEL_UNKNOWN)
    rec_violation(r, "level out of range", "on_network_quality");
  rec_line(r, "network_quality %s %ld %ld", str_arg(r, user_id, "on_network_quality"), (long)up, (long)down);
  rec_leave(r);
}

static void cb_recv_first_frame(void *ud, const char *stream_id) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_recv_video_first_frame");
  rec_line(r, "recv_first_frame %s", str_arg(r, stream_id, "on_player_recv_video_first_frame"));
  rec_leave(r);
}

static void cb_render_first_frame(void *ud, const char *stream_id) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_render_video_first_frame");
  rec_line(r, "render_first_frame %s", str_arg(r, stream_id, "on_player_render_video_first_frame"));
  rec_leave(r);
}

static void cb_video_size(void *ud, const char *stream_id, int32_t width, int32_t height) {
  h_recorder *r = ud;
  rec_enter(r, "on_player_video_size_changed");
  rec_line(r, "video_size %s %ld %ld", str_arg(r, stream_id, "on_player_video_size_changed"), (long)width,
           (long)height);
  rec_leave(r);
}

parley_event_handler h_rec_handler(h_recorder *r) {
  parley_event_handler h;
  memset(&h, 0, sizeof h);
  h.struct_size = sizeof h;
  h.user_data = r;
  h.on_debug_error = cb_debug_error;
  h.on_room_state_changed = cb_room_state;
  h.on_room_user_update = cb_user_update;
  h.on_room_stream_update = cb_stream_update;
  h.on_room_token_will_expire = cb_token_will_expire;
  h.on_publisher_state_update = cb_publisher_state;
  h.on_publisher_quality_update = cb_publisher_quality;
  h.on_publisher_captured_video_first_frame = cb_captured_first_frame;
  h.on_player_state_update = cb_player_state;
  h.on_player_quality_update = cb_player_quality;
  h.on_player_media_event = cb_player_media_event;
  h.on_player_recv_video_first_frame = cb_recv_first_frame;
  h.on_player_render_video_first_frame = cb_render_first_frame;
  h.on_player_video_size_changed = cb_video_size;
  h.on_remote_camera_state_update = cb_remote_camera;
  h.on_remote_mic_state_update = cb_remote_mic;
  h.on_network_quality = cb_network_quality;
  return h;
}

size_t h_rec_callbacks(h_recorder *r) {
  size_t n;
  pthread_mutex_lock(&r->mu);
  n = r->callbacks;
  pthread_mutex_unlock(&r->mu);
  return n;
}

size_t h_rec_size(h_recorder *r) {
  size_t n;
  pthread_mutex_lock(&r->mu);
  n = r->n;
  pthread_mutex_unlock(&r->mu);
  return n;
}

static long find(h_recorder *r, const char *s, size_t from, int prefix) {
  size_t i, len = strlen(s);
  long at = -1;
  pthread_mutex_lock(&r->mu);
  for (i = from; i < r->n; i++) {
    if (prefix ? strncmp(r->lines[i], s, len) == 0 : strcmp(r->lines[i], s) == 0) {
      at = (long)i;
      break;
    }
  }
  pthread_mutex_unlock(&r->mu);
  return at;
}

long h_rec_find(h_recorder *r, const char *line, size_t from) { return find(r, line, from, 0); }
long h_rec_find_prefix(h_recorder *r, const char *prefix, size_t from) { return find(r, prefix, from, 1); }

size_t h_rec_count_prefix(h_recorder *r, const char *prefix) {
  size_t i, n = 0, len = strlen(prefix);
  pthread_mutex_lock(&r->mu);
  for (i = 0; i < r->n; i++)
    if (strncmp(r->lines[i], prefix, len) == 0) n++;
  pthread_mutex_unlock(&r->mu);
  return n;
}

typedef struct find_wait {
  h_recorder *r;
  const char *s;
  int prefix;
  size_t from;
  long at;
} find_wait;

static int find_cond(void *ud) {
  find_wait *w = ud;
  w->at = find(w->r, w->s, w->from, w->prefix);
  return w->at >= 0;
}

long h_rec_wait_from(h_recorder *r, const char *line, size_t from, int timeout_ms) {
  find_wait w;
  w.r = r;
  w.s = line;
  w.prefix = 0;
  w.from = from;
  w.at = -1;
  h_wait_until(find_cond, &w, timeout_ms);
  return w.at;
}

long h_rec_wait(h_recorder *r, const char *line, int timeout_ms) {
  find_wait w;
  w.r = r;
  w.s = line;
  w.prefix = 0;
  w.from = 0;
  w.at = -1;
  h_wait_until(find_cond, &w, timeout_ms);
  return w.at;
}

long h_rec_wait_prefix(h_recorder *r, const char *prefix, int timeout_ms) {
  find_wait w;
  w.r = r;
  w.s = prefix;
  w.prefix = 1;
  w.from = 0;
  w.at = -1;
  h_wait_until(find_cond, &w, timeout_ms);
  return w.at;
}

void h_rec_dump(h_recorder *r, FILE *f) {
  size_t i, first;
  pthread_mutex_lock(&r->mu);
  fprintf(f, "--- events of %s: %lu lines, %lu callbacks, %u rule violations%s%s\n", r->name, (unsigned long)r->n,
          (unsigned long)r->callbacks, r->violations, r->violations ? ", first: " : "",
          r->violations ? r->first_violation : "");
  first = r->n > 400 ? r->n - 400 : 0;
  if (first > 0) fprintf(f, "    ... %lu earlier lines left out\n", (unsigned long)first);
  for (i = first; i < r->n; i++) fprintf(f, "    %4lu %s\n", (unsigned long)i, r->lines[i]);
  pthread_mutex_unlock(&r->mu);
}

static void dump_all(FILE *f) {
  h_recorder *copy[H_MAX_RECORDERS];
  int i;
  pthread_mutex_lock(&g_mu);
  memcpy(copy, g_recorders, sizeof copy);
  pthread_mutex_unlock(&g_mu);
  for (i = 0; i < H_MAX_RECORDERS; i++)
    if (copy[i] != NULL) h_rec_dump(copy[i], f);
}

void h_rec_check_clean_at(h_recorder *r, const char *file, int line) {
  unsigned v;
  char first[512];
  pthread_mutex_lock(&r->mu);
  v = r->violations;
  memcpy(first, r->first_violation, sizeof first);
  pthread_mutex_unlock(&r->mu);
  if (v != 0) h_fail(file, line, "%s: %u callback rule violations; the first: %s", r->name, v, first);
  h_count_check();
}

long h_expect_event_at(h_recorder *r, const char *line, int timeout_ms, const char *file, int src_line) {
  long at = h_rec_wait(r, line, timeout_ms);
  if (at < 0) h_fail(file, src_line, "%s: no event \"%s\" within %d ms", r->name, line, h_scaled_ms(timeout_ms));
  h_count_check();
  return at;
}

void h_expect_order_at(h_recorder *r, const char *a, const char *b, const char *file, int src_line) {
  long ia = h_rec_find(r, a, 0), ib = h_rec_find(r, b, 0);
  if (ia < 0 || ib < 0 || ia >= ib)
    h_fail(file, src_line, "%s: want \"%s\" (line %ld) before \"%s\" (line %ld)", r->name, a, ia, b, ib);
  h_count_check();
}

h_quality h_rec_quality(h_recorder *r) {
  h_quality q;
  pthread_mutex_lock(&r->mu);
  q = r->q;
  pthread_mutex_unlock(&r->mu);
  return q;
}

/* ---- engines, servers --------------------------------------------------------- */

parley_server *h_server_start(char *url, size_t url_size) {
  parley_server *s = NULL;
  CHECK_OK(parley_server_start(NULL, &s, url, (uint32_t)url_size));
  CHECK(s != NULL);
  CHECKF(strncmp(url, "ws://127.0.0.1:", 15) == 0, "dev server URL \"%s\" is not ws://127.0.0.1:PORT", url);
  return s;
}

parley_engine *h_engine_new(const char *url, h_recorder *r, uint32_t flags) {
  parley_engine_profile p;
  parley_event_handler h = h_rec_handler(r);
  parley_engine *e = NULL;
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.app_id = PARLEY_DEV_APP_ID;
  p.app_sign = PARLEY_DEV_APP_SIGN;
  p.scenario = PARLEY_SCENARIO_STANDARD_VIDEO_CALL;
  p.server_url = url;
  p.flags = flags;
  CHECK_OK(parley_engine_create(&p, &h, &e));
  CHECK(e != NULL);
  return e;
}

void h_login(parley_engine *e, h_recorder *r, const char *room, const char *user_id, int notify) {
  parley_user u;
  parley_room_config c;
  char logining[256], logined[256];
  memset(&u, 0, sizeof u);
  u.user_id = user_id;
  u.user_name = user_id;
  memset(&c, 0, sizeof c);
  c.struct_size = sizeof c;
  c.is_user_status_notify = notify;
  CHECK_OK(parley_login_room(e, room, &u, &c));
  snprintf(logining, sizeof logining, "room_state %s LOGINING 0", room);
  snprintf(logined, sizeof logined, "room_state %s LOGINED 0", room);
  EXPECT_EVENT(r, logined, 15000);
  EXPECT_ORDER(r, logining, logined);
}

typedef struct destroyed_count {
  pthread_mutex_t mu;
  int n;
} destroyed_count;

static void on_destroyed_count(void *ud) {
  destroyed_count *c = ud;
  pthread_mutex_lock(&c->mu);
  c->n++;
  pthread_mutex_unlock(&c->mu);
}

static int destroyed_once(void *ud) {
  destroyed_count *c = ud;
  int n;
  pthread_mutex_lock(&c->mu);
  n = c->n;
  pthread_mutex_unlock(&c->mu);
  return n >= 1;
}

void h_destroy_engine(parley_engine *e) {
  /* Never freed: a buggy library calling on_destroyed late must not hit freed memory. */
  destroyed_count *c = calloc(1, sizeof *c);
  int n;
  CHECK(c != NULL);
  pthread_mutex_init(&c->mu, NULL);
  CHECK_OK(parley_engine_destroy(e, on_destroyed_count, c));
  CHECKF(h_wait_until(destroyed_once, c, 10000), "on_destroyed was not called within 10 s of destroy");
  h_sleep_ms(100);
  pthread_mutex_lock(&c->mu);
  n = c->n;
  pthread_mutex_unlock(&c->mu);
  CHECKF(n == 1, "on_destroyed was called %d times, want once", n);
}

/* ---- pushers ------------------------------------------------------------------- */

enum { PUSH_VIDEO, PUSH_AUDIO };

struct h_pusher {
  int kind;
  parley_engine *e;
  pthread_t th;
  pthread_mutex_t mu;
  int stop;
  int allow_dead;
  h_push_stats st;
  /* video */
  int32_t channel;
  uint32_t w, h, stride;
  int fps;
  uint8_t rgb[3];
  uint8_t *frame;
  /* audio */
  double freq, amp;
  uint32_t rate, channels;
  uint64_t pos;
  int16_t *pcm;
};

static void push_account(h_pusher *p, int32_t rc) {
  pthread_mutex_lock(&p->mu);
  if (rc == PARLEY_OK) {
    p->st.ok++;
  } else if (p->allow_dead && (rc == PARLEY_ERR_INVALID_HANDLE || rc == PARLEY_ERR_ENGINE_DESTROYED)) {
    p->st.dead++;
  } else {
    if (p->st.unexpected++ == 0) p->st.first_unexpected = rc;
  }
  pthread_mutex_unlock(&p->mu);
}

static int push_should_stop(h_pusher *p) {
  int s;
  pthread_mutex_lock(&p->mu);
  s = p->stop;
  pthread_mutex_unlock(&p->mu);
  return s;
}

static void fill_frame(h_pusher *p, const uint8_t rgb[3]) {
  uint32_t x, y;
  for (y = 0; y < p->h; y++) {
    uint8_t *row = p->frame + (size_t)y * p->stride;
    for (x = 0; x < p->w; x++) {
      row[4 * x + 0] = rgb[0];
      row[4 * x + 1] = rgb[1];
      row[4 * x + 2] = rgb[2];
      row[4 * x + 3] = 255;
    }
    /* Padding the engine must skip: a colour no test expects. */
    memset(row + 4 * (size_t)p->w, 0x77, p->stride - 4 * (size_t)p->w);
  }
}

static void *video_main(void *arg) {
  h_pusher *p = arg;
  const int64_t period = 1000000000LL / p->fps;
  int64_t next = now_ns();
  uint8_t have[3] = {0, 0, 0};
  int filled = 0;
  while (!push_should_stop(p)) {
    uint8_t want[3];
    int32_t rc;
    pthread_mutex_lock(&p->mu);
    memcpy(want, p->rgb, 3);
    pthread_mutex_unlock(&p->mu);
    if (!filled || memcmp(want, have, 3) != 0) {
      fill_frame(p, want);
      memcpy(have, want, 3);
      filled = 1;
    }
    rc = parley_send_custom_video_frame(p->e, p->frame, p->w, p->h, p->stride, h_unix_ms(), p->channel);
    push_account(p, rc);
    next += period;
    if (next < now_ns() - 200000000LL) next = now_ns(); /* fell behind (valgrind): don't burst */
    sleep_until_ns(next);
  }
  return NULL;
}

static void *audio_main(void *arg) {
  h_pusher *p = arg;
  const uint32_t n = p->rate / 100;
  const int64_t period = 10000000LL;
  int64_t next = now_ns();
  while (!push_should_stop(p)) {
    uint32_t i, c;
    int32_t rc;
    for (i = 0; i < n; i++) {
      double v = p->amp * sin(2.0 * H_PI * p->freq * (double)(p->pos + i) / (double)p->rate);
      for (c = 0; c < p->channels; c++) p->pcm[i * p->channels + c] = (int16_t)lrint(v);
    }
    p->pos += n;
    rc = parley_send_custom_audio_pcm(p->e, p->pcm, n, p->rate, p->channels);
    push_account(p, rc);
    next += period;
    if (next < now_ns() - 200000000LL) next = now_ns();
    sleep_until_ns(next);
  }
  return NULL;
}

static h_pusher *pusher_new(int kind, parley_engine *e) {
  h_pusher *p = calloc(1, sizeof *p);
  CHECK(p != NULL);
  p->kind = kind;
  p->e = e;
  pthread_mutex_init(&p->mu, NULL);
  p->st.first_unexpected = PARLEY_OK;
  return p;
}

h_pusher *h_video_pusher_start(parley_engine *e, int32_t channel, uint32_t width, uint32_t height, int fps,
                               uint8_t r, uint8_t g, uint8_t b) {
  h_pusher *p = pusher_new(PUSH_VIDEO, e);
  p->channel = channel;
  p->w = width;
  p->h = height;
  p->stride = 4 * width + 16;
  p->fps = fps > 0 ? fps : 30;
  p->rgb[0] = r;
  p->rgb[1] = g;
  p->rgb[2] = b;
  p->frame = malloc((size_t)p->stride * height);
  CHECK(p->frame != NULL);
  CHECK(pthread_create(&p->th, NULL, video_main, p) == 0);
  return p;
}

void h_video_pusher_set_color(h_pusher *p, uint8_t r, uint8_t g, uint8_t b) {
  pthread_mutex_lock(&p->mu);
  p->rgb[0] = r;
  p->rgb[1] = g;
  p->rgb[2] = b;
  pthread_mutex_unlock(&p->mu);
}

h_pusher *h_tone_pusher_start(parley_engine *e, double freq_hz, uint32_t sample_rate, uint32_t channels,
                              double amplitude) {
  h_pusher *p = pusher_new(PUSH_AUDIO, e);
  p->freq = freq_hz;
  p->amp = amplitude;
  p->rate = sample_rate;
  p->channels = channels;
  p->pcm = calloc((size_t)(sample_rate / 100) * channels, sizeof(int16_t));
  CHECK(p->pcm != NULL);
  CHECK(pthread_create(&p->th, NULL, audio_main, p) == 0);
  return p;
}

void h_pusher_allow_dead(h_pusher *p) {
  pthread_mutex_lock(&p->mu);
  p->allow_dead = 1;
  pthread_mutex_unlock(&p->mu);
}

h_push_stats h_pusher_stats(h_pusher *p) {
  h_push_stats s;
  pthread_mutex_lock(&p->mu);
  s = p->st;
  pthread_mutex_unlock(&p->mu);
  return s;
}

h_push_stats h_pusher_stop(h_pusher *p) {
  h_push_stats s;
  pthread_mutex_lock(&p->mu);
  p->stop = 1;
  pthread_mutex_unlock(&p->mu);
  pthread_join(p->th, NULL);
  s = p->st;
  free(p->frame);
  free(p->pcm);
  pthread_mutex_destroy(&p->mu);
  free(p);
  return s;
}

/* ---- audio analysis ---------------------------------------------------------- */

double h_goertzel_power(const int16_t *pcm, size_t n, double freq_hz, double sample_rate) {
  double w = 2.0 * H_PI * freq_hz / sample_rate;
  double coeff = 2.0 * cos(w);
  double s1 = 0, s2 = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    double s0 = (double)pcm[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

double h_tone_fraction(const int16_t *pcm, size_t n, double freq_hz, double sample_rate) {
  double energy = 0;
  size_t i;
  for (i = 0; i < n; i++) energy += (double)pcm[i] * (double)pcm[i];
  if (n == 0 || energy <= 0) return 0;
  /* A pure tone on a bin has power (A*n/2)^2 and energy A^2*n/2: the ratio below is 1. */
  return 2.0 * h_goertzel_power(pcm, n, freq_hz, sample_rate) / ((double)n * energy);
}

double h_rms(const int16_t *pcm, size_t n) {
  double energy = 0;
  size_t i;
  for (i = 0; i < n; i++) energy += (double)pcm[i] * (double)pcm[i];
  return n ? sqrt(energy / (double)n) : 0;
}

h_audio_stats h_fetch_audio(parley_engine *e, uint32_t sample_rate, double freq_hz, int max_ms,
                            unsigned want_tone_chunks, unsigned want_loud_chunks) {
  h_audio_stats st;
  const uint32_t n = sample_rate / 100;
  int16_t *pcm = calloc(n, sizeof *pcm);
  int64_t next = now_ns();
  int64_t end = h_now_ms() + h_scaled_ms(max_ms);
  memset(&st, 0, sizeof st);
  CHECK(pcm != NULL);
  while (h_now_ms() < end) {
    double rms, frac;
    h_pump();
    CHECK_OK(parley_fetch_audio_pcm(e, pcm, n, sample_rate, 1));
    rms = h_rms(pcm, n);
    frac = h_tone_fraction(pcm, n, freq_hz, sample_rate);
    st.chunks++;
    if (rms > st.max_rms) st.max_rms = rms;
    if (rms > 100) st.loud_chunks++;
    if (rms > 300 && frac > st.max_fraction) st.max_fraction = frac;
    if (rms > 300 && frac > 0.5) st.tone_chunks++;
    if (want_tone_chunks > 0 && st.tone_chunks >= want_tone_chunks) break;
    if (want_loud_chunks > 0 && st.loud_chunks >= want_loud_chunks) break;
    next += 10000000LL;
    if (next < now_ns() - 200000000LL) next = now_ns();
    sleep_until_ns(next);
  }
  free(pcm);
  return st;
}

/* ---- views ------------------------------------------------------------------- */

#define H_GUARD 256
#define H_PAD 32

h_view *h_view_new(uint32_t width, uint32_t height, int32_t view_mode) {
  h_view *v = calloc(1, sizeof *v);
  parley_view_desc d;
  uint32_t x, y;
  CHECK(v != NULL);
  v->width = width;
  v->height = height;
  v->stride = 4 * width + H_PAD;
  v->size = (size_t)v->stride * height;
  v->mem = malloc(v->size + H_GUARD);
  CHECK(v->mem != NULL);
  for (y = 0; y < height; y++) {
    uint8_t *row = v->mem + (size_t)y * v->stride;
    for (x = 0; x < width; x++) {
      row[4 * x + 0] = 255; /* transparent magenta: "never written" */
      row[4 * x + 1] = 0;
      row[4 * x + 2] = 255;
      row[4 * x + 3] = 0;
    }
    memset(row + 4 * (size_t)width, 0xA5, H_PAD);
  }
  memset(v->mem + v->size, 0x5A, H_GUARD);
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.pixels = v->mem;
  d.width = width;
  d.height = height;
  d.stride = v->stride;
  d.view_mode = view_mode;
  d.flip_y = 0;
  CHECK_OK(parley_view_create(&d, &v->view));
  CHECK(v->view != NULL);
  return v;
}

h_view_sample h_view_read(h_view *v) {
  h_view_sample s;
  uint32_t x, y;
  size_t nonblack = 0, i;
  memset(&s, 0, sizeof s);
  s.info.struct_size = sizeof s.info;
  s.min_alpha = 255;
  s.padding_intact = 1;
  s.guard_intact = 1;
  CHECK_OK(parley_view_acquire(v->view, &s.info));
  for (y = 0; y < v->height; y++) {
    const uint8_t *row = v->mem + (size_t)y * v->stride;
    for (x = 0; x < v->width; x++) {
      const uint8_t *px = row + 4 * x;
      if (px[3] < s.min_alpha) s.min_alpha = px[3];
      if (px[0] > 48 || px[1] > 48 || px[2] > 48) nonblack++;
    }
    for (i = 4 * (size_t)v->width; i < v->stride; i++)
      if (row[i] != 0xA5) s.padding_intact = 0;
  }
  for (i = 0; i < H_GUARD; i++)
    if (v->mem[v->size + i] != 0x5A) s.guard_intact = 0;
  memcpy(s.center, v->mem + (size_t)(v->height / 2) * v->stride + 4 * (size_t)(v->width / 2), 4);
  s.nonblack_fraction = (double)nonblack / ((double)v->width * (double)v->height);
  CHECK_OK(parley_view_release(v->view));
  return s;
}

void h_view_free(h_view *v) {
  if (v == NULL) return;
  CHECK_OK(parley_view_destroy(v->view));
  free(v->mem);
  free(v);
}

int h_color_near(const uint8_t px[4], uint8_t r, uint8_t g, uint8_t b, int tol) {
  return abs((int)px[0] - r) <= tol && abs((int)px[1] - g) <= tol && abs((int)px[2] - b) <= tol;
}

typedef struct view_wait {
  h_view *v;
  uint64_t seq;
  int color;
  uint8_t rgb[3];
  int tol;
  h_view_sample last;
} view_wait;

static int view_cond(void *ud) {
  view_wait *w = ud;
  w->last = h_view_read(w->v);
  if (w->last.info.seq <= w->seq) return 0;
  if (w->color && !h_color_near(w->last.center, w->rgb[0], w->rgb[1], w->rgb[2], w->tol)) return 0;
  return 1;
}

h_view_sample h_view_wait_seq_at(h_view *v, uint64_t seq, int timeout_ms, const char *file, int line) {
  view_wait w;
  memset(&w, 0, sizeof w);
  w.v = v;
  w.seq = seq;
  if (!h_wait_until(view_cond, &w, timeout_ms))
    h_fail(file, line, "view seq stayed at %llu (want > %llu) for %d ms", (unsigned long long)w.last.info.seq,
           (unsigned long long)seq, h_scaled_ms(timeout_ms));
  h_count_check();
  return w.last;
}

h_view_sample h_view_wait_color_at(h_view *v, uint8_t r, uint8_t g, uint8_t b, int tol, int timeout_ms,
                                   const char *file, int line) {
  view_wait w;
  memset(&w, 0, sizeof w);
  w.v = v;
  w.seq = 0;
  w.color = 1;
  w.rgb[0] = r;
  w.rgb[1] = g;
  w.rgb[2] = b;
  w.tol = tol;
  if (!h_wait_until(view_cond, &w, timeout_ms))
    h_fail(file, line, "view centre is (%u,%u,%u,%u) at seq %llu, want (%u,%u,%u) +-%d within %d ms",
           w.last.center[0], w.last.center[1], w.last.center[2], w.last.center[3],
           (unsigned long long)w.last.info.seq, r, g, b, tol, h_scaled_ms(timeout_ms));
  h_count_check();
  return w.last;
}
