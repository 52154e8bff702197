/*
 * parley.h — the public C interface of Parley, ABI version 1.
 *
 * Parley is an open, self-hostable real-time audio/video SDK for game
 * engines. This header is the whole of its C ABI: everything a game engine,
 * a language binding or a test sees of Parley goes through it. It is written
 * by hand (it is not the header cgo generates), is plain C99 and uses only
 * fixed-width types, so that every language with a C FFI can bind to it.
 *
 * A call in five steps:
 *
 *     parley_engine_create(&profile, &handler, &engine);
 *     parley_login_room(engine, "room-1", &user, NULL);        -> on_room_state_changed(LOGINED)
 *     parley_start_publishing_stream(engine, "stream-1", PARLEY_PUBLISH_CHANNEL_MAIN);
 *     parley_start_playing_stream(engine, "stream-2", view);  -> frames land in the view's pixels
 *     parley_engine_destroy(engine, NULL, NULL);
 *
 * ## Process rules
 *
 * - Load the library once and never unload it. The library is built with
 *   Go's -buildmode=c-shared, and Go does not support dlclose() of such a
 *   library (it is linked with -z nodelete; dlclose() does nothing).
 * - One Go runtime per process: do not load two different Go c-shared
 *   libraries into one process, and do not load two copies of this one.
 * - Signal handlers the host installs must use SA_ONSTACK (and should chain
 *   to the previous handler): Go runs signal handlers on alternate signal
 *   stacks, and a handler without SA_ONSTACK can crash a Go thread. Go
 *   installs its own handlers for SIGSEGV, SIGBUS and SIGFPE and forwards the
 *   ones that do not concern Go code to the handler that was there before it.
 *
 * ## Conventions
 *
 * - Functions that can fail return int32_t: PARLEY_OK (0) or one of the
 *   PARLEY_ERR_ codes of PARLEY_ERROR_LIST. No function crashes, panics
 *   across the boundary or aborts on bad input: NULL pointers, a wrong
 *   struct_size, destroyed or foreign handles and calls in the wrong order all
 *   return a code. If a function returns an error, nothing happened: the
 *   only event about that call is on_debug_error with the same code and the
 *   function's name (for calls on a live engine handle; the seed's SDK family
 *   reports API misuse the same way), and no state callback follows.
 * - Arguments are checked in this order, and the first failing check decides
 *   the code: the handle (PARLEY_ERR_INVALID_HANDLE), required pointers
 *   (PARLEY_ERR_INVALID_ARGUMENT), struct_size (PARLEY_ERR_INVALID_STRUCT_SIZE),
 *   identifiers and strings (PARLEY_ERR_INVALID_ROOM_ID, ...), numeric and enum
 *   ranges (PARLEY_ERR_INVALID_ARGUMENT, PARLEY_ERR_INVALID_CHANNEL), and last
 *   the state of the engine (PARLEY_ERR_NOT_LOGGED_IN, ...).
 * - A function that creates something writes the new handle through its
 *   out-parameter, and on any error writes NULL there (when the out-pointer
 *   itself is not NULL), so a failed create never leaves a stale value.
 * - Handles (parley_engine, parley_view, parley_server) are opaque: the
 *   pointer value is a key into the library's own table, never the address
 *   of anything, and a key is never reused within a process. A NULL,
 *   destroyed or foreign handle, or a handle of the wrong kind, is answered
 *   with PARLEY_ERR_INVALID_HANDLE.
 * - Every struct the caller fills or receives starts with uint32_t
 *   struct_size. The caller sets it to sizeof the struct as this header
 *   declares it, for example
 *       parley_user user = { .struct_size = sizeof user, .user_id = "u1" };
 *   The library reads and writes only the fields that fit in struct_size, so
 *   a host compiled against an older header keeps working with a newer
 *   library and the other way round. A struct_size smaller than the struct as
 *   declared in ABI version 1 is PARLEY_ERR_INVALID_STRUCT_SIZE; a larger one
 *   is fine. New fields are only ever appended.
 * - Structs the library hands to callbacks carry the library's own
 *   struct_size: read a field only if it lies within struct_size. Elements of
 *   arrays handed to callbacks (parley_user, parley_stream) keep the layout of
 *   ABI version 1 forever, so users[i] indexing is always right.
 * - Enums travel as int32_t. Their numeric values are fixed forever; the enum
 *   types below exist to name the constants and are never used as the type
 *   of a field or parameter.
 * - Strings are UTF-8 and NUL-terminated. A NULL where a string is required
 *   (an ID) is PARLEY_ERR_INVALID_ARGUMENT like any required pointer; a
 *   string documented as optional may be NULL and then counts as empty (a
 *   user name, an app sign) or as the default (a server URL). The library
 *   copies every string, struct and buffer it is given before the call
 *   returns. Strings, structs and arrays handed to a callback are valid only
 *   during that callback.
 * - Room, user and stream IDs use the URL-unreserved alphabet of RFC 3986:
 *   ASCII letters, digits and - _ . ~ . Room IDs are 1-128 bytes, user IDs
 *   1-64 bytes, stream IDs 1-256 bytes, user names 0-256 bytes of UTF-8.
 *   Anything else is refused with the matching PARLEY_ERR_INVALID_* code
 *   before anything is sent.
 * - All functions are thread-safe unless their documentation says otherwise,
 *   and calling any function from inside a callback is allowed and never
 *   deadlocks.
 *
 * ## Events
 *
 * Everything that happens after a call returns is reported through the
 * callbacks of a parley_event_handler:
 * - Delivery order is the order things happened, per engine, and one callback
 *   of an engine never overlaps another callback of the same engine.
 * - By default callbacks run on one event thread owned by the engine (the
 *   same OS thread for the life of the engine; never a thread of the host).
 * - With PARLEY_ENGINE_FLAG_POLL_EVENTS, events wait in a bounded queue until
 *   the host calls parley_engine_poll_events, and run on the thread that
 *   calls it (the game's main thread, as Cocos and Unity need). When the queue
 *   is full the oldest quality updates are dropped first; state changes never.
 * - A callback pointer left NULL drops that event.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include <stdint.h>

/**
 * The ABI version this header describes. parley_get_abi_version() returns the
 * version of the loaded library; a host should refuse to run when the two
 * differ in a way it does not know how to handle.
 */
#define PARLEY_ABI_VERSION 1

/*
 * PARLEY_API marks the functions the library exports; PARLEY_CALL is their
 * calling convention (the platform's C default).
 */
#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(PARLEY_BUILDING_LIBRARY)
#    define PARLEY_API __declspec(dllexport)
#  else
#    define PARLEY_API __declspec(dllimport)
#  endif
#  define PARLEY_CALL __cdecl
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PARLEY_API __attribute__((visibility("default")))
#  define PARLEY_CALL
#else
#  define PARLEY_API
#  define PARLEY_CALL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Error codes                                                              */
/* ------------------------------------------------------------------------ */

/**
 * Every error code, as X(name, value, message).
 *
 * The list generates the parley_error enum below, and the library's
 * parley_error_name() and parley_error_message() return the same names and
 * messages, so the three cannot drift apart. Ranges: 0 success;
 * 1000000-1000999 engine and arguments; 1002000-1002999 room;
 * 1003000-1003999 publishing; 1004000-1004999 playing; 1005000-1005999
 * devices and media; 1006000-1006999 embedded server. Where ZEGO Express has
 * a code for the same condition the value is the same (1002033, 1002050,
 * 1002078, 1003028, ...). Values are never renumbered or reused: a retired
 * code stays in the list with its number. docs/errors.md says when each code
 * happens and what to do about it.
 *
 * Use it like libuv's UV_ERRNO_MAP:
 *
 *     #define CASE(name, value, message) case name: return #name;
 *     switch (code) { PARLEY_ERROR_LIST(CASE) }
 */
