/*
 * quality_resize — measured quality and a mid-call resolution change through
 * the C ABI: a 30 fps test pattern is reported as received at 25-35 fps with
 * a bitrate above zero; changing the encode size while publishing gives the
 * player exactly one size-changed event with the new size, and frames of
 * that size land in the view.
 */
#include "harness.h"

#define ROOM "room-qr"

int main(void) {
  char url[PARLEY_URL_CAPACITY];
  parley_server *srv;
  parley_engine *a, *b;
  h_recorder *ra, *rb;
  h_view *view;
  h_view_sample s;
  h_quality q;
  parley_video_config vc;
  int64_t deadline;
  double min_fps;

  h_init("quality_resize");
  h_phase("server, engines, login");
  srv = h_server_start(url, sizeof url);
  ra = h_rec_new("A", H_THREAD_ONE_NOT_MAIN);
  rb = h_rec_new("B", H_THREAD_ONE_NOT_MAIN);
  a = h_engine_new(url, ra, 0);
  b = h_engine_new(url, rb, 0);
  h_login(a, ra, ROOM, "alice", 0);
  h_login(b, rb, ROOM, "bob", 0);

  h_phase("A publishes the 320x180 test pattern at 30 fps; B plays it");
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.encode_width = 320;
  vc.encode_height = 180;
  vc.fps = 30;
  CHECK_OK(parley_set_video_config(a, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_video_source(a, PARLEY_VIDEO_SOURCE_TEST_PATTERN, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_start_publishing_stream(a, "pattern", PARLEY_PUBLISH_CHANNEL_MAIN));
  view = h_view_new(160, 90, PARLEY_VIEW_MODE_ASPECT_FIT);
  CHECK_OK(parley_start_playing_stream(b, "pattern", view->view));
  EXPECT_EVENT(rb, "video_size pattern 320 180", 10000);

  h_phase("the player's quality reports the real frame rate");
  deadline = h_now_ms() + h_scaled_ms(10000);
  do {
    h_sleep_ms(200);
    q = h_rec_quality(rb);
  } while (q.play_updates == 0 && h_now_ms() < deadline);
  CHECKF(q.play_updates > 0, "no on_player_quality_update within 10 s");
  /* Under valgrind (a stretched time scale) no encoder keeps real time:
   * there the rate need only be measured, not 30 fps. */
  min_fps = h_scaled_ms(1000) > 1000 ? 1 : 25;
  CHECKF(q.play_max_recv_fps >= min_fps && q.play_max_recv_fps <= 35, "receive fps %.1f, want %.0f-35",
         q.play_max_recv_fps, min_fps);
  CHECKF(q.play_max_video_kbps > 0, "video kbps %.1f", q.play_max_video_kbps);
  CHECKF(q.play_last_width == 320 && q.play_last_height == 180, "quality size %dx%d", q.play_last_width,
         q.play_last_height);

  h_phase("network quality: B's own line and one for alice, whose stream it plays");
  EXPECT_EVENT(rb, "network_quality  5 0", 10000); /* no publisher: upstream UNKNOWN; loopback: EXCELLENT down */
  CHECK(h_rec_find_prefix(rb, "network_quality alice 0 5", 0) >= 0);
  EXPECT_EVENT(ra, "network_quality  0 5", 10000); /* A only publishes */

  h_phase("A switches to 640x360 mid-call");
  vc.encode_width = 640;
  vc.encode_height = 360;
  CHECK_OK(parley_set_video_config(a, &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(rb, "video_size pattern 640 360", 10000);
  h_sleep_ms(300);
  s = h_view_wait_seq(view, h_view_read(view).info.seq, 5000);
  CHECKF(s.info.source_width == 640 && s.info.source_height == 360, "frames are %ux%u, want 640x360",
         s.info.source_width, s.info.source_height);
  CHECK(s.min_alpha == 255 && s.padding_intact && s.guard_intact);
  CHECK(h_rec_count_prefix(rb, "video_size pattern") == 2);

  h_phase("destroy");
  h_rec_check_clean(ra);
  h_rec_check_clean(rb);
  h_destroy_engine(a);
  h_destroy_engine(b);
  h_view_free(view);
  CHECK_OK(parley_server_stop(srv));
  h_rec_free(ra);
  h_rec_free(rb);
  return h_done();
}
