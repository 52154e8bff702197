/*
 * chaos.h — what the files of the chaos test share (tests/c/chaos.c says
 * what it does):
 *   chaos_check.c    the documented codes of every function and the check of
 *                    each return code; the event handler and its checks
 *   chaos_ops.c      picking handles and arguments; engines, rooms,
 *                    publishing, playing, settings, servers, dead handles
 *   chaos_buffers.c  what hands the library memory: custom frames and PCM,
 *                    audio pulls, out structs of getters, views
 *   chaos.c          the threads, the watch over them and the final checks
 */
#ifndef PARLEY_TEST_CHAOS_H
#define PARLEY_TEST_CHAOS_H

#include "guarded.h"

#define N_WORKERS 8
#define ENGINE_SLOTS 4
#define VIEW_SLOTS 8
#define MAX_ENGINES 4096
#define DEAD_RING 64
#define N_ROOMS 2
#define N_STREAMS 6
#define N_BAD_IDS 8

#define FRAME_MAX_W 320
#define FRAME_MAX_H 240
#define FRAME_MAX_STRIDE (4 * FRAME_MAX_W + 8)
#define PCM_MAX_SAMPLES (48001 * 2)

#define LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#define ADD(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)

extern const char *const rooms[N_ROOMS];
extern const char *const streams[N_STREAMS];
extern const char *const bad_ids[N_BAD_IDS];

/* ---- return codes (chaos_check.c) ----------------------------------------------- */

/* The functions, or groups of alike functions, whose codes are counted. */
enum {
  F_ENGINE_CREATE, F_SET_HANDLER, F_ENGINE_DESTROY, F_POLL, F_LOGIN, F_LOGOUT, F_RENEW_TOKEN, F_PUBLISH,
  F_STOP_PUBLISH, F_PREVIEW, F_STOP_PREVIEW, F_VIDEO_CONFIG, F_VIDEO_SOURCE, F_AUDIO_SOURCE, F_CUSTOM_VIDEO,
  F_CUSTOM_AUDIO, F_PLAY, F_STOP_PLAY, F_FETCH_AUDIO, F_SWITCH, F_MUTE_PLAY, F_DEVICE_COUNT, F_DEVICE_INFO,
  F_USE_DEVICE, F_AUDIO_OUTPUT, F_VIEW_CREATE, F_VIEW_ACQUIRE, F_VIEW_RELEASE, F_VIEW_DESTROY, F_SERVER_START,
  F_SERVER_STOP, F_LOG_LEVEL, F_LOG_CALLBACK, N_FN
};

#define IH PARLEY_ERR_INVALID_HANDLE
#define IA PARLEY_ERR_INVALID_ARGUMENT
#define ISS PARLEY_ERR_INVALID_STRUCT_SIZE
#define IC PARLEY_ERR_INVALID_CHANNEL
#define ED PARLEY_ERR_ENGINE_DESTROYED
#define DNF PARLEY_ERR_DEVICE_NOT_FOUND
#define END (-1)

/* PARLEY_ERROR_LIST of the header this test was built with. */
extern const int32_t all_codes[];
extern const char *const all_names[];
extern const size_t n_codes;
/* The index of code in all_codes, or -1. */
int code_index(int32_t code);

/*
 * Fails unless rc is one of want (END-terminated), or with want NULL,
 * PARLEY_OK or a code f documents; never PARLEY_ERR_INTERNAL. live: the
 * handle may be destroyed by another thread meanwhile (INVALID_HANDLE, and
 * ENGINE_DESTROYED for engine functions, are then fine too). Counts rc.
 */
void expect_at(const char *file, int line, int f, int32_t rc, int live, const int32_t *want, const char *ctx);

/* EXPECT(f, rc, live, ctx, codes...): rc must be one of the codes. */
#define EXPECT(f, rc, live, ctx, ...)                               \
  do {                                                              \
    static const int32_t want_[] = {__VA_ARGS__, END};              \
    expect_at(__FILE__, __LINE__, (f), (rc), (live), want_, (ctx)); \
  } while (0)
