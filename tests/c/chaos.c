/*
 * chaos — hostile input from eight threads at once, against a real server.
 *
 * For PARLEY_CHAOS_SECONDS (default 60; the plain ctest run sets 10) eight
 * threads pick random operations on handles they share: engines created
 * and destroyed (event-thread and poll mode, some without an app sign or
 * with a dead server), logins and logouts with good and bad rooms and users
 * (some with a user ID another engine uses), publishing and playing a few
 * stream IDs into views, previews, views created and destroyed while
 * engines draw into them, custom frames and PCM of good and bad sizes,
 * audio pulls, polls, getters with NULL or too-small out structs, switches
 * out of range, handlers swapped, temporary servers started and stopped,
 * and handles used after their destroy or of the wrong kind.
 *
 * Checked all along:
 *   - every call returns PARLEY_OK or a code its comment in parley.h lists
 *     (a call on an engine another thread is destroying may also get
 *     ENGINE_DESTROYED or INVALID_HANDLE); a call with one bad argument gets
 *     that argument's code; a destroyed, foreign or wrong-kind handle gets
 *     exactly INVALID_HANDLE; a failed create writes NULL; never
 *     PARLEY_ERR_INTERNAL;
 *   - the library reads and writes no byte outside the caller's buffers
 *     (every buffer lies between guard pages, tests/c/guarded.h), never a
 *     view's row padding, and nothing at all when a call fails;
 *   - a destroyed view's buffer is never written again (canary for 1 s,
 *     then sealed);
 *   - callbacks: never after the engine's destroy returned, never two of one
 *     engine at once, on one library thread (or, in poll mode, only inside
 *     parley_engine_poll_events), strings never NULL, codes and enums in
 *     range; calls made from inside callbacks return too;
 *     on_destroyed exactly once per destroyed engine;
 *   - no call takes longer than 20 s (scaled).
 *
 * Environment: PARLEY_CHAOS_SECONDS; PARLEY_CHAOS_SEED (default: the clock;
 * printed at the start, though thread timing makes no run repeat exactly).
 */
#include "chaos.h"

world W;
unsigned long frames_seen;

/* ---- the workers ------------------------------------------------------------------------------------ */

static const op ops[] = {
    {"engine_create", op_engine_create, 25}, {"engine_destroy", op_engine_destroy, 10},
    {"set_handler", op_set_handler, 15},     {"poll", op_poll, 80},
    {"login", op_login, 60},                 {"logout", op_logout, 25},
    {"renew_token", op_renew_token, 10},     {"publish", op_publish, 50},
    {"stop_publish", op_stop_publish, 15},   {"preview", op_preview, 30},
    {"play", op_play, 60},                   {"stop_play", op_stop_play, 20},
    {"config", op_config, 90},               {"custom_video", op_custom_video, 60},
    {"custom_audio", op_custom_audio, 50},   {"fetch_audio", op_fetch_audio, 60},
    {"getters", op_getters, 40},             {"devices", op_devices, 5},
    {"view_create", op_view_create, 40},     {"view_destroy", op_view_destroy, 25},
    {"view_acquire", op_view_acquire, 90},   {"server", op_server, 4},
    {"log", op_log, 8},                      {"dead_engine", op_dead_engine, 40},
};
#define N_OPS (sizeof ops / sizeof ops[0])

static void *worker_main(void *arg) {
  worker *w = arg;
  unsigned total = 0, i;
  pthread_setspecific(worker_key, w);
  for (i = 0; i < N_OPS; i++) total += ops[i].weight;
  while (!LOAD(&W.stop)) {
    unsigned roll = below(&w->r, total);
    for (i = 0; roll >= ops[i].weight; i++) roll -= ops[i].weight;
    STORE(&w->op_name, ops[i].name);
    STORE(&w->op_start_ms, h_now_ms());
    ops[i].fn(w);
    STORE(&w->op_start_ms, (int64_t)0);
    ADD(&w->ops, 1);
    if (chance(&w->r, 60)) h_sleep_ms(1 + (int)below(&w->r, 3));
  }
  return NULL;
}

