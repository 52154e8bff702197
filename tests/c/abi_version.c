/*
 * abi_version — the library is the one this header describes: ABI version,
 * version string, and every code of PARLEY_ERROR_LIST named and described by
 * the library exactly as in the header; no code the library knows is missing
 * from the header. Also pins the fixed values of the contract.
 */
#include "harness.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>

typedef struct code_entry {
  const char *name;
  int32_t value;
  const char *message;
} code_entry;

#define H_CODE_ENTRY(name, value, message) {#name, value, message},
static const code_entry codes[] = {PARLEY_ERROR_LIST(H_CODE_ENTRY)};
#define N_CODES (sizeof codes / sizeof codes[0])

static const code_entry *lookup(int32_t value) {
  size_t i;
  for (i = 0; i < N_CODES; i++)
    if (codes[i].value == value) return &codes[i];
  return NULL;
}

static int in_ranges(int32_t v) {
  return v == 0 || (v >= 1000000 && v <= 1000999) || (v >= 1002000 && v <= 1006999);
}

static void *hammer(void *arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  int i;
  for (i = 0; i < 20000; i++) {
    int32_t c;
    seed = seed * 1103515245u + 12345u;
    c = (i & 1) ? codes[seed % N_CODES].value : (int32_t)seed;
    if (parley_error_name(c) == NULL || parley_error_message(c) == NULL) return (void *)1;
  }
  return NULL;
}