#define PARLEY_ERROR_LIST(X) \
  X(PARLEY_OK,                                   0, "success")                                                     \
  /* 1000000-1000999: engine, arguments */                                                                         \
  X(PARLEY_ERR_ENGINE_NOT_CREATED,         1000001, "the engine has not been created")                             \
  X(PARLEY_ERR_INVALID_ARGUMENT,           1000002, "an argument is NULL, out of range or malformed")              \
  X(PARLEY_ERR_INVALID_HANDLE,             1000003, "the handle is NULL, destroyed or not one of this library's")  \
  X(PARLEY_ERR_INVALID_STRUCT_SIZE,        1000004, "struct_size is smaller than the first version of the struct") \
  X(PARLEY_ERR_INVALID_APP_SIGN,           1000005, "the app sign must be 64 hex digits")                          \
  X(PARLEY_ERR_INVALID_ROOM_ID,            1000006, "room IDs are 1-128 bytes of A-Z a-z 0-9 - _ . ~")             \
  X(PARLEY_ERR_INVALID_USER_ID,            1000007, "user IDs are 1-64 bytes of A-Z a-z 0-9 - _ . ~")              \
  X(PARLEY_ERR_INVALID_STREAM_ID,          1000008, "stream IDs are 1-256 bytes of A-Z a-z 0-9 - _ . ~")           \
  X(PARLEY_ERR_NOT_LOGGED_IN,              1000009, "log in to a room first")                                      \
  X(PARLEY_ERR_INTERNAL,                   1000010, "internal error (a bug in Parley; see on_debug_error)")        \
  X(PARLEY_ERR_BUFFER_TOO_SMALL,           1000011, "the buffer is too small for the result")                      \
  X(PARLEY_ERR_INVALID_USER_NAME,          1000012, "user names are 0-256 bytes of UTF-8")                         \
  X(PARLEY_ERR_VIEW_IN_USE,                1000013, "the view is already attached to a preview or player")         \
  X(PARLEY_ERR_PROTOCOL,                   1000014, "malformed or out-of-order signaling message")                 \
  X(PARLEY_ERR_INVALID_CHANNEL,            1000015, "the publish channel is not MAIN or AUX")                      \
  X(PARLEY_ERR_INVALID_EXTRA_INFO,         1000016, "extra info is at most 1024 bytes of UTF-8")                   \
  X(PARLEY_ERR_ENGINE_DESTROYED,           1000017, "the engine is being destroyed")                               \
  X(PARLEY_ERR_INVALID_SERVER_URL,         1000018, "the server URL must be ws:// or wss://")                      \
  X(PARLEY_ERR_UNSUPPORTED_VERSION,        1000019, "the peer speaks an unsupported protocol version")             \
  X(PARLEY_ERR_MESSAGE_TOO_LARGE,          1000020, "a signaling message exceeds the server's size limit")         \
  X(PARLEY_ERR_RATE_LIMITED,               1000021, "too many signaling requests; slow down")                      \
  /* 1002000-1002999: room */                                                                                      \
  X(PARLEY_ERR_ROOM_COUNT_EXCEEDED,        1002001, "too many rooms logged in at once")                            \
  X(PARLEY_ERR_ROOM_ALREADY_LOGGED_IN,     1002002, "this engine is already logged in to that room")               \
  X(PARLEY_ERR_ROOM_USER_ID_MISMATCH,      1002003, "an engine logs in to all its rooms with one user ID")         \
  X(PARLEY_ERR_ROOM_NETWORK,               1002030, "cannot reach the server or the connection was lost")          \
  X(PARLEY_ERR_ROOM_AUTH_FAILED,           1002033, "authentication failed: wrong app ID or app sign")             \
  X(PARLEY_ERR_ROOM_USER_LIMIT,            1002034, "the room is full")                                            \
  X(PARLEY_ERR_LOGIN_RATE_LIMITED,         1002035, "too many login attempts from this address")                   \
  X(PARLEY_ERR_CONNECTION_LIMIT,           1002036, "too many connections from this address")                      \
  X(PARLEY_ERR_ROOM_KICKED_OUT,            1002050, "the same user ID logged in elsewhere")                        \
  X(PARLEY_ERR_ROOM_TOKEN_INVALID,         1002067, "the token is malformed or for another room or user")          \
  X(PARLEY_ERR_ROOM_TOKEN_EXPIRED,         1002078, "the token has expired")                                       \
  /* 1003000-1003999: publishing */                                                                                \
  X(PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING, 1003002, "this channel is already publishing")                          \
  X(PARLEY_ERR_PUBLISH_NO_PRIVILEGE,       1003023, "no privilege to publish this stream")                         \
  X(PARLEY_ERR_PUBLISH_NETWORK,            1003025, "the media connection for publishing failed")                  \
  X(PARLEY_ERR_PUBLISH_STREAM_ID_IN_USE,   1003028, "another user publishes this stream ID")                       \
  X(PARLEY_ERR_PUBLISH_STREAM_LIMIT,       1003030, "this user publishes too many streams")                        \
  X(PARLEY_ERR_PUBLISH_SDP_INVALID,        1003040, "the publish offer is not a valid session description")        \
  /* 1004000-1004999: playing */                                                                                   \
  X(PARLEY_ERR_PLAY_NO_PRIVILEGE,          1004023, "no privilege to play this stream")                            \
  X(PARLEY_ERR_PLAY_STREAM_NOT_FOUND,      1004025, "nobody publishes this stream ID")                             \
  X(PARLEY_ERR_PLAY_NETWORK,               1004030, "the media connection for playing failed")                     \
  X(PARLEY_ERR_PLAY_SDP_INVALID,           1004040, "the play offer is not a valid session description")           \
  /* 1005000-1005999: devices, media */                                                                            \
  X(PARLEY_ERR_DEVICE_NOT_FOUND,           1005001, "no such capture or playback device")                          \
  X(PARLEY_ERR_CODEC_UNSUPPORTED,          1005002, "the codec is not supported by this build")                    \
  X(PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED, 1005003, "set the source to CUSTOM before sending custom frames")       \
  /* 1006000-1006999: embedded server */                                                                           \
  X(PARLEY_ERR_SERVER_LISTEN_FAILED,       1006001, "the server could not listen on its address")                  \
  X(PARLEY_ERR_SERVER_CONFIG_INVALID,      1006002, "the server configuration is invalid")

/** The error codes as constants: PARLEY_OK, PARLEY_ERR_INVALID_ARGUMENT, ... */
typedef enum parley_error {
#define PARLEY_ERROR_ENUM_ITEM_(name, value, message) name = value,
  PARLEY_ERROR_LIST(PARLEY_ERROR_ENUM_ITEM_)
#undef PARLEY_ERROR_ENUM_ITEM_
} parley_error;

/* ------------------------------------------------------------------------ */
/* Constants                                                                */
/* ------------------------------------------------------------------------ */

/** parley_engine_profile.flags: deliver events through parley_engine_poll_events. */
#define PARLEY_ENGINE_FLAG_POLL_EVENTS 1

/**
 * The development app every dev server serves (parley_server_start with a
 * NULL config, `parleyd --dev`). For development and tests only: anyone who
 * reads this header knows the sign.
 */
#define PARLEY_DEV_APP_ID 1
/** The app sign of PARLEY_DEV_APP_ID: the 32 bytes 0x00..0x1f as 64 hex digits. */
#define PARLEY_DEV_APP_SIGN "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/** The server_url an engine uses when its profile and $PARLEY_SERVER_URL give none. */
#define PARLEY_DEFAULT_SERVER_URL "ws://127.0.0.1:7880"

/** A buffer of this many bytes always holds the URL parley_server_start writes. */
#define PARLEY_URL_CAPACITY 512

/* ------------------------------------------------------------------------ */
/* Enums (values fixed forever; they travel as int32_t)                     */
/* ------------------------------------------------------------------------ */

/** What a call is for; picks default resolution, frame rate, bitrate and audio profile (docs/). */
typedef enum parley_scenario {
  PARLEY_SCENARIO_DEFAULT = 3,
  PARLEY_SCENARIO_STANDARD_VIDEO_CALL = 4,
  PARLEY_SCENARIO_HIGH_QUALITY_VIDEO_CALL = 5,
  PARLEY_SCENARIO_STANDARD_CHATROOM = 6,
  PARLEY_SCENARIO_HIGH_QUALITY_CHATROOM = 7,
  PARLEY_SCENARIO_BROADCAST = 8,
  PARLEY_SCENARIO_KARAOKE = 9,
  PARLEY_SCENARIO_STANDARD_VOICE_CALL = 10
} parley_scenario;