int main(void) {
  static worker workers[N_WORKERS];
  static worker main_worker;
  const char *s;
  double seconds = 60;
  uint64_t seed = (uint64_t)h_unix_ms();
  int64_t start, end, next_report;
  size_t i;
  char watchdog[32];

  if ((s = getenv("PARLEY_CHAOS_SECONDS")) != NULL && atof(s) > 0) seconds = atof(s);
  if ((s = getenv("PARLEY_CHAOS_SEED")) != NULL && *s != '\0') seed = (uint64_t)strtoull(s, NULL, 0);
  if (getenv("PARLEY_TEST_WATCHDOG_S") == NULL) {
    snprintf(watchdog, sizeof watchdog, "%.0f", seconds + 100);
    setenv("PARLEY_TEST_WATCHDOG_S", watchdog, 1);
  }
  h_init("chaos");
  printf("chaos: %d threads for %.0f s, PARLEY_CHAOS_SEED=%llu\n", N_WORKERS, seconds, (unsigned long long)seed);
  CHECK(pthread_mutex_init(&W.mu, NULL) == 0);
  CHECK(pthread_key_create(&worker_key, NULL) == 0);
  reserved.index = -1;
  pthread_setspecific(worker_key, &main_worker);
  CHECK_OK(parley_set_log_callback(on_log, &ev));
  CHECK_OK(parley_set_log_level(PARLEY_LOG_LEVEL_WARN));

  h_phase("start the server");
  W.server = h_server_start(W.url, sizeof W.url);
  snprintf(W.listen, sizeof W.listen, "%s", W.url + strlen("ws://"));

  h_phase("chaos");
  for (i = 0; i < N_WORKERS; i++) {
    worker *w = &workers[i];
    w->id = (int)i;
    w->r.s = seed * 0x9E3779B97F4A7C15ULL + i * 0xBF58476D1CE4E5B9ULL + 1;
    g_buf_alloc(&w->frame, (size_t)FRAME_MAX_STRIDE * FRAME_MAX_H);
    g_buf_alloc(&w->pcm, PCM_MAX_SAMPLES * sizeof(int16_t));
    CHECK(pthread_create(&w->th, NULL, worker_main, w) == 0);
  }
  start = h_now_ms();
  end = start + (int64_t)(seconds * 1000);
  next_report = start + 5000;
  while (h_now_ms() < end) {
    h_sleep_ms(100);
    g_grave_sweep(1000);
    for (i = 0; i < N_WORKERS; i++) {
      int64_t t = LOAD(&workers[i].op_start_ms);
      CHECKF(t == 0 || h_now_ms() - t < h_scaled_ms(20000), "thread %lu is stuck in %s for %lld ms (%s)",
             (unsigned long)i, LOAD(&workers[i].op_name), (long long)(h_now_ms() - t), workers[i].ctx);
    }
    if (h_now_ms() >= next_report) {
      unsigned long n = 0;
      for (i = 0; i < N_WORKERS; i++) n += LOAD(&workers[i].ops);
      printf("chaos: %5.1f s: %lu operations, %lu engines, %lu LOGINED, %lu PUBLISHING, %lu PLAYING, %lu frames seen, "
             "%lu views destroyed\n",
             (double)(h_now_ms() - start) / 1000, n, (unsigned long)LOAD(&W.n_engines), LOAD(&ev.logined),
             LOAD(&ev.publishing), LOAD(&ev.playing), LOAD(&frames_seen), (unsigned long)LOAD(&W.n_dead_views));
      next_report += 5000;
    }
  }

  h_phase("stop the threads");
  STORE(&W.stop, 1);
  for (i = 0; i < N_WORKERS; i++) pthread_join(workers[i].th, NULL);

  h_phase("destroy what is left");
  for (i = 0; i < VIEW_SLOTS; i++)
    if (W.views[i].g != NULL) {
      CHECK_OK(parley_view_destroy(W.views[i].g->view));
      g_view_bury(W.views[i].g);
      W.views[i].g = NULL;
    }
  for (i = 0; i < ENGINE_SLOTS; i++)
    if (W.slots[i] != NULL) {
      destroy_engine(W.slots[i]);
      W.slots[i] = NULL;
    }
  if (W.temp_server != NULL) CHECK_OK(parley_server_stop(W.temp_server));

  h_phase("on_destroyed once per engine; no callbacks after destroy; destroyed views untouched");
  h_sleep_ms(h_scaled_ms(500));
  for (i = 0; i < W.n_engines; i++) {
    eng_rec *rec = W.engines[i];
    int64_t deadline = h_now_ms() + h_scaled_ms(10000);
    while (LOAD(&rec->destroyed_calls) == 0 && h_now_ms() < deadline) h_sleep_ms(10);
    CHECKF(LOAD(&rec->destroyed_calls) == 1, "engine #%d: on_destroyed ran %d times, want once", rec->index,
           LOAD(&rec->destroyed_calls));
  }
  printf("chaos: %lu destroyed views checked\n", (unsigned long)g_grave_drain(1000));

  h_phase("stop the server");
  CHECK_OK(parley_server_stop(W.server));
  print_stats();
  {
    unsigned long n = 0;
    for (i = 0; i < N_WORKERS; i++) n += workers[i].ops;
    printf("chaos: %lu operations on %lu engines and %lu views, %lu frames seen in views\n", n,
           (unsigned long)W.n_engines, (unsigned long)W.n_dead_views, frames_seen);
  }
  /* The chaos must have reached the server and moved media, or it tested little. */
  CHECKF(ev.logined > 0, "no login succeeded");
  CHECKF(ev.publishing > 0, "nothing was ever published");
  CHECKF(seconds < 10 || ev.playing > 0, "no stream was ever played");
  CHECKF(seconds < 10 || frames_seen > 0, "no frame was ever seen in a view");
  return h_done();
}
