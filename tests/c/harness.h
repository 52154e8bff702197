/*
 * harness.h — helpers for Parley's C tests (C99, POSIX threads).
 *
 * The tests are written only from include/parley.h: they are what a game
 * engine or a binding sees. Every wait is bounded; every failure prints
 * file:line, what was expected and what came, dumps the events every
 * recorder saw, and exits non-zero without running exit handlers (the Go
 * runtime may still be delivering callbacks then).
 *
 * Environment:
 *   PARLEY_TEST_TIME_SCALE   multiplies every timeout (default 1; the ASan
 *                            build sets 3, the valgrind build 20)
 *   PARLEY_TEST_WATCHDOG_S   seconds before a hung test dumps its state and
 *                            exits (default 100, times the time scale)
 *   PARLEY_TEST_VERBOSE      1: print every event as it is recorded
 */
#ifndef PARLEY_TEST_HARNESS_H
#define PARLEY_TEST_HARNESS_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* ---- failing ---------------------------------------------------------- */

#if defined(__GNUC__)
#define H_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define H_NORETURN __attribute__((noreturn))
#else
#define H_PRINTF(a, b)
#define H_NORETURN
#endif

/* Prints "file:line: message", dumps every recorder and exits with status 1. */
H_NORETURN void h_fail(const char *file, int line, const char *fmt, ...) H_PRINTF(3, 4);

/* Counts passed checks, for the closing line. */
void h_count_check(void);