/** The reason argument of on_room_state_changed. */
typedef enum parley_room_state_reason {
  PARLEY_ROOM_STATE_REASON_LOGINING = 0,
  PARLEY_ROOM_STATE_REASON_LOGINED = 1,
  PARLEY_ROOM_STATE_REASON_LOGIN_FAILED = 2,
  PARLEY_ROOM_STATE_REASON_RECONNECTING = 3,
  PARLEY_ROOM_STATE_REASON_RECONNECTED = 4,
  PARLEY_ROOM_STATE_REASON_RECONNECT_FAILED = 5,
  PARLEY_ROOM_STATE_REASON_KICK_OUT = 6,
  PARLEY_ROOM_STATE_REASON_LOGOUT = 7,
  PARLEY_ROOM_STATE_REASON_LOGOUT_FAILED = 8
} parley_room_state_reason;

/** Whether users or streams were added to or deleted from a room. */
typedef enum parley_update_type {
  PARLEY_UPDATE_TYPE_ADD = 0,
  PARLEY_UPDATE_TYPE_DELETE = 1
} parley_update_type;

/** The state argument of on_publisher_state_update. */
typedef enum parley_publisher_state {
  PARLEY_PUBLISHER_STATE_NO_PUBLISH = 0,
  PARLEY_PUBLISHER_STATE_PUBLISH_REQUESTING = 1,
  PARLEY_PUBLISHER_STATE_PUBLISHING = 2
} parley_publisher_state;

/** The state argument of on_player_state_update. */
typedef enum parley_player_state {
  PARLEY_PLAYER_STATE_NO_PLAY = 0,
  PARLEY_PLAYER_STATE_PLAY_REQUESTING = 1,
  PARLEY_PLAYER_STATE_PLAYING = 2
} parley_player_state;

/** The event argument of on_player_media_event. */
typedef enum parley_player_media_event {
  PARLEY_PLAYER_MEDIA_EVENT_AUDIO_BREAK_OCCUR = 0,
  PARLEY_PLAYER_MEDIA_EVENT_AUDIO_BREAK_RESUME = 1,
  PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_OCCUR = 2,
  PARLEY_PLAYER_MEDIA_EVENT_VIDEO_BREAK_RESUME = 3
} parley_player_media_event;

/** How a frame is fitted into a view. */
typedef enum parley_view_mode {
  PARLEY_VIEW_MODE_ASPECT_FIT = 0,    /**< whole frame visible, bars (opaque black) around it */
  PARLEY_VIEW_MODE_ASPECT_FILL = 1,   /**< view filled, frame cropped to the view's aspect ratio */
  PARLEY_VIEW_MODE_SCALE_TO_FILL = 2  /**< view filled, frame stretched */
} parley_view_mode;

/** Which pictures are mirrored (parley_set_video_mirror_mode comes in a later round). */
typedef enum parley_video_mirror_mode {
  PARLEY_VIDEO_MIRROR_MODE_ONLY_PREVIEW = 0,
  PARLEY_VIDEO_MIRROR_MODE_BOTH = 1,
  PARLEY_VIDEO_MIRROR_MODE_NONE = 2,
  PARLEY_VIDEO_MIRROR_MODE_ONLY_PUBLISH = 3
} parley_video_mirror_mode;

/** A user may publish two streams at once: camera on MAIN, screen or game view on AUX. */
typedef enum parley_publish_channel {
  PARLEY_PUBLISH_CHANNEL_MAIN = 0,
  PARLEY_PUBLISH_CHANNEL_AUX = 1
} parley_publish_channel;

/** Where a channel's video comes from. */
typedef enum parley_video_source {
  PARLEY_VIDEO_SOURCE_CAMERA = 0,        /**< the camera selected with parley_use_device */
  PARLEY_VIDEO_SOURCE_TEST_PATTERN = 1,  /**< a built-in synthetic picture; needs no device (the default source) */
  PARLEY_VIDEO_SOURCE_CUSTOM = 2         /**< frames from parley_send_custom_video_frame only */
} parley_video_source;

/** Where the published audio comes from. */
typedef enum parley_audio_source {
  PARLEY_AUDIO_SOURCE_MICROPHONE = 0,  /**< the microphone selected with parley_use_device */
  PARLEY_AUDIO_SOURCE_TEST_TONE = 1,   /**< a built-in 1 kHz tone; needs no device (the default source) */
  PARLEY_AUDIO_SOURCE_CUSTOM = 2       /**< PCM from parley_send_custom_audio_pcm only */
} parley_audio_source;

/** Video codecs (more are appended later). */
typedef enum parley_video_codec {
  PARLEY_VIDEO_CODEC_VP8 = 0,
  PARLEY_VIDEO_CODEC_H264 = 1
} parley_video_codec;

/** The state of a remote camera or microphone (values as in the seed's SDK family). */
typedef enum parley_remote_device_state {
  PARLEY_REMOTE_DEVICE_STATE_OPEN = 0,
  PARLEY_REMOTE_DEVICE_STATE_DISABLE = 9,
  PARLEY_REMOTE_DEVICE_STATE_MUTE = 10
} parley_remote_device_state;

/** The level field of the quality structs. */
typedef enum parley_quality_level {
  PARLEY_QUALITY_LEVEL_EXCELLENT = 0,
  PARLEY_QUALITY_LEVEL_GOOD = 1,
  PARLEY_QUALITY_LEVEL_MEDIUM = 2,
  PARLEY_QUALITY_LEVEL_BAD = 3,
  PARLEY_QUALITY_LEVEL_DIE = 4,
  PARLEY_QUALITY_LEVEL_UNKNOWN = 5
} parley_quality_level;

/** The level argument of parley_set_log_level and of the log callback. */
typedef enum parley_log_level {
  PARLEY_LOG_LEVEL_DEBUG = 0,
  PARLEY_LOG_LEVEL_INFO = 1,
  PARLEY_LOG_LEVEL_WARN = 2,
  PARLEY_LOG_LEVEL_ERROR = 3
} parley_log_level;

/** The kind argument of the device functions (parley_get_device_count and the rest). */
typedef enum parley_device_kind {
  PARLEY_DEVICE_KIND_CAMERA = 0,
  PARLEY_DEVICE_KIND_MICROPHONE = 1,
  PARLEY_DEVICE_KIND_SPEAKER = 2
} parley_device_kind;

/** Where the mix of the played streams' audio goes (parley_set_audio_output). */
typedef enum parley_audio_output {
  PARLEY_AUDIO_OUTPUT_PULL = 0,   /**< the host pulls it with parley_fetch_audio_pcm (the default; no device is opened) */
  PARLEY_AUDIO_OUTPUT_DEVICE = 1  /**< the library plays it to the selected speaker */
} parley_audio_output;

/* ------------------------------------------------------------------------ */
/* Handles                                                                  */
/* ------------------------------------------------------------------------ */

/** An engine: one user's connection to rooms, its publishers and players. Several may live in one process. */
typedef struct parley_engine parley_engine;
/** A caller-owned RGBA8 buffer the engine draws a preview or a played stream into. */
typedef struct parley_view parley_view;
/** An embedded server (the same server as the parleyd binary, in-process). */
typedef struct parley_server parley_server;

/* ------------------------------------------------------------------------ */
/* Structs                                                                  */
/* ------------------------------------------------------------------------ */

/** How parley_engine_create sets up an engine. */
typedef struct parley_engine_profile {
  uint32_t struct_size;    /**< sizeof(parley_engine_profile) */
  uint32_t app_id;         /**< non-zero; PARLEY_DEV_APP_ID for a dev server */
  const char *app_sign;    /**< 64 hex digits (32 bytes); NULL or "" when the app logs in with tokens
                                (parley_room_config.token) */
  int32_t scenario;        /**< parley_scenario; 0 means PARLEY_SCENARIO_DEFAULT */
  const char *server_url;  /**< "ws://host:port" or "wss://..."; NULL or "" means $PARLEY_SERVER_URL if set and
                                not empty, else PARLEY_DEFAULT_SERVER_URL ("ws://127.0.0.1:7880") */
  uint32_t flags;          /**< 0 or PARLEY_ENGINE_FLAG_POLL_EVENTS */
} parley_engine_profile;

/**
 * A room member. parley_user and parley_stream are the two plain value
 * structs of the ABI: they travel in arrays and inside each other, where a
 * size field could not make them grow, so they have no struct_size and are
 * fixed forever; new per-user or per-stream data comes in new structs.
 */
typedef struct parley_user {
  const char *user_id;     /**< required: 1-64 bytes of A-Z a-z 0-9 - _ . ~ */
  const char *user_name;   /**< 0-256 bytes of UTF-8; NULL means "" */
} parley_user;

