/*
 * media_controls — the second channel, mutes and media events through the C
 * ABI: A publishes a red MAIN stream and a blue AUX stream at once, B plays
 * both into their own views; muting A's MAIN video stops B's frames without
 * a break and tells B the camera is muted; a source paused for a second
 * gives exactly one VIDEO_BREAK_OCCUR and one VIDEO_BREAK_RESUME.
 */
#include "harness.h"

#define ROOM "room-mc"
#define W 160
#define H 120

int main(void) {
  char url[PARLEY_URL_CAPACITY];
  parley_server *srv;
  parley_engine *a, *b;
  h_recorder *ra, *rb;
  h_view *vmain, *vaux;
  h_pusher *pmain, *paux, *tone;
  h_view_sample s1, s2;

  h_init("media_controls");
  h_phase("server, engines, login");
  srv = h_server_start(url, sizeof url);
  ra = h_rec_new("A", H_THREAD_ONE_NOT_MAIN);
  rb = h_rec_new("B", H_THREAD_ONE_NOT_MAIN);
  a = h_engine_new(url, ra, 0);
  b = h_engine_new(url, rb, 0);
  h_login(a, ra, ROOM, "alice", 0);
  h_login(b, rb, ROOM, "bob", 1);

  h_phase("A publishes MAIN (red) and AUX (blue) at once");
  CHECK_OK(parley_set_video_source(a, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_set_video_source(a, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_AUX));
  CHECK_OK(parley_set_audio_source(a, PARLEY_AUDIO_SOURCE_CUSTOM));
  CHECK_OK(parley_start_publishing_stream(a, "a-main", PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_OK(parley_start_publishing_stream(a, "a-aux", PARLEY_PUBLISH_CHANNEL_AUX));
  pmain = h_video_pusher_start(a, PARLEY_PUBLISH_CHANNEL_MAIN, W, H, 30, 255, 0, 0);
  paux = h_video_pusher_start(a, PARLEY_PUBLISH_CHANNEL_AUX, W, H, 30, 0, 0, 255);
  tone = h_tone_pusher_start(a, 1000, 48000, 1, 8000);
  EXPECT_EVENT(ra, "publisher_state a-main PUBLISHING 0", 15000);
  EXPECT_EVENT(ra, "publisher_state a-aux PUBLISHING 0", 15000);

  h_phase("B plays both; each view shows its own colour");
  vmain = h_view_new(W, H, PARLEY_VIEW_MODE_SCALE_TO_FILL);
  vaux = h_view_new(W, H, PARLEY_VIEW_MODE_SCALE_TO_FILL);
  CHECK_OK(parley_start_playing_stream(b, "a-main", vmain->view));
  CHECK_OK(parley_start_playing_stream(b, "a-aux", vaux->view));
  h_view_wait_color(vmain, 255, 0, 0, 40, 10000);
  h_view_wait_color(vaux, 0, 0, 255, 40, 10000);

  h_phase("A mutes MAIN video: B is told, frames stop, no break");
  CHECK_OK(parley_mute_publish_stream_video(a, 1, PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(rb, "remote_camera a-main MUTE", 5000);
  h_sleep_ms(300);
  s1 = h_view_read(vmain);
  h_sleep_ms(900);
  s2 = h_view_read(vmain);
  CHECKF(s2.info.seq == s1.info.seq, "MAIN frames kept landing while muted (seq %llu -> %llu)",
         (unsigned long long)s1.info.seq, (unsigned long long)s2.info.seq);
  h_view_wait_seq(vaux, h_view_read(vaux).info.seq, 5000); /* AUX goes on */
  CHECK(h_rec_count_prefix(rb, "player_media_event a-main VIDEO_BREAK_OCCUR") == 0);
  CHECK_OK(parley_mute_publish_stream_video(a, 0, PARLEY_PUBLISH_CHANNEL_MAIN));
  EXPECT_EVENT(rb, "remote_camera a-main OPEN", 5000);
  h_view_wait_seq(vmain, s2.info.seq, 5000);
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_mute_publish_stream_video(a, 2, PARLEY_PUBLISH_CHANNEL_MAIN));
  CHECK_CODE(PARLEY_ERR_INVALID_CHANNEL, parley_enable_camera(a, 1, 5));
  CHECK_CODE(PARLEY_ERR_PLAY_STREAM_NOT_FOUND, parley_mute_play_stream_video(b, "not-played", 1));

  h_phase("the MAIN source pauses for a second: one break, one resume");
  h_pusher_stop(pmain);
  h_sleep_ms(1000);
  pmain = h_video_pusher_start(a, PARLEY_PUBLISH_CHANNEL_MAIN, W, H, 30, 0, 255, 0);
  EXPECT_EVENT(rb, "player_media_event a-main VIDEO_BREAK_OCCUR", 5000);
  EXPECT_EVENT(rb, "player_media_event a-main VIDEO_BREAK_RESUME", 5000);
  h_view_wait_color(vmain, 0, 255, 0, 40, 10000);
  h_sleep_ms(500);
  CHECK(h_rec_count_prefix(rb, "player_media_event a-main VIDEO_BREAK_OCCUR") == 1);
  CHECK(h_rec_count_prefix(rb, "player_media_event a-main VIDEO_BREAK_RESUME") == 1);
  EXPECT_ORDER(rb, "player_media_event a-main VIDEO_BREAK_OCCUR", "player_media_event a-main VIDEO_BREAK_RESUME");
  CHECK(h_rec_count_prefix(rb, "player_media_event a-aux") == 0);

  h_phase("the microphone mute reaches B");
  CHECK_OK(parley_mute_microphone(a, 1));
  EXPECT_EVENT(rb, "remote_mic a-main MUTE", 5000);
  CHECK_OK(parley_mute_microphone(a, 0));
  EXPECT_EVENT(rb, "remote_mic a-main OPEN", 5000);

  h_phase("stop and destroy");
  h_pusher_stop(pmain);
  h_pusher_stop(paux);
  h_pusher_stop(tone);
  h_rec_check_clean(ra);
  h_rec_check_clean(rb);
  h_destroy_engine(a);
  h_destroy_engine(b);
  h_view_free(vmain);
  h_view_free(vaux);
  CHECK_OK(parley_server_stop(srv));
  h_rec_free(ra);
  h_rec_free(rb);
  return h_done();
}