/* EXPECT_DOC(f, rc, live, ctx): rc must be PARLEY_OK or one of f's documented codes. */
#define EXPECT_DOC(f, rc, live, ctx) expect_at(__FILE__, __LINE__, (f), (rc), (live), NULL, (ctx))

/*
 * The faults of one call: the codes of its bad arguments. The documented
 * check order names the first, but a call here may carry several, so any
 * of them will do; PARLEY_OK or a documented code when there is none.
 */
typedef struct faults {
  int32_t codes[8];
  int n;
} faults;

void fault(faults *fs, int32_t code);
void expect_faults_at(const char *file, int line, int f, int32_t rc, int live, faults *fs, const char *ctx);
#define EXPECT_FAULTS(f, rc, live, fs, ctx) expect_faults_at(__FILE__, __LINE__, (f), (rc), (live), (fs), (ctx))

/* ---- randomness -------------------------------------------------------------------- */

typedef struct rng {
  uint64_t s;
} rng;

static inline uint32_t rnd(rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t)((r->s * 2685821657736338717ULL) >> 32);
}

static inline uint32_t below(rng *r, uint32_t n) { return n == 0 ? 0 : rnd(r) % n; }
static inline int chance(rng *r, unsigned percent) { return below(r, 100) < percent; }

/* ---- shared state --------------------------------------------------------------------- */

typedef struct eng_rec {
  parley_engine *h;
  int index;
  int poll;        /* PARLEY_ENGINE_FLAG_POLL_EVENTS */
  int token_mode;  /* created without an app sign */
  int shared_user; /* its user ID is another engine's too: one kicks the other out */
  char user_id[16];
  int64_t destroy_after_ms; /* the destroy operation leaves it alone until then */
  /* atomics */
  int destroy_returned;
  int in_callback;
  int destroyed_calls;
  unsigned long callbacks;
  /* the event thread of an engine in event-thread mode */
  pthread_mutex_t mu;
  int have_thread;
  pthread_t thread;
} eng_rec;

typedef struct view_slot {
  g_view *g;
  int64_t destroy_after_ms;
} view_slot;

typedef struct worker {
  int id;
  rng r;
  pthread_t th;
  eng_rec *polling; /* the engine whose parley_engine_poll_events this thread is in */
  g_buf frame, pcm; /* FRAME_MAX_STRIDE * FRAME_MAX_H and PCM_MAX_SAMPLES samples */
  char ctx[160];    /* what the current call is about, for failure messages */
  char long_id[258]; /* an ID one byte too long (the longest, a stream ID, has 256) */
  /* atomics, for the hang check */
  int64_t op_start_ms;
  const char *op_name;
  unsigned long ops;
} worker;

/* Handles the threads share: slots hold live ones, rings recent dead ones. W.mu guards all. */
typedef struct world {
  pthread_mutex_t mu;
  parley_server *server;
  char url[PARLEY_URL_CAPACITY];
  char listen[64]; /* host:port of the main server */
  eng_rec *slots[ENGINE_SLOTS];
  eng_rec *engines[MAX_ENGINES]; /* every engine ever created */
  size_t n_engines;
  parley_engine *dead_engines[DEAD_RING];
  size_t n_dead_engines;
  view_slot views[VIEW_SLOTS];
  int view_busy[VIEW_SLOTS];
  parley_view *dead_views[DEAD_RING];
  size_t n_dead_views;
  parley_server *temp_server;
  int temp_busy;
  char temp_url[PARLEY_URL_CAPACITY];
  parley_server *dead_servers[DEAD_RING];
  size_t n_dead_servers;
  int stop;
} world;