/** A stream published in a room. */
typedef struct parley_stream {
  parley_user user;        /**< who publishes it */
  const char *stream_id;   /**< 1-256 bytes of A-Z a-z 0-9 - _ . ~ */
  const char *extra_info;  /**< 0-1024 bytes of UTF-8, never NULL in a callback */
} parley_stream;

/** A publisher's measured quality, every 3 s per publishing stream. */
typedef struct parley_publish_quality {
  uint32_t struct_size;
  double video_capture_fps;
  double video_encode_fps;
  double video_send_fps;
  double video_kbps;
  double audio_kbps;
  int32_t rtt_ms;
  double packet_loss_rate;   /**< 0..1 */
  int32_t level;             /**< parley_quality_level */
} parley_publish_quality;

/** A player's measured quality, every 3 s per playing stream. */
typedef struct parley_play_quality {
  uint32_t struct_size;
  double video_recv_fps;
  double video_decode_fps;
  double video_render_fps;
  double video_kbps;
  double audio_kbps;
  int32_t rtt_ms;
  double packet_loss_rate;   /**< 0..1 */
  int32_t delay_ms;          /**< capture on the sender -> render here */
  double video_break_rate;   /**< breaks per minute */
  int32_t width;             /**< decoded frame size */
  int32_t height;
  int32_t level;             /**< parley_quality_level */
} parley_play_quality;

/**
 * The callbacks of an engine. Every callback gets the handler's user_data as
 * its first argument; any callback may be NULL (that event is dropped).
 * Strings, structs and arrays passed to a callback are valid only during it;
 * strings passed to a callback, as arguments or in struct fields, are never
 * NULL (absent strings are "").
 */
typedef struct parley_event_handler {
  uint32_t struct_size;    /**< sizeof(parley_event_handler) */
  void *user_data;         /**< passed back as the first argument of every callback */

  /**
   * API misuse and errors that no state callback reports: every call on a
   * live engine handle that returns an error reports it here too, queued in
   * order with the engine's other events (func_name is the function, e.g.
   * "parley_login_room"); also a failure inside the engine after a call
   * returned, or a recovered panic (PARLEY_ERR_INTERNAL). info is English text.
   */
  void (PARLEY_CALL *on_debug_error)(void *user_data, int32_t error_code, const char *func_name, const char *info);

  /**
   * The engine's state in room_id changed. reason is a parley_room_state_reason;
   * error_code is PARLEY_OK or a room-range code (LOGIN_FAILED, KICK_OUT,
   * RECONNECT_FAILED, ...). extended_data is JSON text, "{}" when empty.
   */
  void (PARLEY_CALL *on_room_state_changed)(void *user_data, const char *room_id, int32_t reason,
                                            int32_t error_code, const char *extended_data);

  /**
   * Users joined (PARLEY_UPDATE_TYPE_ADD) or left (DELETE) room_id. Only for
   * rooms logged in with is_user_status_notify; never about the engine's own
   * user. On login the users already in the room arrive as one ADD.
   */
  void (PARLEY_CALL *on_room_user_update)(void *user_data, const char *room_id, int32_t update_type,
                                          const parley_user *users, uint32_t count);

  /**
   * Streams started (ADD) or stopped (DELETE) in room_id. On login the
   * streams already published arrive as one ADD. Never about the engine's own
   * streams. extended_data is JSON text, "{}" when empty.
   */
  void (PARLEY_CALL *on_room_stream_update)(void *user_data, const char *room_id, int32_t update_type,
                                            const parley_stream *streams, uint32_t count, const char *extended_data);

  /** The token of room_id expires in remain_seconds (token login only): 30 s before its expiry, or
      right after LOGINED / parley_renew_token when less is left. Renew it with parley_renew_token. */
  void (PARLEY_CALL *on_room_token_will_expire)(void *user_data, const char *room_id, int32_t remain_seconds);

  /**
   * A publishing stream changed state: state is a parley_publisher_state,
   * error_code PARLEY_OK or a publish-range code (with NO_PUBLISH).
   */
  void (PARLEY_CALL *on_publisher_state_update)(void *user_data, const char *stream_id, int32_t state,
                                                int32_t error_code, const char *extended_data);

  /** Measured quality of a publishing stream, every 3 s. */
  void (PARLEY_CALL *on_publisher_quality_update)(void *user_data, const char *stream_id,
                                                  const parley_publish_quality *quality);

  /** The video source of channel delivered its first frame (after start_preview or start_publishing). */
  void (PARLEY_CALL *on_publisher_captured_video_first_frame)(void *user_data, int32_t channel);

  /**
   * A played stream changed state: state is a parley_player_state,
   * error_code PARLEY_OK or a play-range code.
   */
  void (PARLEY_CALL *on_player_state_update)(void *user_data, const char *stream_id, int32_t state,
                                             int32_t error_code, const char *extended_data);

  /** Measured quality of a played stream, every 3 s. */
  void (PARLEY_CALL *on_player_quality_update)(void *user_data, const char *stream_id,
                                               const parley_play_quality *quality);

  /** Audio or video of a played stream stalled or resumed; event is a parley_player_media_event. */
  void (PARLEY_CALL *on_player_media_event)(void *user_data, const char *stream_id, int32_t event);

  /** The first video frame of a played stream was received and decoded. */
  void (PARLEY_CALL *on_player_recv_video_first_frame)(void *user_data, const char *stream_id);

  /** The first video frame of a played stream was written into its view (only with a view). */
  void (PARLEY_CALL *on_player_render_video_first_frame)(void *user_data, const char *stream_id);

  /** The decoded size of a played stream's video: sent with the first frame and whenever it changes. */
  void (PARLEY_CALL *on_player_video_size_changed)(void *user_data, const char *stream_id,
                                                   int32_t width, int32_t height);

  /* Appended after the first release of ABI version 1; a host whose
   * struct_size ends before them simply does not get these events. */

  /**
   * A remote stream's camera changed: state is a parley_remote_device_state
   * (OPEN, DISABLE after parley_enable_camera(0), MUTE after
   * parley_mute_publish_stream_video). A stream that appears with its camera
   * closed reports it right after its stream ADD.
   */
  void (PARLEY_CALL *on_remote_camera_state_update)(void *user_data, const char *stream_id, int32_t state);

  /**
   * A remote stream's microphone changed: OPEN, or MUTE after
   * parley_mute_microphone or parley_mute_publish_stream_audio.
   */
  void (PARLEY_CALL *on_remote_mic_state_update)(void *user_data, const char *stream_id, int32_t state);

  /**
   * Every 2 s while anything is published or played: user_id "" is this
   * engine's user, with upstream judged from its publishers and downstream
   * from its players; each remote user whose stream is played follows, with
   * upstream judged from what arrives here and downstream UNKNOWN. Levels are
   * parley_quality_level, by the rule of docs/quality.md.
   */
  void (PARLEY_CALL *on_network_quality)(void *user_data, const char *user_id, int32_t upstream, int32_t downstream);

  /* appended in later ABI versions only */
} parley_event_handler;

/** Room options for parley_login_room. */
typedef struct parley_room_config {
  uint32_t struct_size;           /**< sizeof(parley_room_config) */
  uint32_t max_member_count;      /**< 0 = unlimited; set by the login that creates the room */
  int32_t is_user_status_notify;  /**< 1: deliver on_room_user_update for this room; 0: don't */
  const char *token;              /**< room token (parleyd token); required when the engine was created
                                       without an app_sign, ignored when it was created with one */
} parley_room_config;

/**
 * Video settings of one publish channel. A field left 0 keeps its current
 * value (at first, the scenario's default).
 */
typedef struct parley_video_config {
  uint32_t struct_size;     /**< sizeof(parley_video_config) */
  uint32_t capture_width;   /**< camera or test pattern size: 0, or even and at most 4096 */
  uint32_t capture_height;
  uint32_t encode_width;    /**< size sent to players: 0, or even and at most 4096 */
  uint32_t encode_height;
  uint32_t fps;             /**< 0-60 */
  uint32_t bitrate_kbps;    /**< 0-20000 */
  int32_t codec;            /**< parley_video_codec: VP8 or H.264; always applies (0 is VP8), from the next publish */
} parley_video_config;

/** A caller-owned RGBA8 buffer for parley_view_create. */
typedef struct parley_view_desc {
  uint32_t struct_size;     /**< sizeof(parley_view_desc) */
  uint8_t *pixels;          /**< caller-owned RGBA8, at least stride*height bytes; must outlive the view */
  uint32_t width;           /**< 1-16384 */
  uint32_t height;          /**< 1-16384 */
  uint32_t stride;          /**< bytes per row, at least 4*width */
  int32_t view_mode;        /**< parley_view_mode */
  int32_t flip_y;           /**< 0: top row first; 1: rows bottom-up (GL/Unity texture origin) */
} parley_view_desc;

