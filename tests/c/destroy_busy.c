/*
 * destroy_busy — destroying things while they are busy:
 *   1. a view destroyed while frames land in it: its buffer is never touched again;
 *   2. two engines, each publishing custom media and playing the other, destroyed
 *      at once from two threads while frames and PCM are pushed and pulled and
 *      events flow: on_destroyed runs once per engine, no callback runs after
 *      destroy returns, and the dead handles answer PARLEY_ERR_INVALID_HANDLE;
 *   3. an engine destroyed from inside its own callback (event thread);
 *   4. the same from inside a callback dispatched by parley_engine_poll_events;
 *   5. an engine destroyed while its login is still in flight.
 */
#include "harness.h"

#define W 320
#define H 240
#define RATE 48000

/* ---- on_destroyed counting ---------------------------------------------------- */

typedef struct counter {
  pthread_mutex_t mu;
  int n;
} counter;

static void counter_init(counter *c) {
  pthread_mutex_init(&c->mu, NULL);
  c->n = 0;
}

static int counter_get(counter *c) {
  int n;
  pthread_mutex_lock(&c->mu);
  n = c->n;
  pthread_mutex_unlock(&c->mu);
  return n;
}

static void on_destroyed(void *ud) {
  counter *c = ud;
  pthread_mutex_lock(&c->mu);
  c->n++;
  pthread_mutex_unlock(&c->mu);
}

static int counter_positive(void *ud) { return counter_get(ud) > 0; }

static void expect_destroyed_once(counter *c, const char *who) {
  CHECKF(h_wait_until(counter_positive, c, 10000), "%s: on_destroyed did not run within 10 s", who);
  h_sleep_ms(h_scaled_ms(200));
  CHECKF(counter_get(c) == 1, "%s: on_destroyed ran %d times, want once", who, counter_get(c));
}

/* ---- a thread pulling audio, like a game's audio thread ------------------------ */

typedef struct fetcher {
  parley_engine *e;
  pthread_t th;
  pthread_mutex_t mu;
  int stop, allow_dead;
  unsigned long ok, dead, unexpected;
  int32_t first_unexpected;
} fetcher;

static void *fetch_main(void *arg) {
  fetcher *f = arg;
  int16_t pcm[RATE / 100 * 2];
  for (;;) {
    int32_t rc;
    pthread_mutex_lock(&f->mu);
    if (f->stop) {
      pthread_mutex_unlock(&f->mu);
      break;
    }
    pthread_mutex_unlock(&f->mu);
    rc = parley_fetch_audio_pcm(f->e, pcm, RATE / 100, RATE, 2);
    pthread_mutex_lock(&f->mu);
    if (rc == PARLEY_OK)
      f->ok++;
    else if (f->allow_dead && (rc == PARLEY_ERR_INVALID_HANDLE || rc == PARLEY_ERR_ENGINE_DESTROYED))
      f->dead++;
    else if (f->unexpected++ == 0)
      f->first_unexpected = rc;
    pthread_mutex_unlock(&f->mu);
    h_sleep_ms(10);
  }
  return NULL;
}

/* ---- destroying from a thread -------------------------------------------------- */

typedef struct destroyer {
  parley_engine *e;
  counter *c;
  int32_t rc;
  pthread_t th;
} destroyer;

static void *destroy_main(void *arg) {
  destroyer *d = arg;
  d->rc = parley_engine_destroy(d->e, on_destroyed, d->c);
  return NULL;
}

/* ---- destroying from inside a callback ----------------------------------------- */

typedef struct self_destroy {
  const char *trigger; /* the event line that triggers the destroy */
  parley_engine *e;
  counter destroyed;
  pthread_mutex_t mu;
  int done;
  int32_t rc;
} self_destroy;

static void self_destroy_hook(void *ud, const char *line) {
  self_destroy *s = ud;
  int go;
  pthread_mutex_lock(&s->mu);
  go = !s->done && strcmp(line, s->trigger) == 0;
  if (go) s->done = 1;
  pthread_mutex_unlock(&s->mu);
  if (go) {
    int32_t rc = parley_engine_destroy(s->e, on_destroyed, &s->destroyed);
    pthread_mutex_lock(&s->mu);
    s->rc = rc;
    s->done = 2;
    pthread_mutex_unlock(&s->mu);
  }
}