extern world W;
/* A slot being filled or emptied (pickers skip it), and the user_data of handlers no engine should call. */
extern eng_rec reserved;
/* The worker of the calling thread (also the main thread's); NULL on the library's threads. */
extern pthread_key_t worker_key;
/* Views that held a frame when acquired. */
extern unsigned long frames_seen;

/* ---- events (chaos_check.c) -------------------------------------------------------------- */

/* The size of parley_event_handler in its first release, before the remote-device callbacks. */
#define HANDLER_V1_SIZE offsetof(parley_event_handler, on_remote_camera_state_update)

/* A handler whose callbacks check every event of rec's engine. */
parley_event_handler handler_for(eng_rec *rec, uint32_t size);
void PARLEY_CALL on_destroyed(void *rec);
/* For destroys that must fail: fails the test if it runs. */
void PARLEY_CALL on_destroyed_never(void *ud);
void PARLEY_CALL on_log(void *ud, int32_t level, const char *message);

typedef struct events {
  unsigned long callbacks, logined, login_failed, kicked, logout, reconnect_failed, publishing, publish_failed,
      playing, play_requesting, rendered_first, debug_errors, quality, cb_calls, logs;
} events;
/* What the callbacks saw (atomics). */
extern events ev;

/* Prints what every function returned and what the events carried. */
void print_stats(void);

/* ---- operations (chaos_ops.c, chaos_buffers.c) ------------------------------------------------ */

enum { LIVE, STALE, FOREIGN };
extern const char *const kind_names[];

/* An engine argument: a live one (rec set; another thread may destroy it meanwhile), a destroyed one, or no engine. */
typedef struct pick {
  parley_engine *h;
  eng_rec *rec;
  int kind;
} pick;

pick pick_engine(worker *w);
eng_rec *pick_slot(rng *r);
/* Starts fs: INVALID_HANDLE unless p is live; returns whether it is. */
int engine_faults(const pick *p, faults *fs);
/* A view argument: live, NULL, destroyed or of the wrong kind; *bad unless live or NULL. */
parley_view *pick_view(worker *w, int *bad, int *live);
int32_t pick_channel(worker *w, faults *fs);
const char *pick_stream(worker *w, faults *fs);
/* Something that is no view or server: NULL, junk, the host's memory or a live engine. */
void *foreign_not_engine(rng *r);

void ctxf(worker *w, const char *fmt, ...) H_PRINTF(2, 3);
/* The offset of the first of n bytes at p that is not byte, or -1: a failed call must write nothing. */
long first_changed(const void *p, size_t n, unsigned char byte);
/* now + a random time in [min_ms, max_ms). */
int64_t lifetime_ms(rng *r, int min_ms, int max_ms);
/* At most one yes in period_ms across all threads: gates what undoes the other threads' work. */
int rate_ok(int64_t *next_ms, int period_ms);
void ring_push(void **ring, size_t *n, void *h);
void *ring_pick(rng *r, void *const *ring, const size_t *n);

/* Destroys rec (which no slot holds any more) and checks the handle is dead. */
void destroy_engine(eng_rec *rec);

typedef struct op {
  const char *name;
  void (*fn)(worker *w);
  unsigned weight;
} op;

void op_engine_create(worker *w);
void op_engine_destroy(worker *w);
void op_set_handler(worker *w);
void op_poll(worker *w);
void op_login(worker *w);
void op_logout(worker *w);
void op_renew_token(worker *w);
void op_publish(worker *w);
void op_stop_publish(worker *w);
void op_preview(worker *w);
void op_play(worker *w);
void op_stop_play(worker *w);
void op_config(worker *w);
void op_server(worker *w);
void op_log(worker *w);
void op_dead_engine(worker *w);
void op_custom_video(worker *w);
void op_custom_audio(worker *w);
void op_fetch_audio(worker *w);
void op_getters(worker *w);
void op_devices(worker *w);
void op_view_create(worker *w);
void op_view_destroy(worker *w);
void op_view_acquire(worker *w);

#endif /* PARLEY_TEST_CHAOS_H */
