/*
 * view_lifetime — a view destroyed while an engine writes into it is never
 * written again.
 *
 * Every view's buffer lies between guard pages (tests/c/guarded.h). Once
 * parley_view_destroy returns, the buffer is filled with a canary; the
 * canary is checked a second later, with the engines still drawing into
 * other views, and the buffer is then sealed, so any write even later
 * crashes the test. Round after round, at a random moment while frames land:
 *   - a played stream's view is destroyed plainly,
 *   - while it is acquired and newer frames wait for its release,
 *   - right after a release, when the waiting frame is about to land,
 *   - while another thread gives the player a new view;
 * then the same (first three) for a preview's view. Each view must have
 * received frames before it is destroyed, so the writes really race.
 */
#include "guarded.h"

#define STREAM "lifetime-a"
#define PLAY_ROUNDS 24
#define PREVIEW_ROUNDS 9

static unsigned rnd(unsigned *s) {
  *s = *s * 1103515245u + 12345u;
  return (*s >> 8) & 0xffffff;
}

static g_view *new_view(unsigned *seed) {
  uint32_t w = 16 + rnd(seed) % 185, h = 16 + rnd(seed) % 135;
  uint32_t stride = 4 * w + 4 * (rnd(seed) % 4) + (rnd(seed) % 3 == 0 ? 1 + rnd(seed) % 3 : 0);
  g_view *v = g_view_alloc(w, h, stride);
  parley_view_desc d = g_view_desc(v, (int32_t)(rnd(seed) % 3), (int32_t)(rnd(seed) % 2));
  CHECK_OK(parley_view_create(&d, &v->view));
  return v;
}

static uint64_t view_seq(g_view *v) {
  parley_frame_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  CHECK_OK(parley_view_acquire(v->view, &info));
  CHECK_OK(parley_view_release(v->view));
  return info.seq;
}

/* Waits until frame number seq has landed in v. */
static void wait_seq(g_view *v, uint64_t seq, const char *what) {
  int64_t end = h_now_ms() + h_scaled_ms(10000);
  uint64_t now;
  while ((now = view_seq(v)) < seq) {
    CHECKF(h_now_ms() < end, "%s: a %ux%u view is at frame %llu, want %llu within %d ms", what, v->width, v->height,
           (unsigned long long)now, (unsigned long long)seq, h_scaled_ms(10000));
    h_sleep_ms(5);
  }
}

/* Destroys v, buries it and checks its handle is dead everywhere. */
static void destroy_view(g_view *v, parley_engine *e) {
  CHECK_OK(parley_view_destroy(v->view));
  g_view_bury(v);
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_acquire(v->view, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_view_destroy(v->view));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_playing_stream(e, STREAM, v->view));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_start_preview(e, v->view, PARLEY_PUBLISH_CHANNEL_AUX));
}

/* Attaches a view from another thread, racing a destroy on the main thread. */
typedef struct attacher {
  parley_engine *e;
  parley_view *view;
  int32_t rc;
  pthread_t th;
} attacher;

static void *attach_main(void *arg) {
  attacher *a = arg;
  a->rc = parley_start_playing_stream(a->e, STREAM, a->view);
  return NULL;
}

/*
 * One round: wait for frames in cur, destroy it the round's way, and return
 * the view attached next (by attach(e, next) after the destroy, or by a racing
 * thread in the fourth way).
 */
typedef int32_t (*attach_fn)(parley_engine *e, parley_view *v);

static int32_t attach_player(parley_engine *e, parley_view *v) { return parley_start_playing_stream(e, STREAM, v); }
static int32_t attach_preview(parley_engine *e, parley_view *v) {
  return parley_start_preview(e, v, PARLEY_PUBLISH_CHANNEL_MAIN);
}