/** What parley_view_acquire reports about the frame in the buffer. */
typedef struct parley_frame_info {
  uint32_t struct_size;     /**< set by the caller: sizeof(parley_frame_info) */
  uint64_t seq;             /**< increments once per frame written; 0 = nothing written yet */
  uint32_t source_width;    /**< size of the frame before scaling into the view */
  uint32_t source_height;
  int64_t capture_time_ms;  /**< the sender's capture time, mapped to this host's clock (Unix ms); 0 unknown */
  int64_t write_time_ms;    /**< when the frame landed in the buffer (Unix ms) */
} parley_frame_info;

/** One camera, microphone or speaker (parley_get_device_info). */
typedef struct parley_device_info {
  uint32_t struct_size;     /**< set by the caller: sizeof(parley_device_info) */
  char id[256];             /**< what parley_use_device takes; UTF-8, NUL-terminated */
  char name[256];           /**< for people; UTF-8, NUL-terminated, cut at 255 bytes */
  int32_t is_default;       /**< 1 for the system's default device of its kind */
} parley_device_info;

/** Called once when a destroyed engine's resources are all gone (parley_engine_destroy). */
typedef void (PARLEY_CALL *parley_destroyed_fn)(void *user_data);

/** Receives the library's log messages (parley_set_log_callback). */
typedef void (PARLEY_CALL *parley_log_fn)(void *user_data, int32_t level, const char *message);

#ifndef PARLEY_NO_PROTOTYPES
/*
 * Defining PARLEY_NO_PROTOTYPES before including this header leaves out the
 * function declarations below and keeps the types and constants. The
 * library's own cgo code needs that: cgo declares the exported functions
 * itself, without const.
 */

/* ------------------------------------------------------------------------ */
/* Version and errors                                                       */
/* ------------------------------------------------------------------------ */

/**
 * Get the ABI version of the loaded library.
 *
 * \returns PARLEY_ABI_VERSION of the header the library was built with (1).
 *
 * \threadsafety It is safe to call this function from any thread, at any time.
 *
 * \since ABI version 1.
 */
extern PARLEY_API uint32_t PARLEY_CALL parley_get_abi_version(void);

/**
 * Get the library's version as text, such as "0.1.0".
 *
 * \returns a static, never-NULL string; do not free it.
 *
 * \threadsafety It is safe to call this function from any thread, at any time.
 *
 * \since ABI version 1.
 */
extern PARLEY_API const char *PARLEY_CALL parley_get_version(void);

/**
 * Get the name of an error code, such as "PARLEY_ERR_INVALID_ROOM_ID".
 *
 * \param code any value; codes of PARLEY_ERROR_LIST give their name there.
 * \returns a static, never-NULL string; "PARLEY_ERR_UNKNOWN" for a value that
 *          is not in PARLEY_ERROR_LIST.
 *
 * \threadsafety It is safe to call this function from any thread, at any time.
 *
 * \since ABI version 1.
 */
extern PARLEY_API const char *PARLEY_CALL parley_error_name(int32_t code);

/**
 * Get a one-line English description of an error code.
 *
 * \param code any value.
 * \returns a static, never-NULL string: the message of PARLEY_ERROR_LIST, or
 *          "unknown error code" for a value that is not in the list.
 *
 * \threadsafety It is safe to call this function from any thread, at any time.
 *
 * \since ABI version 1.
 */
extern PARLEY_API const char *PARLEY_CALL parley_error_message(int32_t code);

/* ------------------------------------------------------------------------ */
/* Engine                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Create an engine.
 *
 * Creating an engine does not connect anywhere: the connection to the server
 * is made by parley_login_room. Several engines may live in one process.
 *
 * \param profile app ID, app sign, scenario, server URL and flags; copied.
 *                app_id must be non-zero, app_sign 64 hex digits, or NULL or ""
 *                for an engine that logs in with tokens (parley_room_config.token),
 *                scenario a parley_scenario or 0, server_url NULL/"" or a ws:// or
 *                wss:// URL, flags 0 or PARLEY_ENGINE_FLAG_POLL_EVENTS.
 * \param handler the callbacks, or NULL for none yet; copied (the user_data
 *                pointer is kept as it is).
 * \param out_engine receives the new engine, or NULL on error.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_ARGUMENT (profile or out_engine
 *          NULL, app_id 0, unknown scenario or flags);
 *          PARLEY_ERR_INVALID_STRUCT_SIZE (profile or handler);
 *          PARLEY_ERR_INVALID_APP_SIGN; PARLEY_ERR_INVALID_SERVER_URL.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: none.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_engine_create(const parley_engine_profile *profile,
                                                           const parley_event_handler *handler,
                                                           parley_engine **out_engine);

/**
 * Replace an engine's callbacks.
 *
 * Events delivered after this call returns, including events already
 * queued, go to the new handler. A callback of the old handler that is
 * running on the event thread at that moment finishes first, unless this is
 * called from inside it.
 *
 * \param e the engine.
 * \param handler the new callbacks (copied), or NULL to drop every event.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_STRUCT_SIZE.
 *
 * \threadsafety It is safe to call this function from any thread, including
 *               from inside a callback.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_engine_set_event_handler(parley_engine *e,
                                                                      const parley_event_handler *handler);

/**
 * Destroy an engine.
 *
 * Logs out of every room, stops every publisher, player and preview, detaches
 * every view and stops the engine's threads. It returns after everything is
 * stopped: from then on the handle is invalid (every call with it returns
 * PARLEY_ERR_INVALID_HANDLE) and no callback of the engine runs or will run.
 * If destroy is called from inside one of the engine's own callbacks, that
 * callback is the only one still running when destroy returns. Events the
 * teardown itself causes (LOGOUT, NO_PUBLISH, NO_PLAY) and events still
 * queued are not delivered.
 *
 * on_destroyed, if not NULL, is called exactly once, from any thread
 * (possibly before destroy returns), when all of the engine's resources are
 * gone. If destroy returns an error, on_destroyed is never called.
 *
 * \param e the engine.
 * \param on_destroyed called once when all resources are gone; may be NULL.
 * \param user_data passed to on_destroyed.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE (also for a second destroy).
 *
 * \threadsafety It is safe to call this function from any thread, including
 *               from inside the engine's own callbacks. Calls with the same
 *               engine on other threads return PARLEY_ERR_ENGINE_DESTROYED
 *               or PARLEY_ERR_INVALID_HANDLE while it runs, never crash.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_engine_destroy(parley_engine *e, parley_destroyed_fn on_destroyed,
                                                            void *user_data);

/**
 * Deliver the queued events of an engine created with
 * PARLEY_ENGINE_FLAG_POLL_EVENTS, on the calling thread.
 *
 * Call it from the game's main loop once per frame. Events queued while it
 * dispatches wait for the next call. If a callback destroys the engine, this
 * returns PARLEY_OK after that callback and the remaining events are dropped.
 * Called from inside one of the engine's own callbacks it dispatches nothing
 * and returns PARLEY_OK with *out_dispatched = 0.
 *
 * \param e an engine created with PARLEY_ENGINE_FLAG_POLL_EVENTS.
 * \param max_events dispatch at most this many events; 0 = all events queued
 *                   when the call starts.
 * \param out_dispatched receives the number of events dispatched; may be NULL.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (the engine was created without PARLEY_ENGINE_FLAG_POLL_EVENTS).
 *
 * \threadsafety It is safe to call this function from any thread; callbacks
 *               run on the calling thread. Two threads polling one engine
 *               take turns.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_engine_poll_events(parley_engine *e, uint32_t max_events,
                                                                uint32_t *out_dispatched);

/* ------------------------------------------------------------------------ */
/* Room                                                                     */
/* ------------------------------------------------------------------------ */

