/*
 * call_common.c — the seed's story as a C program: two engines meet in a room
 * of an embedded dev server; A publishes custom video (solid red, then green)
 * and a custom 1 kHz tone; B plays it into a view and pulls the audio; then
 * stop, log out, destroy. call_basic runs it with the engines' event threads,
 * call_poll with PARLEY_ENGINE_FLAG_POLL_EVENTS and callbacks on the test's
 * main thread only.
 */
#include "call_common.h"

#include <math.h>

#define W 320
#define H 240
#define TONE_HZ 1000.0
#define RATE 48000

/* Poll mode: the main thread drains both engines in every wait. */
typedef struct poll_set {
  parley_engine *e[2];
  h_recorder *r[2];
  unsigned long dispatched[2];
  int n;
} poll_set;

static void poll_pump(void *ud) {
  poll_set *ps = ud;
  int i;
  for (i = 0; i < ps->n; i++) {
    uint32_t got = 0xFFFFFFFFu;
    int32_t rc = parley_engine_poll_events(ps->e[i], 0, &got);
    if (rc != PARLEY_OK)
      h_fail(__FILE__, __LINE__, "parley_engine_poll_events returned %s", parley_error_name(rc));
    if (got == 0xFFFFFFFFu) h_fail(__FILE__, __LINE__, "parley_engine_poll_events did not set *out_dispatched");
    ps->dispatched[i] += got;
  }
}

typedef struct quality_wait {
  h_recorder *pub, *play;
} quality_wait;

static int quality_seen(void *ud) {
  quality_wait *w = ud;
  h_quality p = h_rec_quality(w->pub), q = h_rec_quality(w->play);
  return p.publish_updates > 0 && p.publish_max_send_fps > 0 && q.play_updates > 0 && q.play_max_recv_fps > 0;
}

int run_call(const char *name, int poll_mode) { return run_call_codec(name, poll_mode, PARLEY_VIDEO_CODEC_VP8); }

