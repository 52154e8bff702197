/*
 * contract_call — the call of the foundation issue written the way a C
 * programmer would write it from ../shared/design/C_ABI.md alone: only the
 * names and struct layouts the contract prints, positional initialisers, no
 * test harness. Engine A sends red frames and a 1 kHz tone; engine B plays
 * them into a view; the program checks the colour and the tone and exits 0.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley.h"

#define PI 3.14159265358979323846
#define W 320
#define H 240

static volatile int running = 1;
static volatile int b_playing = 0;

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void on_debug_error(void *ud, int32_t code, const char *fn, const char *info) {
  fprintf(stderr, "%s: debug error %s in %s: %s\n", (const char *)ud, parley_error_name(code), fn, info);
}

static void on_player_state_update(void *ud, const char *stream_id, int32_t state, int32_t code, const char *ext) {
  (void)ud, (void)ext;
  printf("B: player %s state %d code %d\n", stream_id, (int)state, (int)code);
  if (state == PARLEY_PLAYER_STATE_PLAYING) b_playing = 1;
}

static void *sender(void *arg) {
  parley_engine *a = arg;
  static uint8_t frame[W * H * 4];
  int16_t pcm[480];
  double phase = 0;
  int i, n;
  for (i = 0; i < W * H; i++) {
    frame[4 * i] = 255, frame[4 * i + 1] = 0, frame[4 * i + 2] = 0, frame[4 * i + 3] = 255;
  }
  for (n = 0; running; n++) {
    for (i = 0; i < 480; i++) {
      pcm[i] = (int16_t)(8000 * sin(phase));
      phase += 2 * PI * 1000 / 48000;
    }
    parley_send_custom_audio_pcm(a, pcm, 480, 48000, 1);
    if (n % 3 == 0) parley_send_custom_video_frame(a, frame, W, H, W * 4, 0, PARLEY_PUBLISH_CHANNEL_MAIN);
    sleep_ms(10);
  }
  return NULL;
}

static double tone_ratio(const int16_t *x, int n) {
  double k = 2 * cos(2 * PI * 1000 / 48000), s1 = 0, s2 = 0, total = 0, power;
  int i;
  for (i = 0; i < n; i++) {
    double s = x[i] + k * s1 - s2;
    s2 = s1, s1 = s;
    total += (double)x[i] * x[i];
  }
  power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return total > 0 ? 2 * power / (n * total) : 0;
}

int main(void) {
  char url[256];
  parley_server *server;
  parley_engine *a, *b;
  parley_view *view;
  pthread_t thread;
  static uint8_t pixels[W * H * 4];
  static int16_t heard[48000];
  int got = 0, red = 0, i;
  double ratio;

  if (parley_server_start(NULL, &server, url, sizeof url) != PARLEY_OK) return 1;
  {
    parley_engine_profile pa = {sizeof(parley_engine_profile), PARLEY_DEV_APP_ID, PARLEY_DEV_APP_SIGN,
                                PARLEY_SCENARIO_STANDARD_VIDEO_CALL, url, 0};
    parley_event_handler ha, hb;
    memset(&ha, 0, sizeof ha), memset(&hb, 0, sizeof hb);
    ha.struct_size = hb.struct_size = sizeof(parley_event_handler);
    ha.user_data = "A", hb.user_data = "B";
    ha.on_debug_error = hb.on_debug_error = on_debug_error;
    hb.on_player_state_update = on_player_state_update;
    if (parley_engine_create(&pa, &ha, &a) != PARLEY_OK || parley_engine_create(&pa, &hb, &b) != PARLEY_OK) return 1;
  }
  {
    parley_user alice = {"alice", "Alice"}, bob = {"bob", "Bob"};
    parley_room_config rc = {sizeof(parley_room_config), 0, 1, NULL};
    if (parley_login_room(a, "room-1", &alice, &rc) != PARLEY_OK || parley_login_room(b, "room-1", &bob, &rc) != PARLEY_OK)
      return 1;
  }
  parley_set_video_source(a, PARLEY_VIDEO_SOURCE_CUSTOM, PARLEY_PUBLISH_CHANNEL_MAIN);
  parley_set_audio_source(a, PARLEY_AUDIO_SOURCE_CUSTOM);
  for (i = 0; i < 100 && parley_start_publishing_stream(a, "stream-a", PARLEY_PUBLISH_CHANNEL_MAIN) != PARLEY_OK; i++)
    sleep_ms(50); /* NOT_LOGGED_IN until LOGINED */
  pthread_create(&thread, NULL, sender, a);
  {
    parley_view_desc d = {sizeof(parley_view_desc), pixels, W, H, W * 4, PARLEY_VIEW_MODE_ASPECT_FIT, 0};
    if (parley_view_create(&d, &view) != PARLEY_OK) return 1;
  }
  for (i = 0; i < 100 && parley_start_playing_stream(b, "stream-a", view) != PARLEY_OK; i++) sleep_ms(50);

  for (i = 0; i < 500 && !red; i++) { /* up to 10 s for a red centre pixel */
    parley_frame_info info = {sizeof(parley_frame_info), 0, 0, 0, 0, 0};
    if (parley_view_acquire(view, &info) == PARLEY_OK) {
      const uint8_t *p = pixels + (H / 2 * W + W / 2) * 4;
      red = info.seq > 0 && p[0] > 200 && p[1] < 60 && p[2] < 60 && p[3] == 255;
      parley_view_release(view);
    }
    sleep_ms(20);
  }
  while (got < 48000) { /* one second of the mix, 10 ms at a time */
    parley_fetch_audio_pcm(b, heard + got, 480, 48000, 1);
    got += 480;
    sleep_ms(10);
  }
  ratio = tone_ratio(heard + 24000, 24000);
  printf("playing %d, red centre %d, 1 kHz share of the mix %.2f\n", b_playing, red, ratio);

  running = 0;
  pthread_join(thread, NULL);
  parley_engine_destroy(a, NULL, NULL);
  parley_engine_destroy(b, NULL, NULL);
  parley_view_destroy(view);
  parley_server_stop(server);
  if (!b_playing || !red || ratio < 0.5) {
    printf("contract_call: FAILED\n");
    return 1;
  }
  printf("contract_call: 3 checks passed\n");
  return 0;
}
