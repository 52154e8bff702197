/*
 * four_engines — four engines in one room, each publishing the built-in test
 * pattern and test tone and playing the other three into views: twelve
 * players at once in one process. Every view must keep getting frames with
 * visible (non-black, opaque) pixels; then everything is destroyed.
 */
#include "harness.h"

#define N 4
#define VW 160
#define VH 120
#define ROOM "room-4"

int main(void) {
  char url[PARLEY_URL_CAPACITY];
  char name[N][32], stream[N][32], user[N][32], line[128], line2[128];
  parley_server *srv;
  h_recorder *r[N];
  parley_engine *e[N];
  h_view *view[N][N]; /* view[i][j]: engine i plays stream j */
  uint64_t seq[N][N];
  parley_video_config vc;
  h_audio_stats as;
  int i, j;

  h_init("four_engines");
  h_phase("start the server; four engines log in");
  srv = h_server_start(url, sizeof url);
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = vc.encode_width = 320;
  vc.capture_height = vc.encode_height = 240;
  vc.fps = 15;
  vc.bitrate_kbps = 300;
  vc.codec = PARLEY_VIDEO_CODEC_VP8;
  for (i = 0; i < N; i++) {
    snprintf(name[i], sizeof name[i], "E%d", i);
    snprintf(stream[i], sizeof stream[i], "stream-%d", i);
    snprintf(user[i], sizeof user[i], "user-%d", i);
    r[i] = h_rec_new(name[i], H_THREAD_ONE_NOT_MAIN);
    e[i] = h_engine_new(url, r[i], 0);
    h_login(e[i], r[i], ROOM, user[i], 1);
  }

  h_phase("each engine plays the other three (before they publish) into 160x120 views");
  for (i = 0; i < N; i++) {
    for (j = 0; j < N; j++) {
      view[i][j] = NULL;
      seq[i][j] = 0;
      if (i == j) continue;
      view[i][j] = h_view_new(VW, VH, PARLEY_VIEW_MODE_SCALE_TO_FILL);
      CHECK_OK(parley_start_playing_stream(e[i], stream[j], view[i][j]->view));
    }
  }

  h_phase("each engine publishes the test pattern and the test tone");
  for (i = 0; i < N; i++) {
    CHECK_OK(parley_set_video_config(e[i], &vc, PARLEY_PUBLISH_CHANNEL_MAIN));
    CHECK_OK(parley_set_video_source(e[i], PARLEY_VIDEO_SOURCE_TEST_PATTERN, PARLEY_PUBLISH_CHANNEL_MAIN));
    CHECK_OK(parley_set_audio_source(e[i], PARLEY_AUDIO_SOURCE_TEST_TONE));
    CHECK_OK(parley_start_publishing_stream(e[i], stream[i], PARLEY_PUBLISH_CHANNEL_MAIN));
  }
  for (i = 0; i < N; i++) {
    snprintf(line, sizeof line, "publisher_state %s PUBLISHING 0", stream[i]);
    EXPECT_EVENT(r[i], line, 20000);
  }

  h_phase("everyone sees everyone: users, streams, players");
  for (i = 0; i < N; i++) {
    for (j = 0; j < N; j++) {
      if (i == j) continue;
      snprintf(line, sizeof line, "user_update %s ADD %s", ROOM, user[j]);
      EXPECT_EVENT(r[i], line, 15000);
      snprintf(line, sizeof line, "stream_update %s ADD %s %s", ROOM, stream[j], user[j]);
      EXPECT_EVENT(r[i], line, 15000);
      snprintf(line, sizeof line, "player_state %s PLAYING 0", stream[j]);
      snprintf(line2, sizeof line2, "player_state %s PLAY_REQUESTING 0", stream[j]);
      EXPECT_EVENT(r[i], line, 20000);
      EXPECT_ORDER(r[i], line2, line);
    }
  }

  h_phase("all twelve views get frames with visible pixels");
  for (i = 0; i < N; i++) {
    for (j = 0; j < N; j++) {
      h_view_sample s;
      if (i == j) continue;
      s = h_view_wait_seq(view[i][j], 0, 20000);
      seq[i][j] = s.info.seq;
    }
  }
  for (i = 0; i < N; i++) {
    for (j = 0; j < N; j++) {
      h_view_sample s;
      if (i == j) continue;
      s = h_view_wait_seq(view[i][j], seq[i][j] + 3, 15000);
      CHECKF(s.min_alpha == 255, "view %d<-%d: a pixel has alpha %u, want 255 everywhere", i, j, s.min_alpha);
      CHECKF(s.nonblack_fraction > 0.01, "view %d<-%d: only %.2f%% of the pixels are not black", i, j,
             100.0 * s.nonblack_fraction);
      CHECKF(s.padding_intact && s.guard_intact, "view %d<-%d: written outside its rows", i, j);
    }
  }

  h_phase("E0 hears the others' test tones in the mix");
  as = h_fetch_audio(e[0], 48000, 1000.0, 8000, 0, 20);
  CHECKF(as.loud_chunks >= 20, "E0 pulled %u chunks of 10 ms, only %u with sound (max rms %.0f)", as.chunks,
         as.loud_chunks, as.max_rms);

  h_phase("destroy all four engines, then the views and the server");
  for (i = 0; i < N; i++) {
    CHECKF(h_rec_count_prefix(r[i], "debug_error PARLEY_ERR_INTERNAL") == 0, "E%d: a recovered panic", i);
    h_rec_check_clean(r[i]);
    h_destroy_engine(e[i]);
  }
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      if (view[i][j] != NULL) h_view_free(view[i][j]);
  CHECK_OK(parley_server_stop(srv));
  for (i = 0; i < N; i++) h_rec_free(r[i]);
  return h_done();
}