int run_call_codec(const char *name, int poll_mode, int32_t codec) {
  char url[PARLEY_URL_CAPACITY];
  const int rule = poll_mode ? H_THREAD_MAIN_ONLY : H_THREAD_ONE_NOT_MAIN;
  const uint32_t flags = poll_mode ? PARLEY_ENGINE_FLAG_POLL_EVENTS : 0;
  parley_server *srv;
  h_recorder *ra, *rb;
  parley_engine *a, *b;
  poll_set ps;
  h_pusher *vp, *tp;
  h_view *view;
  h_view_sample s;
  h_audio_stats as;
  h_push_stats st;
  h_quality qa, qb;
  parley_video_config vc;
  quality_wait qw;
  long playing_at;
  size_t ca, cb;

  h_init(name);
  memset(&ps, 0, sizeof ps);

  h_phase("start the embedded dev server");
  srv = h_server_start(url, sizeof url);

  h_phase("create engines A and B (%s)", poll_mode ? "poll mode" : "event threads");
  ra = h_rec_new("A", rule);
  rb = h_rec_new("B", rule);
  a = h_engine_new(url, ra, flags);
  b = h_engine_new(url, rb, flags);
  if (poll_mode) {
    ps.e[0] = a;
    ps.e[1] = b;
    ps.r[0] = ra;
    ps.r[1] = rb;
    ps.n = 2;
    h_set_pump(poll_pump, &ps);
  }

  h_phase("A logs in to room-1 without user updates");
  h_login(a, ra, "room-1", "user-a", 0);
  h_phase("B logs in to room-1 with user updates and sees A");
  h_login(b, rb, "room-1", "user-b", 1);
  EXPECT_EVENT(rb, "user_update room-1 ADD user-a", 10000);

  h_phase("B pulls silence while nobody publishes");
  as = h_fetch_audio(b, RATE, TONE_HZ, 500, 0, 0);
  CHECKF(as.chunks > 0 && as.tone_chunks == 0 && as.max_rms < 50,
         "silence baseline: %u chunks, %u with the tone, max rms %.1f", as.chunks, as.tone_chunks, as.max_rms);

  h_phase("A publishes stream-a from custom sources: red 320x240 at 30 fps in %s, 1 kHz tone",
          codec == PARLEY_VIDEO_CODEC_H264 ? "H.264" : "VP8");
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = W;
  vc.capture_height = H;
  vc.encode_width = W;
  vc.encode_height = H;
  vc.fps = 30;
  vc.bitrate_kbps = 800;
  vc.codec = codec;
  CHECK_OK(parley_set_video_config(a, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_video_source(a, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_audio_source(a, PARLEY_AUDIO_SOURCE_CUSTOM));
  vp = h_video_pusher_start(a, PARLEY_PUBLISH_CHANNEL_MAIN, W, H, 30, 255, 0, 0);
  tp = h_tone_pusher_start(a, TONE_HZ, RATE, 1, 8000.0);
  CHECK_OK(parley_start_publishing_stream(a, "stream-a", PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(ra, "publisher_state stream-a PUBLISHING 0", 15000);
  EXPECT_ORDER(ra, "publisher_state stream-a PUBLISH_REQUESTING 0", "publisher_state stream-a PUBLISHING 0");
  EXPECT_EVENT(ra, "captured_first_frame 0", 10000);

  h_phase("B sees stream-a and plays it into a 320x240 view");
  EXPECT_EVENT(rb, "stream_update room-1 ADD stream-a user-a", 10000);
  view = h_view_new(W, H, PARLEY_VIEW_MODE_SCALE_TO_FILL);
  CHECK_OK(parley_start_playing_stream(b, "stream-a", view->view));
  playing_at = EXPECT_EVENT(rb, "player_state stream-a PLAYING 0", 15000);
  EXPECT_ORDER(rb, "player_state stream-a PLAY_REQUESTING 0", "player_state stream-a PLAYING 0");
  EXPECT_EVENT(rb, "recv_first_frame stream-a", 10000);
  EXPECT_EVENT(rb, "render_first_frame stream-a", 10000);
  EXPECT_EVENT(rb, "video_size stream-a 320 240", 10000);
  EXPECT_ORDER(rb, "recv_first_frame stream-a", "render_first_frame stream-a");

  h_phase("B's view shows red");
  s = h_view_wait_color(view, 255, 0, 0, 40, 10000);
  CHECKF(s.center[3] == 255 && s.min_alpha == 255, "alpha: centre %u, lowest %u; want 255 everywhere", s.center[3],
         s.min_alpha);
  CHECKF(s.info.source_width == W && s.info.source_height == H, "source size %ux%u, want 320x240",
         (unsigned)s.info.source_width, (unsigned)s.info.source_height);
  CHECKF(s.padding_intact && s.guard_intact, "the engine wrote outside the view's rows (padding %d, guard %d)",
         s.padding_intact, s.guard_intact);
  CHECKF(llabs((long long)(s.info.write_time_ms - h_unix_ms())) < h_scaled_ms(10000),
         "write_time_ms %lld is not near now (%lld)", (long long)s.info.write_time_ms, (long long)h_unix_ms());
  CHECKF(s.info.capture_time_ms == 0 || llabs((long long)(s.info.capture_time_ms - h_unix_ms())) < h_scaled_ms(10000),
         "capture_time_ms %lld is neither 0 nor near now (%lld)", (long long)s.info.capture_time_ms,
         (long long)h_unix_ms());
  h_phase("B's view keeps getting frames");
  s = h_view_wait_seq(view, s.info.seq + 10, 10000);

  h_phase("B pulls A's 1 kHz tone from the mix");
  as = h_fetch_audio(b, RATE, TONE_HZ, 10000, 50, 0);
  CHECKF(as.tone_chunks >= 50, "1 kHz tone found in %u of %u 10 ms chunks (want 50); max rms %.0f, best share %.2f",
         as.tone_chunks, as.chunks, as.max_rms, as.max_fraction);

  h_phase("A switches to green; B's view follows");
  h_video_pusher_set_color(vp, 0, 255, 0);
  s = h_view_wait_color(view, 0, 255, 0, 40, 10000);
  CHECKF(s.center[3] == 255 && s.min_alpha == 255, "alpha: centre %u, lowest %u", s.center[3], s.min_alpha);
  CHECK(s.padding_intact && s.guard_intact);

  h_phase("quality updates arrive with measured values");
  qw.pub = ra;
  qw.play = rb;
  CHECKF(h_wait_until(quality_seen, &qw, 10000), "no publisher and player quality updates with fps > 0 in 10 s");
  qa = h_rec_quality(ra);
  qb = h_rec_quality(rb);
  CHECKF(qa.publish_max_video_kbps > 0 && qa.publish_max_audio_kbps > 0, "publisher kbps: video %.1f, audio %.1f",
         qa.publish_max_video_kbps, qa.publish_max_audio_kbps);
  CHECKF(qb.play_max_video_kbps > 0 && qb.play_max_audio_kbps > 0, "player kbps: video %.1f, audio %.1f",
         qb.play_max_video_kbps, qb.play_max_audio_kbps);
  CHECKF(qb.play_last_width == W && qb.play_last_height == H, "player quality size %ldx%ld, want 320x240",
         (long)qb.play_last_width, (long)qb.play_last_height);

  if (poll_mode) {
    uint32_t got = 0;
    size_t before;
    h_phase("poll mode: nothing is dispatched until the host polls");
    h_set_pump(NULL, NULL);
    before = h_rec_callbacks(ra) + h_rec_callbacks(rb);
    CHECK_OK(parley_stop_publishing_stream(a, PARLEY_PUBLISH_CHANNEL_MAIN));
    h_sleep_ms(h_scaled_ms(1000));
    CHECKF(h_rec_callbacks(ra) + h_rec_callbacks(rb) == before,
           "%lu callbacks ran while nobody polled",
           (unsigned long)(h_rec_callbacks(ra) + h_rec_callbacks(rb) - before));
    CHECK_OK(parley_engine_poll_events(b, 1, &got));
    ps.dispatched[1] += got;
    CHECKF(got <= 1, "poll_events(max_events = 1) dispatched %u events", (unsigned)got);
    h_set_pump(poll_pump, &ps);
  } else {
    h_phase("A stops publishing");
    CHECK_OK(parley_stop_publishing_stream(a, PARLEY_PUBLISH_CHANNEL_MAIN));
  }
  EXPECT_EVENT(ra, "publisher_state stream-a NO_PUBLISH 0", 10000);
  EXPECT_EVENT(rb, "stream_update room-1 DELETE stream-a user-a", 10000);
  CHECKF(h_rec_wait_from(rb, "player_state stream-a PLAY_REQUESTING 0", (size_t)playing_at + 1, 10000) > playing_at,
         "B's player did not go back to PLAY_REQUESTING after stream-a was deleted");

  h_phase("stop the pushers");
  st = h_pusher_stop(vp);
  CHECKF(st.unexpected == 0 && st.ok > 0, "video pushes: %lu ok, %lu unexpected, first %s", st.ok, st.unexpected,
         parley_error_name(st.first_unexpected));
  st = h_pusher_stop(tp);
  CHECKF(st.unexpected == 0 && st.ok > 0, "audio pushes: %lu ok, %lu unexpected, first %s", st.ok, st.unexpected,
         parley_error_name(st.first_unexpected));

  h_phase("B stops playing; the view gets no more frames");
  CHECK_OK(parley_stop_playing_stream(b, "stream-a"));
  EXPECT_EVENT(rb, "player_state stream-a NO_PLAY 0", 10000);
  s = h_view_read(view);
  h_sleep_pumping(h_scaled_ms(300));
  CHECKF(h_view_read(view).info.seq == s.info.seq, "the view got frames after parley_stop_playing_stream");

  h_phase("A and B log out");
  CHECK_OK(parley_logout_room(a, "room-1"));
  EXPECT_EVENT(ra, "room_state room-1 LOGOUT 0", 10000);
  EXPECT_EVENT(rb, "user_update room-1 DELETE user-a", 10000);
  CHECK_OK(parley_logout_room(b, NULL));
  EXPECT_EVENT(rb, "room_state room-1 LOGOUT 0", 10000);

  h_phase("check the events as a whole");
  CHECKF(h_rec_count_prefix(ra, "user_update") == 0, "A logged in without is_user_status_notify but got user updates");
  CHECKF(h_rec_count_prefix(ra, "stream_update") == 0, "A got a stream update about its own stream");
  CHECKF(h_rec_find_prefix(rb, "user_update room-1 ADD user-b", 0) < 0, "B got a user update about itself");
  CHECKF(h_rec_count_prefix(ra, "debug_error") == 0 && h_rec_count_prefix(rb, "debug_error") == 0,
         "on_debug_error during a clean call");
  h_rec_check_clean(ra);
  h_rec_check_clean(rb);
  if (poll_mode) {
    h_sleep_pumping(200);
    CHECKF(ps.dispatched[0] == h_rec_callbacks(ra) && ps.dispatched[1] == h_rec_callbacks(rb),
           "poll_events reported %lu and %lu events dispatched, the handlers saw %lu and %lu callbacks",
           ps.dispatched[0], ps.dispatched[1], (unsigned long)h_rec_callbacks(ra), (unsigned long)h_rec_callbacks(rb));
    ps.n = 0; /* never poll a destroyed engine */
  }

  h_phase("destroy A and B");
  h_destroy_engine(a);
  h_destroy_engine(b);
  ca = h_rec_callbacks(ra);
  cb = h_rec_callbacks(rb);
  h_sleep_ms(h_scaled_ms(500));
  CHECKF(h_rec_callbacks(ra) == ca && h_rec_callbacks(rb) == cb, "callbacks ran after parley_engine_destroy returned");
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_logout_room(a, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_engine_destroy(b, NULL, NULL));

  h_phase("destroy the view, stop the server");
  h_view_free(view);
  CHECK_OK(parley_server_stop(srv));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_server_stop(srv));
  h_set_pump(NULL, NULL);
  h_rec_free(ra);
  h_rec_free(rb);
  return h_done();
}