static g_view *round_(int way, g_view *cur, parley_engine *e, attach_fn attach, unsigned *seed, const char *what) {
  g_view *next = new_view(seed);
  attacher a;
  wait_seq(cur, 1 + rnd(seed) % 3, what);
  switch (way) {
  case 0: /* plainly, at a random moment */
    h_sleep_ms((int)(rnd(seed) % 30));
    destroy_view(cur, e);
    break;
  case 1: /* acquired, with newer frames waiting for the release */
    CHECK_OK(parley_view_acquire(cur->view, NULL));
    h_sleep_ms(60 + (int)(rnd(seed) % 40));
    destroy_view(cur, e);
    break;
  case 2: /* right after a release, when the waiting frame is about to land */
    CHECK_OK(parley_view_acquire(cur->view, NULL));
    h_sleep_ms(60);
    CHECK_OK(parley_view_release(cur->view));
    destroy_view(cur, e);
    break;
  default: /* while another thread attaches the next view */
    a.e = e;
    a.view = next->view;
    a.rc = -1;
    CHECK(pthread_create(&a.th, NULL, attach_main, &a) == 0);
    h_sleep_ms((int)(rnd(seed) % 3));
    destroy_view(cur, e);
    pthread_join(a.th, NULL);
    CHECKF(a.rc == PARLEY_OK, "%s: attaching a view while the old one was destroyed returned %s", what,
           parley_error_name(a.rc));
    return next;
  }
  CHECK_OK(attach(e, next->view));
  g_grave_sweep(1000);
  return next;
}

int main(void) {
  char url[PARLEY_URL_CAPACITY];
  parley_server *srv;
  h_recorder *ra, *rb;
  parley_engine *a, *b;
  parley_video_config vc;
  g_view *played, *previewed;
  unsigned seed = (unsigned)h_unix_ms();
  int i;

  h_init("view_lifetime");
  printf("view_lifetime: seed %u\n", seed);
  h_phase("A publishes the test pattern at 30 fps; B plays it into a view");
  srv = h_server_start(url, sizeof url);
  ra = h_rec_new("A", H_THREAD_ONE_NOT_MAIN);
  rb = h_rec_new("B", H_THREAD_ONE_NOT_MAIN);
  a = h_engine_new(url, ra, 0);
  b = h_engine_new(url, rb, 0);
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = vc.encode_width = 320;
  vc.capture_height = vc.encode_height = 240;
  vc.fps = 30;
  CHECK_OK(parley_set_video_config(a, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  h_login(a, ra, "room-lifetime", "user-a", 0);
  h_login(b, rb, "room-lifetime", "user-b", 0);
  CHECK_OK(parley_start_publishing_stream(a, STREAM, PARLEY_PUBLISH_CHANNEL_MAIN));
  played = new_view(&seed);
  CHECK_OK(parley_start_playing_stream(b, STREAM, played->view));
  EXPECT_EVENT(rb, "player_state " STREAM " PLAYING 0", 15000);

  h_phase("destroy the played stream's view %d times while frames land", PLAY_ROUNDS);
  for (i = 0; i < PLAY_ROUNDS; i++) played = round_(i % 4, played, b, attach_player, &seed, "player");

  h_phase("destroy the preview's view %d times while frames land", PREVIEW_ROUNDS);
  previewed = new_view(&seed);
  CHECK_OK(parley_start_preview(a, previewed->view, PARLEY_PUBLISH_CHANNEL_MAIN));
  for (i = 0; i < PREVIEW_ROUNDS; i++) previewed = round_(i % 3, previewed, a, attach_preview, &seed, "preview");

  h_phase("the last views too; every destroyed buffer keeps its canary for 1 s while the engines draw on");
  wait_seq(played, view_seq(played) + 2, "player");
  wait_seq(previewed, view_seq(previewed) + 2, "preview");
  destroy_view(played, b);
  destroy_view(previewed, a);
  printf("view_lifetime: %lu destroyed views checked\n", (unsigned long)g_grave_drain(1000));

  h_phase("stop");
  CHECKF(h_rec_count_prefix(ra, "debug_error PARLEY_ERR_INTERNAL") + h_rec_count_prefix(rb, "debug_error PARLEY_ERR_INTERNAL") == 0,
         "PARLEY_ERR_INTERNAL (a recovered panic) while views were destroyed");
  h_rec_check_clean(ra);
  h_rec_check_clean(rb);
  h_destroy_engine(a);
  h_destroy_engine(b);
  CHECK_OK(parley_server_stop(srv));
  return h_done();
}