/**
 * Log in to a room; a room that does not exist is created by the first login.
 *
 * The arguments are checked before anything is sent; the outcome arrives as
 * events. An engine may be in several rooms, all with the same user ID;
 * streams are published into, and played from, the room it logged in to
 * first.
 *
 * \param e the engine.
 * \param room_id 1-128 bytes of A-Z a-z 0-9 - _ . ~
 * \param user this engine's user; copied.
 * \param config room options, or NULL for the defaults (unlimited members,
 *               no user updates, no token); copied.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (room_id, user or user->user_id NULL); PARLEY_ERR_INVALID_STRUCT_SIZE
 *          (user or config);
 *          PARLEY_ERR_INVALID_ROOM_ID; PARLEY_ERR_INVALID_USER_ID;
 *          PARLEY_ERR_INVALID_USER_NAME; PARLEY_ERR_ROOM_ALREADY_LOGGED_IN
 *          (this room, logged in or logging in); PARLEY_ERR_ROOM_USER_ID_MISMATCH
 *          (another room with another user ID); PARLEY_ERR_ROOM_COUNT_EXCEEDED;
 *          PARLEY_ERR_ROOM_TOKEN_INVALID (engine created without an app_sign
 *          and config or config->token NULL or ""); PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_room_state_changed(LOGINING), then on_room_state_changed(LOGINED)
 * or on_room_state_changed(LOGIN_FAILED, room-range code such as
 * PARLEY_ERR_ROOM_NETWORK or PARLEY_ERR_ROOM_AUTH_FAILED; with a token:
 * PARLEY_ERR_ROOM_AUTH_FAILED for a bad signature, PARLEY_ERR_ROOM_TOKEN_EXPIRED,
 * PARLEY_ERR_ROOM_TOKEN_INVALID for another user or room). After LOGINED, the
 * room's current users (with is_user_status_notify) and streams arrive as ADD
 * updates. Later: user and stream updates; RECONNECTING (PARLEY_ERR_ROOM_NETWORK)
 * when the connection drops, while the engine dials again with backoff and
 * logs in again by itself, then RECONNECTED (with user and stream updates for
 * what changed meanwhile; streams published and played go on, or start again
 * if the server lost them), or RECONNECT_FAILED after the reconnect window of
 * two minutes or a refusal (docs/reconnection.md); KICK_OUT with
 * PARLEY_ERR_ROOM_KICKED_OUT when the same user ID logs in elsewhere.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_login_room(parley_engine *e, const char *room_id,
                                                        const parley_user *user, const parley_room_config *config);

/**
 * Log out of a room, or of every room.
 *
 * Stops the publishers and players of that room first.
 *
 * \param e the engine.
 * \param room_id the room, or NULL for every room the engine is in.
 * \returns PARLEY_OK (with NULL and no room, nothing happens);
 *          PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ROOM_ID;
 *          PARLEY_ERR_NOT_LOGGED_IN (not logged in or logging in to that room).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_publisher_state_update(NO_PUBLISH) and
 * on_player_state_update(NO_PLAY) for the streams that stop, then
 * on_room_state_changed(LOGOUT) for each room. Other users of the room get a
 * user DELETE (with is_user_status_notify) and a stream DELETE per stream.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_logout_room(parley_engine *e, const char *room_id);

/**
 * Give a room a fresh token (engines created without an app_sign).
 *
 * Call it when on_room_token_will_expire arrives (30 s before the room's
 * token expires). The server checks the new token and applies its expiry and
 * privileges from then on; streams already published go on. A room whose
 * token expires unrenewed stays logged in, but its streams stop
 * (on_publisher_state_update NO_PUBLISH with PARLEY_ERR_ROOM_TOKEN_EXPIRED)
 * and publishing there fails with PARLEY_ERR_PUBLISH_NO_PRIVILEGE.
 *
 * \param e the engine.
 * \param room_id a room the engine is logged in to.
 * \param token the new token, for the same user (and this room if it names
 *              one); copied.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (room_id or token NULL; the engine has an app_sign);
 *          PARLEY_ERR_INVALID_ROOM_ID; PARLEY_ERR_ROOM_TOKEN_INVALID (token ""
 *          or not a token); PARLEY_ERR_NOT_LOGGED_IN (not logged in to that
 *          room, or still logging in); PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: a token the server refuses (another user or room, bad signature,
 * expired) is reported by on_debug_error with the code
 * (PARLEY_ERR_ROOM_TOKEN_INVALID, PARLEY_ERR_ROOM_AUTH_FAILED,
 * PARLEY_ERR_ROOM_TOKEN_EXPIRED); the room keeps its old token.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_renew_token(parley_engine *e, const char *room_id, const char *token);

/* ------------------------------------------------------------------------ */
/* Publishing and preview                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Publish the engine's audio and the video of a channel as a stream.
 *
 * The video comes from the channel's video source (parley_set_video_source),
 * the audio from the engine's audio source (parley_set_audio_source; the AUX
 * channel carries video only). The stream ID must not be published by
 * another user of the app at the same time.
 *
 * \param e the engine, logged in or logging in to a room: called right after
 *          parley_login_room, the stream goes out once the room is LOGINED
 *          (the first room logged in, else the first logging in).
 * \param stream_id 1-256 bytes of A-Z a-z 0-9 - _ . ~
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (stream_id NULL); PARLEY_ERR_INVALID_STREAM_ID;
 *          PARLEY_ERR_INVALID_CHANNEL; PARLEY_ERR_NOT_LOGGED_IN (no room);
 *          PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING (the channel publishes);
 *          PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_publisher_state_update(PUBLISH_REQUESTING), then PUBLISHING, or
 * NO_PUBLISH with a publish-range code (PARLEY_ERR_PUBLISH_STREAM_ID_IN_USE,
 * PARLEY_ERR_NOT_LOGGED_IN when the login it waited for failed,
 * PARLEY_ERR_PUBLISH_NETWORK, PARLEY_ERR_PUBLISH_NO_PRIVILEGE when the room's
 * token does not allow this stream, ...); on_publisher_captured_video_first_frame
 * when the source delivers its first frame; on_publisher_quality_update every
 * 3 s. The other users of the room get a stream ADD.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_start_publishing_stream(parley_engine *e, const char *stream_id,
                                                                     int32_t channel);

/**
 * Stop publishing a channel. Not publishing is not an error: nothing happens.
 *
 * \param e the engine.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_CHANNEL.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_publisher_state_update(NO_PUBLISH, PARLEY_OK) if the channel
 * was publishing; the other users of the room get a stream DELETE.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_stop_publishing_stream(parley_engine *e, int32_t channel);

/**
 * Show a channel's video source locally, with or without publishing.
 *
 * Calling it again for the same channel replaces the view. Needs no room.
 *
 * \param e the engine.
 * \param view where to draw the preview, or NULL to run the source without
 *             drawing it.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE (engine or view);
 *          PARLEY_ERR_INVALID_CHANNEL; PARLEY_ERR_VIEW_IN_USE (the view is
 *          attached to another preview or player).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_publisher_captured_video_first_frame(channel) when the source
 * delivers its first frame (once per start of the source).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_start_preview(parley_engine *e, parley_view *view, int32_t channel);

/**
 * Stop showing a channel's preview and detach its view. Not previewing is
 * not an error. Publishing goes on.
 *
 * \param e the engine.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_CHANNEL.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: none.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_stop_preview(parley_engine *e, int32_t channel);

/**
 * Set the video settings of a channel.
 *
 * The settings apply from the next start of publishing or preview on the
 * channel. While the channel publishes, a new encode size takes effect from
 * the next frame (players get on_player_video_size_changed); the other
 * fields wait for the next start.
 *
 * \param e the engine.
 * \param config the settings; copied. Fields left 0 keep their current value.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (config NULL, a size odd or above 4096, fps above 60, bitrate
 *          above 20000, a codec that is not a parley_video_codec);
 *          PARLEY_ERR_INVALID_STRUCT_SIZE; PARLEY_ERR_INVALID_CHANNEL;
 *          PARLEY_ERR_CODEC_UNSUPPORTED (a codec this build lacks).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: none.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_video_config(parley_engine *e, const parley_video_config *config,
                                                              int32_t channel);

/**
 * Choose where a channel's video comes from (default: TEST_PATTERN, so that a
 * call works on any machine; docs/decisions.md).
 *
 * May be called at any time; while the channel publishes or previews, the
 * new source takes over from its first frame. Publishing or previewing from
 * a camera that is missing sends no frames and reports
 * PARLEY_ERR_DEVICE_NOT_FOUND through on_debug_error.
 *
 * \param e the engine.
 * \param source a parley_video_source.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (unknown source); PARLEY_ERR_INVALID_CHANNEL;
 *          PARLEY_ERR_DEVICE_NOT_FOUND (CAMERA when the camera selected
 *          with parley_use_device, by default the first, is not there).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_video_source(parley_engine *e, int32_t source, int32_t channel);

/**
 * Choose where the published audio comes from (default: TEST_TONE).
 *
 * May be called at any time; while publishing, the new source takes over at
 * once. Publishing from a microphone that is missing sends silence and
 * reports PARLEY_ERR_DEVICE_NOT_FOUND through on_debug_error.
 *
 * \param e the engine.
 * \param source a parley_audio_source.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (unknown source); PARLEY_ERR_DEVICE_NOT_FOUND (MICROPHONE when
 *          the microphone selected with parley_use_device, by default the
 *          system default, is not there).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_audio_source(parley_engine *e, int32_t source);

/**
 * Push one video frame into a channel whose source is CUSTOM (a game
 * publishes its own render target this way).
 *
 * The frame is copied before the call returns, and scaled to the channel's
 * encode size. Frames pushed while the channel neither publishes nor
 * previews are dropped (PARLEY_OK). Push at the frame rate you want to send;
 * the call never blocks on the network.
 *
 * \param e the engine.
 * \param rgba RGBA8 pixels, top row first, height rows of stride bytes.
 * \param width even, 2-4096.
 * \param height even, 2-4096.
 * \param stride bytes per row, at least 4*width.
 * \param timestamp_ms the capture time in milliseconds of the host's Unix
 *                     clock, or 0 for the time of the call.
 * \param channel a parley_publish_channel.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (rgba NULL, bad width, height or stride);
 *          PARLEY_ERR_INVALID_CHANNEL; PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED
 *          (the channel's video source is not CUSTOM);
 *          PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread (a game's
 *               render thread, typically).
 *
 * \since ABI version 1.
 *
 * Events: the first frame of a publish or preview gives
 * on_publisher_captured_video_first_frame(channel).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_send_custom_video_frame(parley_engine *e, const uint8_t *rgba,
                                                                     uint32_t width, uint32_t height,
                                                                     uint32_t stride, int64_t timestamp_ms,
                                                                     int32_t channel);

/**
 * Push audio when the audio source is CUSTOM.
 *
 * 16-bit signed PCM, channels interleaved; copied before the call returns
 * and resampled as needed. Push in real time, in chunks of about 10 ms; the
 * engine keeps at most about one second queued and drops the oldest audio
 * beyond that. Audio pushed while not publishing is dropped (PARLEY_OK).
 *
 * \param e the engine.
 * \param pcm samples_per_channel * channels samples.
 * \param samples_per_channel 1 to sample_rate (at most one second).
 * \param sample_rate 8000-48000 Hz.
 * \param channels 1 or 2.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (pcm NULL, counts or rates out of range);
 *          PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED (the audio source is not
 *          CUSTOM); PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread (a game's
 *               audio thread, typically).
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_send_custom_audio_pcm(parley_engine *e, const int16_t *pcm,
                                                                   uint32_t samples_per_channel,
                                                                   uint32_t sample_rate, uint32_t channels);

/* ------------------------------------------------------------------------ */
/* Playing                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * Play a stream: its audio into the mix, its video into a view.
 *
 * A stream ID that nobody publishes yet is allowed: the player waits in
 * PLAY_REQUESTING and starts when the stream appears; when the stream is
 * deleted it goes back to PLAY_REQUESTING and waits again. Calling it again
 * for a stream already playing replaces the view.
 *
 * \param e the engine, logged in to a room.
 * \param stream_id 1-256 bytes of A-Z a-z 0-9 - _ . ~
 * \param view where to draw the video, or NULL for audio only.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE (engine or view);
 *          PARLEY_ERR_INVALID_ARGUMENT (stream_id NULL);
 *          PARLEY_ERR_INVALID_STREAM_ID; PARLEY_ERR_NOT_LOGGED_IN;
 *          PARLEY_ERR_VIEW_IN_USE (the view is attached to another preview
 *          or player); PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_player_state_update(PLAY_REQUESTING), then PLAYING when media
 * flows (or NO_PLAY with a play-range code); on_player_recv_video_first_frame,
 * on_player_video_size_changed and (with a view)
 * on_player_render_video_first_frame for the first frame, in that order;
 * on_player_quality_update every 3 s; on_player_media_event on stalls.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_start_playing_stream(parley_engine *e, const char *stream_id,
                                                                  parley_view *view);

/**
 * Stop playing a stream and detach its view. Not playing it is not an error:
 * nothing happens.
 *
 * \param e the engine.
 * \param stream_id 1-256 bytes of A-Z a-z 0-9 - _ . ~
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (stream_id NULL); PARLEY_ERR_INVALID_STREAM_ID.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 *
 * Events: on_player_state_update(NO_PLAY, PARLEY_OK) if it was playing.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_stop_playing_stream(parley_engine *e, const char *stream_id);

/**
 * Pull the mix of all played streams' audio (pull mode).
 *
 * Pull mode (PARLEY_AUDIO_OUTPUT_PULL) is the default: the engine opens no
 * playback device and the host plays the audio it pulls here; with
 * parley_set_audio_output(DEVICE) the mix goes to the speaker instead and
 * this function answers PARLEY_ERR_INVALID_ARGUMENT. Pull in real time,
 * about every 10 ms: the engine fills the buffer with the
 * next samples_per_channel frames of the mix, and with silence (zeros) where
 * it has nothing, so the call never blocks. An engine that plays nothing
 * returns silence.
 *
 * \param e the engine.
 * \param pcm receives samples_per_channel * channels 16-bit samples,
 *            channels interleaved.
 * \param samples_per_channel 1 to sample_rate (at most one second).
 * \param sample_rate 8000, 16000, 24000, 32000, 44100 or 48000.
 * \param channels 1 or 2.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (pcm NULL, counts or rates out of range); PARLEY_ERR_ENGINE_DESTROYED.
 *
 * \threadsafety It is safe to call this function from any thread (a game's
 *               audio thread, typically).
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_fetch_audio_pcm(parley_engine *e, int16_t *pcm,
                                                             uint32_t samples_per_channel,
                                                             uint32_t sample_rate, uint32_t channels);

/* ------------------------------------------------------------------------ */
/* Views: caller-owned RGBA buffers                                         */
/* ------------------------------------------------------------------------ */

