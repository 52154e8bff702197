/*
 * devices — device enumeration and selection through the C ABI: bad kinds,
 * indices, IDs and struct sizes answer their codes and on_debug_error; an
 * unknown device is PARLEY_ERR_DEVICE_NOT_FOUND at once, never a hang. With
 * $PULSE_SERVER set (make test-c and test-asan start a private PulseAudio
 * with the null sink "parley_test"), the sink and its monitor are listed
 * and the speaker output opens and closes; without it, zero devices are
 * fine.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int listed(parley_engine *e, int32_t kind, const char *id, int *out_default) {
  uint32_t n = 0, i;
  CHECK_OK(parley_get_device_count(e, kind, &n));
  for (i = 0; i < n; i++) {
    parley_device_info info;
    memset(&info, 0xAB, sizeof info);
    info.struct_size = sizeof info;
    if (parley_get_device_info(e, kind, i, &info) != PARLEY_OK) continue; /* unplugged meanwhile */
    CHECKF(memchr(info.id, 0, sizeof info.id) != NULL && memchr(info.name, 0, sizeof info.name) != NULL,
           "kind %d device %u: id or name not NUL-terminated", kind, i);
    CHECKF(info.id[0] != 0, "kind %d device %u: empty id", kind, i);
    CHECKF(info.is_default == 0 || info.is_default == 1, "kind %d device %u: is_default %d", kind, i, info.is_default);
    CHECKF(info.is_default == 0 || i == 0, "kind %d: the default is at index %u, not 0", kind, i);
    h_phase("kind %d device %u: \"%s\" (%s)%s", kind, i, info.id, info.name, info.is_default ? " default" : "");
    if (id != NULL && strcmp(info.id, id) == 0) {
      if (out_default) *out_default = info.is_default;
      return 1;
    }
  }
  return 0;
}

int main(void) {
  parley_engine *e;
  h_recorder *r;
  parley_device_info info;
  uint32_t n = 0, cameras = 0;
  int64_t t0;
  int32_t kind;
  int16_t pcm[480];

  h_init("devices");
  r = h_rec_new("E", H_THREAD_ONE_NOT_MAIN);
  e = h_engine_new("ws://127.0.0.1:1", r, 0);

  h_phase("bad handles, kinds, pointers, indices and struct sizes");
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_get_device_count(NULL, PARLEY_DEVICE_KIND_CAMERA, &n));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_use_device(NULL, PARLEY_DEVICE_KIND_CAMERA, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_HANDLE, parley_set_audio_output(NULL, PARLEY_AUDIO_OUTPUT_PULL));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_count(e, 3, &n));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_count(e, -1, &n));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_count(e, PARLEY_DEVICE_KIND_SPEAKER, NULL));
  info.struct_size = sizeof info;
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_info(e, 7, 0, &info));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_info(e, PARLEY_DEVICE_KIND_CAMERA, 0, NULL));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_get_device_info(e, PARLEY_DEVICE_KIND_CAMERA, 100000, &info));
  info.struct_size = 4;
  CHECK_CODE(PARLEY_ERR_INVALID_STRUCT_SIZE, parley_get_device_info(e, PARLEY_DEVICE_KIND_CAMERA, 0, &info));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_use_device(e, 9, "x"));
  CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_set_audio_output(e, 2));
  CHECK(h_rec_wait_prefix(r, "debug_error PARLEY_ERR_INVALID_STRUCT_SIZE parley_get_device_info", 5000) >= 0);
  CHECK(h_rec_wait_prefix(r, "debug_error PARLEY_ERR_INVALID_ARGUMENT parley_set_audio_output", 5000) >= 0);

  h_phase("every kind enumerates; the default comes first");
  for (kind = PARLEY_DEVICE_KIND_CAMERA; kind <= PARLEY_DEVICE_KIND_SPEAKER; kind++) listed(e, kind, NULL, NULL);
  CHECK_OK(parley_get_device_count(e, PARLEY_DEVICE_KIND_CAMERA, &cameras));

  h_phase("unknown devices: DEVICE_NOT_FOUND at once, and on_debug_error");
  for (kind = PARLEY_DEVICE_KIND_CAMERA; kind <= PARLEY_DEVICE_KIND_SPEAKER; kind++) {
    t0 = h_now_ms();
    CHECK_CODE(PARLEY_ERR_DEVICE_NOT_FOUND, parley_use_device(e, kind, "no-such-device"));
    CHECKF(h_now_ms() - t0 < 4000, "kind %d: not-found took %lld ms", kind, (long long)(h_now_ms() - t0));
  }
  CHECK(h_rec_wait_prefix(r, "debug_error PARLEY_ERR_DEVICE_NOT_FOUND parley_use_device", 5000) >= 0);
  if (cameras == 0) {
    CHECK_CODE(PARLEY_ERR_DEVICE_NOT_FOUND, parley_set_video_source(e, PARLEY_VIDEO_SOURCE_CAMERA, PARLEY_PUBLISH_CHANNEL_MAIN));
    CHECK(h_rec_wait_prefix(r, "debug_error PARLEY_ERR_DEVICE_NOT_FOUND parley_set_video_source", 5000) >= 0);
  }

  h_phase("the output stays PULL until DEVICE is asked for");
  CHECK_OK(parley_fetch_audio_pcm(e, pcm, 480, 48000, 1));

  if (getenv("PULSE_SERVER") != NULL && getenv("PULSE_SERVER")[0] != 0) {
    int is_default = 0;
    h_phase("PulseAudio null sink: listed, selected, played to");
    CHECKF(listed(e, PARLEY_DEVICE_KIND_SPEAKER, "parley_test", &is_default), "the null sink is not listed");
    CHECKF(is_default == 1, "the null sink is not the default speaker");
    CHECKF(listed(e, PARLEY_DEVICE_KIND_MICROPHONE, "parley_test.monitor", NULL), "the monitor is not listed");
    CHECK_OK(parley_use_device(e, PARLEY_DEVICE_KIND_SPEAKER, "parley_test"));
    CHECK_OK(parley_use_device(e, PARLEY_DEVICE_KIND_MICROPHONE, NULL));
    CHECK_OK(parley_set_audio_source(e, PARLEY_AUDIO_SOURCE_MICROPHONE));
    CHECK_OK(parley_set_audio_output(e, PARLEY_AUDIO_OUTPUT_DEVICE));
    CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_fetch_audio_pcm(e, pcm, 480, 48000, 1));
    CHECK_OK(parley_set_audio_output(e, PARLEY_AUDIO_OUTPUT_DEVICE)); /* again: no change */
    CHECK_OK(parley_set_audio_output(e, PARLEY_AUDIO_OUTPUT_PULL));
    CHECK_OK(parley_fetch_audio_pcm(e, pcm, 480, 48000, 1));
    CHECK_OK(parley_set_audio_output(e, PARLEY_AUDIO_OUTPUT_DEVICE)); /* left open: destroy closes it */
  } else {
    h_phase("no $PULSE_SERVER: the audio device checks are skipped");
  }

  h_phase("destroy");
  h_rec_check_clean(r);
  h_destroy_engine(e);
  h_rec_free(r);
  return h_done();
}