int main(void) {
  const char *v;
  size_t i, j;
  int32_t c;
  pthread_t th[4];

  h_init("abi_version");

  h_phase("ABI and library versions");
  CHECKF(parley_get_abi_version() == PARLEY_ABI_VERSION, "library ABI %u, header ABI %u",
         (unsigned)parley_get_abi_version(), (unsigned)PARLEY_ABI_VERSION);
  v = parley_get_version();
  CHECK(v != NULL && v[0] != '\0' && strlen(v) < 64);
  for (i = 0; v[i] != '\0'; i++) CHECKF(isprint((unsigned char)v[i]), "version \"%s\" has a non-printable byte", v);
  CHECK(strcmp(parley_get_version(), v) == 0);

  h_phase("PARLEY_ERROR_LIST: %u codes, names, values, messages", (unsigned)N_CODES);
  CHECK(N_CODES > 20);
  for (i = 0; i < N_CODES; i++) {
    const char *name = parley_error_name(codes[i].value);
    const char *msg = parley_error_message(codes[i].value);
    CHECKF(in_ranges(codes[i].value), "%s = %ld is outside the documented ranges", codes[i].name,
           (long)codes[i].value);
    if (codes[i].value == 0)
      CHECK(strcmp(codes[i].name, "PARLEY_OK") == 0);
    else
      CHECKF(strncmp(codes[i].name, "PARLEY_ERR_", 11) == 0, "%s does not start with PARLEY_ERR_", codes[i].name);
    CHECKF(name != NULL && strcmp(name, codes[i].name) == 0, "parley_error_name(%ld) = \"%s\", header says \"%s\"",
           (long)codes[i].value, name ? name : "(null)", codes[i].name);
    CHECKF(msg != NULL && strcmp(msg, codes[i].message) == 0,
           "parley_error_message(%s) = \"%s\", header says \"%s\"", codes[i].name, msg ? msg : "(null)",
           codes[i].message);
    CHECKF(codes[i].message[0] != '\0' && strchr(codes[i].message, '\n') == NULL, "%s: message must be one line",
           codes[i].name);
    for (j = i + 1; j < N_CODES; j++) {
      CHECKF(codes[i].value != codes[j].value, "%s and %s share the value %ld", codes[i].name, codes[j].name,
             (long)codes[i].value);
      CHECKF(strcmp(codes[i].name, codes[j].name) != 0, "%s is listed twice", codes[i].name);
    }
    if (i > 0) CHECKF(codes[i - 1].value < codes[i].value, "%s is out of ascending order", codes[i].name);
  }

  h_phase("codes whose values the contract fixes");
  CHECK(PARLEY_OK == 0);
  CHECK(PARLEY_ERR_ROOM_AUTH_FAILED == 1002033);
  CHECK(PARLEY_ERR_ROOM_KICKED_OUT == 1002050);
  CHECK(PARLEY_ERR_ROOM_TOKEN_EXPIRED == 1002078);
  CHECK(PARLEY_ERR_PUBLISH_STREAM_ID_IN_USE == 1003028);
  {
    /* Codes every version must have (they must also compile). */
    static const int32_t required[] = {
        PARLEY_ERR_ENGINE_NOT_CREATED, PARLEY_ERR_INVALID_ARGUMENT,    PARLEY_ERR_INVALID_HANDLE,
        PARLEY_ERR_INVALID_STRUCT_SIZE, PARLEY_ERR_INVALID_APP_SIGN,   PARLEY_ERR_INVALID_ROOM_ID,
        PARLEY_ERR_INVALID_USER_ID,    PARLEY_ERR_INVALID_STREAM_ID,   PARLEY_ERR_NOT_LOGGED_IN,
        PARLEY_ERR_INTERNAL,           PARLEY_ERR_BUFFER_TOO_SMALL,    PARLEY_ERR_ROOM_TOKEN_INVALID,
        PARLEY_ERR_ROOM_NETWORK,       PARLEY_ERR_ROOM_USER_LIMIT,     PARLEY_ERR_PUBLISH_NO_PRIVILEGE,
        PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING, PARLEY_ERR_PUBLISH_NETWORK, PARLEY_ERR_PLAY_STREAM_NOT_FOUND,
        PARLEY_ERR_PLAY_NETWORK,       PARLEY_ERR_PLAY_NO_PRIVILEGE,   PARLEY_ERR_DEVICE_NOT_FOUND,
        PARLEY_ERR_CODEC_UNSUPPORTED,  PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED, PARLEY_ERR_SERVER_LISTEN_FAILED,
        PARLEY_ERR_SERVER_CONFIG_INVALID};
    for (i = 0; i < sizeof required / sizeof required[0]; i++)
      CHECKF(lookup(required[i]) != NULL, "required code %ld missing from the list", (long)required[i]);
  }

  h_phase("every code the library names is in the header's list");
  for (c = 0; c <= 1006999; c++) {
    const char *name;
    if (c == 1000) c = 1000000; /* 0..999, then the error ranges */
    name = parley_error_name(c);
    if (name == NULL) h_fail(__FILE__, __LINE__, "parley_error_name(%ld) is NULL", (long)c);
    if (strcmp(name, "PARLEY_ERR_UNKNOWN") != 0) {
      const code_entry *e = lookup(c);
      CHECKF(e != NULL, "the library names code %ld \"%s\", which PARLEY_ERROR_LIST lacks", (long)c, name);
    } else if (strcmp(parley_error_message(c), "unknown error code") != 0) {
      h_fail(__FILE__, __LINE__, "parley_error_message(%ld) = \"%s\" for an unknown code", (long)c,
             parley_error_message(c));
    }
  }

  h_phase("names and messages from four threads at once");
  for (i = 0; i < 4; i++) CHECK(pthread_create(&th[i], NULL, hammer, (void *)(uintptr_t)(i + 1)) == 0);
  for (i = 0; i < 4; i++) {
    void *ret = NULL;
    pthread_join(th[i], &ret);
    CHECKF(ret == NULL, "parley_error_name or _message returned NULL under concurrency");
  }

  h_phase("fixed enum values and constants of the contract");
  CHECK(PARLEY_ABI_VERSION == 1);
  CHECK(PARLEY_ENGINE_FLAG_POLL_EVENTS == 1);
  CHECK(PARLEY_DEV_APP_ID == 1);
  CHECK(strcmp(PARLEY_DEV_APP_SIGN, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") == 0);
  CHECK(PARLEY_SCENARIO_DEFAULT == 3 && PARLEY_SCENARIO_STANDARD_VIDEO_CALL == 4 &&
        PARLEY_SCENARIO_HIGH_QUALITY_VIDEO_CALL == 5 && PARLEY_SCENARIO_STANDARD_CHATROOM == 6 &&
        PARLEY_SCENARIO_HIGH_QUALITY_CHATROOM == 7 && PARLEY_SCENARIO_BROADCAST == 8 &&
        PARLEY_SCENARIO_KARAOKE == 9 && PARLEY_SCENARIO_STANDARD_VOICE_CALL == 10);
  CHECK(PARLEY_ROOM_STATE_REASON_LOGINING == 0 && PARLEY_ROOM_STATE_REASON_LOGINED == 1 &&
        PARLEY_ROOM_STATE_REASON_LOGIN_FAILED == 2 && PARLEY_ROOM_STATE_REASON_RECONNECTING == 3 &&
        PARLEY_ROOM_STATE_REASON_RECONNECTED == 4 && PARLEY_ROOM_STATE_REASON_RECONNECT_FAILED == 5 &&
        PARLEY_ROOM_STATE_REASON_KICK_OUT == 6 && PARLEY_ROOM_STATE_REASON_LOGOUT == 7 &&
        PARLEY_ROOM_STATE_REASON_LOGOUT_FAILED == 8);
  CHECK(PARLEY_UPDATE_TYPE_ADD == 0 && PARLEY_UPDATE_TYPE_DELETE == 1);
  CHECK(PARLEY_PUBLISHER_STATE_NO_PUBLISH == 0 && PARLEY_PUBLISHER_STATE_PUBLISH_REQUESTING == 1 &&
        PARLEY_PUBLISHER_STATE_PUBLISHING == 2);
  CHECK(PARLEY_PLAYER_STATE_NO_PLAY == 0 && PARLEY_PLAYER_STATE_PLAY_REQUESTING == 1 &&
        PARLEY_PLAYER_STATE_PLAYING == 2);
  CHECK(PARLEY_PLAYER_MEDIA_EVENT_AUDIO_BREAK_OCCUR == 0 && PARLEY_PLAYER_MEDIA_EVENT_AUDIO_BREAK_RESUME == 1 &&
        PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_OCCUR == 2 && PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_RESUME == 3);
  CHECK(PARLEY_VIEW_MODE_ASPECT_FIT == 0 && PARLEY_VIEW_MODE_ASPECT_FILL == 1 && PARLEY_VIEW_MODE_SCALE_TO_FILL == 2);
  CHECK(PARLEY_VIDEO_MIRROR_MODE_ONLY_PREVIEW == 0 && PARLEY_VIDEO_MIRROR_MODE_BOTH == 1 &&
        PARLEY_VIDEO_MIRROR_MODE_NONE == 2 && PARLEY_VIDEO_MIRROR_MODE_ONLY_PUBLISH == 3);
  CHECK(PARLEY_PUBLISH_CHANNEL_MAIN == 0 && PARLEY_PUBLISH_CHANNEL_AUX == 1);
  CHECK(PARLEY_VIDEO_SOURCE_CAMERA == 0 && PARLEY_VIDEO_SOURCE_TEST_PATTERN == 1 && PARLEY_VIDEO_SOURCE_CUSTOM == 2);
  CHECK(PARLEY_AUDIO_SOURCE_MICROPHONE == 0 && PARLEY_AUDIO_SOURCE_TEST_TONE == 1 && PARLEY_AUDIO_SOURCE_CUSTOM == 2);
  CHECK(PARLEY_VIDEO_CODEC_VP8 == 0 && PARLEY_VIDEO_CODEC_H264 == 1);
  CHECK(PARLEY_QUALITY_LEVEL_EXCELLENT == 0 && PARLEY_QUALITY_LEVEL_GOOD == 1 && PARLEY_QUALITY_LEVEL_MEDIUM == 2 &&
        PARLEY_QUALITY_LEVEL_BAD == 3 && PARLEY_QUALITY_LEVEL_DIE == 4 && PARLEY_QUALITY_LEVEL_UNKNOWN == 5);
  CHECK(PARLEY_LOG_LEVEL_DEBUG == 0 && PARLEY_LOG_LEVEL_ERROR == 3);

  h_phase("every extensible struct starts with uint32_t struct_size");
  CHECK(offsetof(parley_engine_profile, struct_size) == 0);
  CHECK(offsetof(parley_event_handler, struct_size) == 0);
  CHECK(offsetof(parley_publish_quality, struct_size) == 0);
  CHECK(offsetof(parley_play_quality, struct_size) == 0);
  CHECK(offsetof(parley_room_config, struct_size) == 0);
  CHECK(offsetof(parley_video_config, struct_size) == 0);
  CHECK(offsetof(parley_view_desc, struct_size) == 0);
  CHECK(offsetof(parley_frame_info, struct_size) == 0);
  CHECK(sizeof(((parley_frame_info *)0)->struct_size) == 4);

  h_phase("parley_user and parley_stream are the contract's plain value pairs");
  {
    parley_user u = {"alice", "Alice"}; /* positional, exactly as C_ABI.md writes it */
    parley_stream s = {{"alice", "Alice"}, "alice-cam", ""};
    CHECK(offsetof(parley_user, user_id) == 0);
    CHECK(strcmp(u.user_id, "alice") == 0 && strcmp(s.stream_id, "alice-cam") == 0);
    CHECK(strcmp(s.user.user_name, "Alice") == 0);
  }

  return h_done();
}