/**
 * Create a view over a caller-owned RGBA8 buffer.
 *
 * Engines write each decoded or previewed frame into the buffer, scaled and
 * cropped per view_mode, flipped per flip_y, as RGBA8 with alpha 255 (bars
 * of ASPECT_FIT are opaque black). Until the first frame the buffer is left
 * as it is. A view belongs to no engine and can be attached to at most one
 * preview or player at a time.
 *
 * \param desc the buffer and how to fill it; copied (the pixels pointer is
 *             kept: the buffer must stay valid until parley_view_destroy
 *             returns).
 * \param out_view receives the view, or NULL on error.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_ARGUMENT (desc, out_view or pixels
 *          NULL, width or height outside 1-16384, stride below 4*width,
 *          unknown view_mode, flip_y not 0 or 1);
 *          PARLEY_ERR_INVALID_STRUCT_SIZE.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_view_create(const parley_view_desc *desc, parley_view **out_view);

/**
 * Take the view's buffer for reading (to upload it as a texture).
 *
 * Between parley_view_acquire and parley_view_release the engine never
 * writes the buffer; it keeps the newest frame and writes it after the
 * release. Acquire never waits longer than one frame write. Acquire and
 * release need not be on the same thread.
 *
 * \param v the view.
 * \param out_info receives the seq and sizes of the frame in the buffer
 *                 (set out_info->struct_size first); may be NULL.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE;
 *          PARLEY_ERR_INVALID_STRUCT_SIZE (out_info; the view is then not
 *          acquired); PARLEY_ERR_INVALID_ARGUMENT (already acquired and not
 *          yet released).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_view_acquire(parley_view *v, parley_frame_info *out_info);

/**
 * Give the view's buffer back to the engines.
 *
 * \param v the view.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_ARGUMENT
 *          (the view is not acquired).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_view_release(parley_view *v);

/**
 * Destroy a view.
 *
 * A view still attached to a preview or player is detached first (the
 * preview or player goes on without one), and an acquired view is released.
 * After this returns, no engine touches the buffer again and the handle is
 * invalid.
 *
 * \param v the view.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_view_destroy(parley_view *v);

/* ------------------------------------------------------------------------ */
/* Embedded server                                                          */
/* ------------------------------------------------------------------------ */