static int self_destroy_done(void *ud) {
  self_destroy *s = ud;
  int done;
  pthread_mutex_lock(&s->mu);
  done = s->done;
  pthread_mutex_unlock(&s->mu);
  return done == 2;
}

static void self_destroy_init(self_destroy *s, const char *trigger) {
  memset(s, 0, sizeof *s);
  s->trigger = trigger;
  counter_init(&s->destroyed);
  pthread_mutex_init(&s->mu, NULL);
}

/* The poll engine of phase 4: polled until its own callback destroyed it. */
typedef struct poll_one {
  parley_engine *e;
  self_destroy *s;
} poll_one;

static void poll_one_pump(void *ud) {
  poll_one *p = ud;
  int32_t rc;
  if (p->e == NULL) return;
  rc = parley_engine_poll_events(p->e, 0, NULL);
  if (rc != PARLEY_OK)
    h_fail(__FILE__, __LINE__, "parley_engine_poll_events returned %s (a callback that destroys the engine must "
           "end the poll with PARLEY_OK)", parley_error_name(rc));
  if (self_destroy_done(p->s)) {
    CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_poll_events(p->e, 0, NULL));
    p->e = NULL;
  }
}

/* Every engine call with a destroyed handle. */
static void expect_dead(parley_engine *e) {
  int16_t pcm[480];
  uint8_t frame[16 * 16 * 4];
  parley_user u;
  memset(pcm, 0, sizeof pcm);
  memset(frame, 0, sizeof frame);
  memset(&u, 0, sizeof u);
  u.user_id = "late-user";
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_login_room(e, "room-late", &u, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_logout_room(e, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_publishing_stream(e, "late", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_stop_publishing_stream(e, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_playing_stream(e, "late", NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_stop_playing_stream(e, "late"));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_preview(e, NULL, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_send_custom_video_frame(e, frame, 16, 16, 64, 0,
                                                                       PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_send_custom_audio_pcm(e, pcm, 480, RATE, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_fetch_audio_pcm(e, pcm, 480, RATE, 1));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_set_event_handler(e, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_poll_events(e, 0, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_destroy(e, NULL, NULL));
}

static void start_media(parley_engine *e, h_pusher **video, h_pusher **tone, uint8_t r, uint8_t g, uint8_t b) {
  parley_video_config vc;
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = vc.encode_width = W;
  vc.capture_height = vc.encode_height = H;
  vc.fps = 30;
  vc.codec = PARLEY_VIDEO_CODEC_VP8;
  CHECK_OK(parley_set_video_config(e, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_video_source(e, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_audio_source(e, PARLEY_AUDIO_SOURCE_CUSTOM));
  *video = h_video_pusher_start(e, PARLEY_PUBLISH_CHANNEL_MAIN, W, H, 30, r, g, b);
  *tone = h_tone_pusher_start(e, 1000.0, RATE, 2, 6000.0);
}

static void stop_pusher(h_pusher *p, const char *what) {
  h_push_stats st = h_pusher_stop(p);
  CHECKF(st.unexpected == 0, "%s: %lu calls returned an unexpected code, the first %s", what, st.unexpected,
         parley_error_name(st.first_unexpected));
  CHECKF(st.ok > 0, "%s: no call succeeded before the destroy", what);
  CHECKF(st.dead > 0, "%s: no call after the destroy returned PARLEY_ERR_INVALID_HANDLE", what);
}

int main(void) {
  char url[PARLEY_URL_CAPACITY];
  parley_server *srv;
  h_recorder *ra, *rb, *rec_c, *rec_d, *rec_e;
  parley_engine *a, *b, *c, *d, *e;
  h_pusher *va_push, *ta_push, *vb_push, *tb_push;
  h_view *view_a, *view_b;
  h_view_sample s;
  fetcher f;
  destroyer db;
  counter da_count, db_count;
  int32_t rc_a;
  size_t ca, cb, i;
  uint64_t seq;
  self_destroy sc, sd;
  poll_one po;
  int intact;

  h_init("destroy_busy");
  h_phase("start the server; A and B log in");
  srv = h_server_start(url, sizeof url);
  ra = h_rec_new("A", H_THREAD_ONE_NOT_MAIN);
  rb = h_rec_new("B", H_THREAD_ONE_NOT_MAIN);
  a = h_engine_new(url, ra, 0);
  b = h_engine_new(url, rb, 0);
  h_login(a, ra, "room-busy", "user-a", 1);
  h_login(b, rb, "room-busy", "user-b", 1);

  h_phase("A and B publish custom media and play each other");
  start_media(a, &va_push, &ta_push, 255, 0, 0);
  start_media(b, &vb_push, &tb_push, 0, 0, 255);
  CHECK_OK(parley_start_publishing_stream(a, "stream-a", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_start_publishing_stream(b, "stream-b", PARLEY_PUBLISH_CHANNEL_MAIN));
  view_a = h_view_new(W, H, PARLEY_VIEW_MODE_ASPECT_FIT);
  view_b = h_view_new(W, H, PARLEY_VIEW_MODE_ASPECT_FILL);
  CHECK_OK(parley_start_playing_stream(a, "stream-b", view_a->view)); /* may wait in PLAY_REQUESTING */
  CHECK_OK(parley_start_playing_stream(b, "stream-a", view_b->view));
  EXPECT_EVENT(ra, "publisher_state stream-a PUBLISHING 0", 15000);
  EXPECT_EVENT(rb, "publisher_state stream-b PUBLISHING 0", 15000);
  EXPECT_EVENT(ra, "player_state stream-b PLAYING 0", 15000);
  EXPECT_EVENT(rb, "player_state stream-a PLAYING 0", 15000);
  s = h_view_wait_color(view_a, 0, 0, 255, 40, 10000);
  h_view_wait_seq(view_a, s.info.seq + 5, 10000);
  s = h_view_wait_color(view_b, 255, 0, 0, 40, 10000);
  h_view_wait_seq(view_b, s.info.seq + 5, 10000);

  memset(&f, 0, sizeof f);
  f.e = a;
  pthread_mutex_init(&f.mu, NULL);
  CHECK(pthread_create(&f.th, NULL, fetch_main, &f) == 0);

  h_phase("destroy B's view while frames land in it");
  CHECK_OK(parley_view_destroy(view_b->view));
  memset(view_b->mem, 0x5A, view_b->size + 256);
  h_sleep_ms(h_scaled_ms(500));
  intact = 1;
  for (i = 0; i < view_b->size + 256; i++)
    if (view_b->mem[i] != 0x5A) intact = 0;
  CHECKF(intact, "the engine wrote into a view's buffer after parley_view_destroy returned");
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_acquire(view_b->view, NULL));
  free(view_b->mem);
  free(view_b);
  h_sleep_ms(h_scaled_ms(500)); /* B's player goes on without a view */

  h_phase("destroy A (main thread) and B (another thread) at once, everything running");
  h_pusher_allow_dead(va_push);
  h_pusher_allow_dead(ta_push);
  h_pusher_allow_dead(vb_push);
  h_pusher_allow_dead(tb_push);
  pthread_mutex_lock(&f.mu);
  f.allow_dead = 1;
  pthread_mutex_unlock(&f.mu);
  counter_init(&da_count);
  counter_init(&db_count);
  db.e = b;
  db.c = &db_count;
  db.rc = -1;
  CHECK(pthread_create(&db.th, NULL, destroy_main, &db) == 0);
  rc_a = parley_engine_destroy(a, on_destroyed, &da_count);
  ca = h_rec_callbacks(ra);
  pthread_join(db.th, NULL);
  cb = h_rec_callbacks(rb);
  CHECKF(rc_a == PARLEY_OK, "destroy A returned %s", parley_error_name(rc_a));
  CHECKF(db.rc == PARLEY_OK, "destroy B returned %s", parley_error_name(db.rc));

  h_phase("no callback after destroy returned; on_destroyed once each");
  h_sleep_ms(h_scaled_ms(500));
  CHECKF(h_rec_callbacks(ra) == ca, "A: %lu callbacks after destroy returned", (unsigned long)(h_rec_callbacks(ra) - ca));
  CHECKF(h_rec_callbacks(rb) == cb, "B: %lu callbacks after destroy returned", (unsigned long)(h_rec_callbacks(rb) - cb));
  expect_destroyed_once(&da_count, "A");
  expect_destroyed_once(&db_count, "B");

  h_phase("A's view is detached: no more frames, the handle still works");
  seq = h_view_read(view_a).info.seq;
  h_sleep_ms(h_scaled_ms(300));
  CHECKF(h_view_read(view_a).info.seq == seq, "a view got frames after its engine was destroyed");

  h_phase("the dead handles answer PARLEY_ERR_INVALID_HANDLE");
  expect_dead(a);
  expect_dead(b);

  h_phase("stop the threads that kept calling");
  h_sleep_ms(100);
  stop_pusher(va_push, "A video pushes");
  stop_pusher(ta_push, "A audio pushes");
  stop_pusher(vb_push, "B video pushes");
  stop_pusher(tb_push, "B audio pushes");
  pthread_mutex_lock(&f.mu);
  f.stop = 1;
  pthread_mutex_unlock(&f.mu);
  pthread_join(f.th, NULL);
  CHECKF(f.unexpected == 0 && f.ok > 0 && f.dead > 0, "audio pulls: %lu ok, %lu dead, %lu unexpected (first %s)", f.ok,
         f.dead, f.unexpected, parley_error_name(f.first_unexpected));
  CHECKF(h_rec_count_prefix(ra, "debug_error PARLEY_ERR_INTERNAL") + h_rec_count_prefix(rb, "debug_error PARLEY_ERR_INTERNAL") == 0,
         "PARLEY_ERR_INTERNAL (a recovered panic) during the busy destroy");
  h_rec_check_clean(ra);
  h_rec_check_clean(rb);
  h_view_free(view_a);

  h_phase("C destroys itself from inside its LOGINED callback (event thread)");
  self_destroy_init(&sc, "room_state room-self LOGINED 0");
  rec_c = h_rec_new("C", H_THREAD_ONE_NOT_MAIN);
  c = h_engine_new(url, rec_c, 0);
  sc.e = c;
  h_rec_set_hook(rec_c, self_destroy_hook, &sc);
  {
    parley_user u;
    memset(&u, 0, sizeof u);
    u.user_id = "user-c";
    CHECK_OK(parley_login_room(c, "room-self", &u, NULL));
  }
  CHECKF(h_wait_until(self_destroy_done, &sc, 15000), "C's LOGINED callback never ran or its destroy never returned");
  CHECKF(sc.rc == PARLEY_OK, "destroy from inside a callback returned %s", parley_error_name(sc.rc));
  expect_destroyed_once(&sc.destroyed, "C");
  ca = h_rec_callbacks(rec_c);
  h_sleep_ms(h_scaled_ms(500));
  CHECKF(h_rec_callbacks(rec_c) == ca, "C: callbacks after it destroyed itself");
  expect_dead(c);
  h_rec_check_clean(rec_c);

  h_phase("D (poll mode) destroys itself from inside a callback dispatched by poll_events");
  self_destroy_init(&sd, "room_state room-self LOGINED 0");
  rec_d = h_rec_new("D", H_THREAD_MAIN_ONLY);
  d = h_engine_new(url, rec_d, PARLEY_ENGINE_FLAG_POLL_EVENTS);
  sd.e = d;
  h_rec_set_hook(rec_d, self_destroy_hook, &sd);
  po.e = d;
  po.s = &sd;
  h_set_pump(poll_one_pump, &po);
  {
    parley_user u;
    memset(&u, 0, sizeof u);
    u.user_id = "user-d";
    CHECK_OK(parley_login_room(d, "room-self", &u, NULL));
  }
  CHECKF(h_wait_until(self_destroy_done, &sd, 15000), "D's LOGINED callback never ran or its destroy never returned");
  CHECKF(sd.rc == PARLEY_OK, "destroy from inside a polled callback returned %s", parley_error_name(sd.rc));
  h_sleep_pumping(50);
  CHECK(po.e == NULL);
  h_set_pump(NULL, NULL);
  expect_destroyed_once(&sd.destroyed, "D");
  expect_dead(d);
  h_rec_check_clean(rec_d);

  h_phase("E is destroyed while its login is in flight");
  rec_e = h_rec_new("E", H_THREAD_ONE_NOT_MAIN);
  e = h_engine_new(url, rec_e, 0);
  {
    parley_user u;
    memset(&u, 0, sizeof u);
    u.user_id = "user-e";
    CHECK_OK(parley_login_room(e, "room-busy", &u, NULL));
  }
  h_destroy_engine(e);
  ca = h_rec_callbacks(rec_e);
  h_sleep_ms(h_scaled_ms(500));
  CHECKF(h_rec_callbacks(rec_e) == ca, "E: callbacks after destroy returned");
  expect_dead(e);
  h_rec_check_clean(rec_e);

  h_phase("stop the server");
  CHECK_OK(parley_server_stop(srv));
  return h_done();
}