#define CHECK(cond)                                                  \
  do {                                                               \
    if (!(cond)) h_fail(__FILE__, __LINE__, "CHECK(%s) failed", #cond); \
    h_count_check();                                                 \
  } while (0)

#define CHECKF(cond, ...)                                            \
  do {                                                               \
    if (!(cond)) h_fail(__FILE__, __LINE__, __VA_ARGS__);            \
    h_count_check();                                                 \
  } while (0)

/* CHECK_CODE(PARLEY_ERR_INVALID_ARGUMENT, parley_login_room(...)) */
#define CHECK_CODE(expected, call)                                                        \
  do {                                                                                    \
    int32_t h_rc_ = (call);                                                               \
    int32_t h_want_ = (expected);                                                         \
    if (h_rc_ != h_want_)                                                                 \
      h_fail(__FILE__, __LINE__, "%s\n    returned %s (%ld), want %s (%ld)", #call,       \
             parley_error_name(h_rc_), (long)h_rc_, parley_error_name(h_want_),           \
             (long)h_want_);                                                              \
    h_count_check();                                                                      \
  } while (0)

#define CHECK_OK(call) CHECK_CODE(PARLEY_OK, call)

/* ---- test lifecycle, time, waiting ------------------------------------ */

/* Call first in main: names the test, records the main thread, starts the watchdog. */
void h_init(const char *test_name);
/* Call last in main: prints "<test>: N checks passed" and returns 0. */
int h_done(void);
/* Names what the test is doing now (printed with a timestamp, and by the watchdog). */
void h_phase(const char *fmt, ...) H_PRINTF(1, 2);

pthread_t h_main_thread(void);
double h_time_scale(void);
/* A timeout of ms milliseconds, multiplied by PARLEY_TEST_TIME_SCALE. */
int h_scaled_ms(int ms);
/* Milliseconds of CLOCK_MONOTONIC. */
int64_t h_now_ms(void);
/* Milliseconds of the Unix clock (CLOCK_REALTIME). */
int64_t h_unix_ms(void);
void h_sleep_ms(int ms);

/*
 * A pump runs in every iteration of every wait of the main thread. The poll
 * test installs one that calls parley_engine_poll_events for its engines.
 */
typedef void (*h_pump_fn)(void *ud);
void h_set_pump(h_pump_fn fn, void *ud);
void h_pump(void);

/* Sleeps ms (not scaled) while pumping. */
void h_sleep_pumping(int ms);

/* Returns 1 as soon as cond(ud) is true, 0 after timeout_ms (scaled). Pumps. */
typedef int (*h_cond_fn)(void *ud);
int h_wait_until(h_cond_fn cond, void *ud, int timeout_ms);

/* ---- event recorder ---------------------------------------------------- */

/*
 * A recorder is an engine's event handler that writes every event as a line,
 * such as "room_state room-1 LOGINED 0", into a list the test inspects:
 *
 *   debug_error <CODE_NAME> <func_name>: <info>
 *   room_state <room> <REASON> <error_code>
 *   user_update <room> <ADD|DELETE> <user_id>               (one line per user)
 *   stream_update <room> <ADD|DELETE> <stream_id> <user_id> (one line per stream)
 *   token_will_expire <room> <seconds>
 *   publisher_state <stream> <STATE> <error_code>
 *   publisher_quality <stream>
 *   captured_first_frame <channel>
 *   player_state <stream> <STATE> <error_code>
 *   player_quality <stream>
 *   player_media_event <stream> <EVENT>
 *   recv_first_frame <stream>
 *   render_first_frame <stream>
 *   video_size <stream> <width> <height>
 *
 * It also checks what every callback must satisfy and counts violations:
 * the thread rule, no two callbacks of one engine at once, no NULL strings,
 * struct_size of structs handed in, enum values in range.
 */
typedef struct h_recorder h_recorder;

enum {
  H_THREAD_ANY = 0,          /* no rule */
  H_THREAD_ONE_NOT_MAIN = 1, /* default mode: one event thread, never the main thread */
  H_THREAD_MAIN_ONLY = 2     /* poll mode: only the thread that polls (the main thread) */
};

h_recorder *h_rec_new(const char *name, int thread_rule);
/* Frees the recorder; only after its engine is destroyed. */
void h_rec_free(h_recorder *r);
/* An event handler whose callbacks all record into r. */
parley_event_handler h_rec_handler(h_recorder *r);

/* Called after every recorded line, on the callback's thread, outside the recorder's lock. */
typedef void (*h_hook_fn)(void *hook_ud, const char *line);
void h_rec_set_hook(h_recorder *r, h_hook_fn fn, void *hook_ud);

/* Number of callbacks so far (every callback, including those that record no line). */
size_t h_rec_callbacks(h_recorder *r);
size_t h_rec_size(h_recorder *r);
/* Index of the first line equal to line at or after from, or -1. */
long h_rec_find(h_recorder *r, const char *line, size_t from);
/* Index of the first line starting with prefix at or after from, or -1. */
long h_rec_find_prefix(h_recorder *r, const char *prefix, size_t from);
size_t h_rec_count_prefix(h_recorder *r, const char *prefix);
/* Waits (scaled, pumping) for a line equal to line; returns its index or -1. */
long h_rec_wait(h_recorder *r, const char *line, int timeout_ms);
long h_rec_wait_prefix(h_recorder *r, const char *prefix, int timeout_ms);
/* Waits for a line equal to line at index from or later; returns its index or -1. */
long h_rec_wait_from(h_recorder *r, const char *line, size_t from, int timeout_ms);
void h_rec_dump(h_recorder *r, FILE *f);
/* Fails the test if any callback broke a rule. */
void h_rec_check_clean_at(h_recorder *r, const char *file, int line);
#define h_rec_check_clean(r) h_rec_check_clean_at((r), __FILE__, __LINE__)

/* Waits for an event line or fails, dumping the recorder. Evaluates to its index. */
long h_expect_event_at(h_recorder *r, const char *line, int timeout_ms, const char *file, int src_line);
#define EXPECT_EVENT(r, line, timeout_ms) h_expect_event_at((r), (line), (timeout_ms), __FILE__, __LINE__)
/* Fails unless line a comes before line b (both must have been recorded). */
void h_expect_order_at(h_recorder *r, const char *a, const char *b, const char *file, int src_line);
#define EXPECT_ORDER(r, a, b) h_expect_order_at((r), (a), (b), __FILE__, __LINE__)

/* The best quality values seen so far. */
typedef struct h_quality {
  unsigned publish_updates;
  double publish_max_send_fps;
  double publish_max_video_kbps;
  double publish_max_audio_kbps;
  unsigned play_updates;
  double play_max_recv_fps;
  double play_max_video_kbps;
  double play_max_audio_kbps;
  int32_t play_last_width;
  int32_t play_last_height;
} h_quality;
h_quality h_rec_quality(h_recorder *r);

/* Names of enum values as used in the lines ("LOGINED", "PLAYING", ...); "?" if out of range. */
const char *h_room_reason_name(int32_t reason);
const char *h_publisher_state_name(int32_t state);
const char *h_player_state_name(int32_t state);
const char *h_update_type_name(int32_t type);
const char *h_media_event_name(int32_t event);

/* ---- engines, servers -------------------------------------------------- */

/* Starts a dev server (NULL config); url receives its URL. */
parley_server *h_server_start(char *url, size_t url_size);

/* Creates an engine for the dev app at url, with r's handler. */
parley_engine *h_engine_new(const char *url, h_recorder *r, uint32_t flags);

/* Logs in and waits for LOGINED (fails otherwise). */
void h_login(parley_engine *e, h_recorder *r, const char *room, const char *user_id, int notify);

/* Destroys e and waits until on_destroyed has run exactly once. */
void h_destroy_engine(parley_engine *e);

/* ---- media: custom video and audio pushed from threads ------------------ */

typedef struct h_push_stats {
  unsigned long ok;          /* PARLEY_OK */
  unsigned long dead;        /* INVALID_HANDLE or ENGINE_DESTROYED after h_pusher_allow_dead */
  unsigned long unexpected;  /* anything else */
  int32_t first_unexpected;  /* the first unexpected code, PARLEY_OK if none */
} h_push_stats;

typedef struct h_pusher h_pusher;

/*
 * Pushes solid-colour RGBA frames of width x height (with a padded stride)
 * at fps into channel, from a thread, until stopped.
 */
h_pusher *h_video_pusher_start(parley_engine *e, int32_t channel, uint32_t width, uint32_t height, int fps,
                               uint8_t r, uint8_t g, uint8_t b);
void h_video_pusher_set_color(h_pusher *p, uint8_t r, uint8_t g, uint8_t b);

/* Pushes a sine tone as 10 ms chunks of 16-bit PCM, in real time, from a thread. */
h_pusher *h_tone_pusher_start(parley_engine *e, double freq_hz, uint32_t sample_rate, uint32_t channels,
                              double amplitude);

/* From now on INVALID_HANDLE and ENGINE_DESTROYED are expected (the engine is being destroyed). */
void h_pusher_allow_dead(h_pusher *p);
/* Stops and joins the thread; returns what the calls returned. */
h_push_stats h_pusher_stop(h_pusher *p);
h_push_stats h_pusher_stats(h_pusher *p);

/* ---- audio analysis ------------------------------------------------------ */

/* Goertzel power of freq_hz in n mono samples. */
double h_goertzel_power(const int16_t *pcm, size_t n, double freq_hz, double sample_rate);
/* Share of the signal's energy at freq_hz: about 1 for a pure tone on a bin, about 0 for noise or silence. */
double h_tone_fraction(const int16_t *pcm, size_t n, double freq_hz, double sample_rate);
double h_rms(const int16_t *pcm, size_t n);

typedef struct h_audio_stats {
  unsigned chunks;       /* 10 ms chunks fetched */
  unsigned tone_chunks;  /* chunks where the tone dominates (fraction > 0.5 and rms > 300) */
  unsigned loud_chunks;  /* chunks with rms > 100 */
  double max_rms;
  double max_fraction;
} h_audio_stats;

/*
 * Fetches mono PCM at sample_rate in 10 ms chunks, in real time, on the
 * calling thread (pumping), for at most max_ms (scaled), stopping early
 * once want_tone_chunks chunks had the tone or want_loud_chunks chunks had
 * sound (0: that condition never stops it).
 */
h_audio_stats h_fetch_audio(parley_engine *e, uint32_t sample_rate, double freq_hz, int max_ms,
                            unsigned want_tone_chunks, unsigned want_loud_chunks);

/* ---- views --------------------------------------------------------------- */

/*
 * A view over a buffer with a padded stride and guard bytes after the end;
 * the padding and the guard are filled with a pattern the engine must never
 * touch, and the pixels start as transparent magenta (alpha 0).
 */
typedef struct h_view {
  parley_view *view;
  uint8_t *mem;      /* pixels, then the guard */
  uint32_t width, height, stride;
  size_t size;       /* stride * height */
} h_view;

typedef struct h_view_sample {
  parley_frame_info info;
  uint8_t center[4];         /* RGBA of the centre pixel */
  unsigned min_alpha;        /* over every pixel */
  double nonblack_fraction;  /* pixels with a colour channel above 48 */
  int padding_intact;        /* stride padding never written */
  int guard_intact;          /* bytes after the buffer never written */
} h_view_sample;

h_view *h_view_new(uint32_t width, uint32_t height, int32_t view_mode);
/* Acquires, reads, releases (fails the test if acquire or release fails). */
h_view_sample h_view_read(h_view *v);
/* Destroys the view (expects PARLEY_OK) and frees the memory. */
void h_view_free(h_view *v);

/* Waits until the view's seq is above seq (returns the sample), or fails. */
h_view_sample h_view_wait_seq_at(h_view *v, uint64_t seq, int timeout_ms, const char *file, int line);
#define h_view_wait_seq(v, seq, timeout_ms) h_view_wait_seq_at((v), (seq), (timeout_ms), __FILE__, __LINE__)

/* Waits until the centre pixel is within tol of (r, g, b), or fails. */
h_view_sample h_view_wait_color_at(h_view *v, uint8_t r, uint8_t g, uint8_t b, int tol, int timeout_ms,
                                   const char *file, int line);
#define h_view_wait_color(v, r, g, b, tol, timeout_ms) \
  h_view_wait_color_at((v), (r), (g), (b), (tol), (timeout_ms), __FILE__, __LINE__)

int h_color_near(const uint8_t px[4], uint8_t r, uint8_t g, uint8_t b, int tol);

#endif /* PARLEY_TEST_HARNESS_H */