/**
 * Start the Parley server in this process (the same server as parleyd): for
 * local multiplayer, LAN play and hermetic tests.
 *
 * \param config_json the configuration, in the schema of parleyd's config
 *                    file, at least
 *                    {"listen": "127.0.0.1:0",
 *                     "apps": [{"app_id": 1, "app_sign": "<64 hex>",
 *                               "server_secret": "<32+ chars, signs tokens>"}]};
 *                    NULL for the dev defaults: listen on 127.0.0.1 on a free
 *                    port, no TLS, one app PARLEY_DEV_APP_ID with
 *                    PARLEY_DEV_APP_SIGN.
 * \param out_server receives the server, or NULL on error.
 * \param out_url receives the signaling URL clients use as server_url, such
 *                as "ws://127.0.0.1:40123", NUL-terminated;
 *                PARLEY_URL_CAPACITY bytes always suffice.
 * \param url_capacity the size of out_url in bytes, NUL included.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_ARGUMENT (out_server or out_url
 *          NULL); PARLEY_ERR_BUFFER_TOO_SMALL (the URL does not fit; the
 *          server is stopped again before the call returns);
 *          PARLEY_ERR_SERVER_CONFIG_INVALID; PARLEY_ERR_SERVER_LISTEN_FAILED.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_server_start(const char *config_json, parley_server **out_server,
                                                          char *out_url, uint32_t url_capacity);

/**
 * Stop an embedded server: closes its listener and every connection and
 * returns when it is stopped. Engines connected to it report RECONNECTING
 * and try to reconnect (a server started again on the same address gets
 * them back); after the reconnect window, RECONNECT_FAILED with
 * PARLEY_ERR_ROOM_NETWORK. The handle is invalid afterwards.
 *
 * \param s the server.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_server_stop(parley_server *s);

/* ------------------------------------------------------------------------ */
/* Logging                                                                  */
/* ------------------------------------------------------------------------ */

/**
 * Receive the library's log messages (process-wide).
 *
 * Without a callback, messages go to stderr. fn may be called from any
 * thread, also concurrently, so it must be thread-safe; message is valid
 * only during the call. Once this returns, the previous callback is not
 * called again (unless this is called from inside it).
 *
 * \param fn the callback, or NULL to log to stderr again.
 * \param user_data passed to fn.
 * \returns PARLEY_OK.
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_log_callback(parley_log_fn fn, void *user_data);

/**
 * Set the lowest level of message that is logged (process-wide; default
 * PARLEY_LOG_LEVEL_WARN).
 *
 * \param level a parley_log_level: 0 debug, 1 info, 2 warn, 3 error.
 * \returns PARLEY_OK; PARLEY_ERR_INVALID_ARGUMENT (another value).
 *
 * \threadsafety It is safe to call this function from any thread.
 *
 * \since ABI version 1.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_log_level(int32_t level);

/* ---- Mutes and mirroring ------------------------------------------------
 * Each returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE; PARLEY_ERR_INVALID_CHANNEL
 * or PARLEY_ERR_INVALID_ARGUMENT for values out of range. Thread-safe; callable
 * from callbacks; since ABI version 1 (appended). Switches may be set before
 * publishing and are kept across publishes.
 */

/**
 * Turn a channel's video source on (1) or off (0). Off, nothing is
 * captured — no preview frames, nothing sent — and remote users get
 * on_remote_camera_state_update(DISABLE); on again, OPEN, and the picture
 * resumes with a keyframe.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_enable_camera(parley_engine *e, int32_t enable, int32_t channel);

/**
 * Mute (1) or unmute (0) the engine's audio source for every stream.
 * Remote users get on_remote_mic_state_update(MUTE / OPEN).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_microphone(parley_engine *e, int32_t mute);

/**
 * Stop (1) or resume (0) sending a channel's audio (only MAIN carries audio).
 * Remote users get on_remote_mic_state_update(MUTE / OPEN).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_publish_stream_audio(parley_engine *e, int32_t mute, int32_t channel);

/**
 * Stop (1) or resume (0) sending a channel's video; the preview goes on.
 * Remote users get on_remote_camera_state_update(MUTE / OPEN) and no video
 * break is reported for the pause.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_publish_stream_video(parley_engine *e, int32_t mute, int32_t channel);

/**
 * Stop (1) or resume (0) playing a played stream's audio: it leaves the mix.
 * \returns also PARLEY_ERR_INVALID_STREAM_ID; PARLEY_ERR_PLAY_STREAM_NOT_FOUND
 *          when the stream is not being played.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_play_stream_audio(parley_engine *e, const char *stream_id, int32_t mute);

/**
 * Stop (1) or resume (0) rendering a played stream's video into its view
 * (decoding goes on, so unmuting shows the next frame at once). No video
 * break is reported while muted.
 * \returns also PARLEY_ERR_INVALID_STREAM_ID; PARLEY_ERR_PLAY_STREAM_NOT_FOUND.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_play_stream_video(parley_engine *e, const char *stream_id, int32_t mute);

/**
 * Mute (1) or unmute (0) all remote audio: parley_fetch_audio_pcm returns
 * silence while muted, or the speaker plays silence with
 * PARLEY_AUDIO_OUTPUT_DEVICE (the mix keeps its pace, so unmuting is instant).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_mute_speaker(parley_engine *e, int32_t mute);

/**
 * Choose what a channel mirrors (a parley_video_mirror_mode): the preview
 * only (the default, a selfie view), what is sent only, both, or neither.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_video_mirror_mode(parley_engine *e, int32_t mode, int32_t channel);

/* ------------------------------------------------------------------------ */
/* Devices (ABI version 1, appended)                                        */
/* ------------------------------------------------------------------------ */

/*
 * Cameras come from the platform's camera driver (V4L2 on Linux),
 * microphones and speakers from the audio backend (PulseAudio, ALSA, Core
 * Audio, WASAPI through miniaudio). Each call enumerates afresh, so a list
 * read with parley_get_device_count and parley_get_device_info may change
 * between the calls (a device plugged in or out): an index past the end is
 * PARLEY_ERR_INVALID_ARGUMENT. Every enumeration and open is bounded (3 s):
 * a wedged backend answers PARLEY_ERR_DEVICE_NOT_FOUND, never hangs. No
 * audio device is touched until one of these functions, a MICROPHONE
 * source or PARLEY_AUDIO_OUTPUT_DEVICE asks for it. docs/devices.md.
 *
 * Every function below returns PARLEY_OK; PARLEY_ERR_INVALID_HANDLE;
 * PARLEY_ERR_INVALID_ARGUMENT (unknown kind, NULL out pointer, index out of
 * range) and reports every failure through on_debug_error.
 * \threadsafety It is safe to call these functions from any thread.
 * \since ABI version 1.
 */

/** Count the devices of a kind (a parley_device_kind); 0 when there are none. */
extern PARLEY_API int32_t PARLEY_CALL parley_get_device_count(parley_engine *e, int32_t kind, uint32_t *out_count);

/**
 * Describe the device at index (0 = the default, when the backend knows it).
 * \returns also PARLEY_ERR_INVALID_STRUCT_SIZE (set out_info->struct_size first).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_get_device_info(parley_engine *e, int32_t kind, uint32_t index,
                                                             parley_device_info *out_info);

/**
 * Select the device of a kind by its id (NULL or "" = the system default).
 * A running camera or microphone capture, or the speaker, moves to it.
 * \returns also PARLEY_ERR_DEVICE_NOT_FOUND (no device with that id, or no
 *          device of that kind at all); the selection is then unchanged.
 */
extern PARLEY_API int32_t PARLEY_CALL parley_use_device(parley_engine *e, int32_t kind, const char *device_id);

/**
 * Choose where remote audio goes (a parley_audio_output). DEVICE opens the
 * selected speaker and plays the mix at the device's pace (parley_mute_speaker
 * silences it); parley_fetch_audio_pcm then answers PARLEY_ERR_INVALID_ARGUMENT.
 * PULL (the default) closes the speaker.
 * \returns also PARLEY_ERR_DEVICE_NOT_FOUND (DEVICE, when the speaker cannot
 *          be opened; the output stays as it was).
 */
extern PARLEY_API int32_t PARLEY_CALL parley_set_audio_output(parley_engine *e, int32_t output);

#endif /* PARLEY_NO_PROTOTYPES */

#ifdef __cplusplus
}
#endif

#endif /* PARLEY_H */
