/* chaos_ops.c — the chaos test's operations on engines, rooms, streams,
 * settings and servers, and how they pick their handles (chaos.h). */
#include "chaos.h"

#include <stdarg.h>

const char *const rooms[N_ROOMS] = {"chaos-a", "chaos-b"};
const char *const streams[N_STREAMS] = {"cs-0", "cs-1", "cs-2", "cs-3", "cs-4", "cs-5"};
const char *const bad_ids[N_BAD_IDS] = {"", "a b", "a/b", "\xc3\xa9", "a:b", "a%20b", "\xff", "tab\t"};

/* ---- helpers ------------------------------------------------------------------ */

void ctxf(worker *w, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(w->ctx, sizeof w->ctx, fmt, ap);
  va_end(ap);
}

long first_changed(const void *p, size_t n, unsigned char byte) {
  const unsigned char *b = p;
  size_t i;
  for (i = 0; i < n; i++)
    if (b[i] != byte) return (long)i;
  return -1;
}

int64_t lifetime_ms(rng *r, int min_ms, int max_ms) {
  return h_now_ms() + min_ms + (int64_t)below(r, (uint32_t)(max_ms - min_ms));
}

int rate_ok(int64_t *next_ms, int period_ms) {
  int64_t now = h_now_ms(), next = LOAD(next_ms);
  if (now < next) return 0;
  return __atomic_compare_exchange_n(next_ms, &next, now + period_ms, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void ring_push(void **ring, size_t *n, void *h) {
  pthread_mutex_lock(&W.mu);
  ring[*n % DEAD_RING] = h;
  (*n)++;
  pthread_mutex_unlock(&W.mu);
}

void *ring_pick(rng *r, void *const *ring, const size_t *n) {
  void *h = NULL;
  pthread_mutex_lock(&W.mu);
  if (*n > 0) h = ring[below(r, *n < DEAD_RING ? (uint32_t)*n : DEAD_RING)];
  pthread_mutex_unlock(&W.mu);
  return h;
}

/* ---- picking handles ---------------------------------------------------------------- */

const char *const kind_names[] = {"live", "destroyed", "foreign"};

static g_view *pick_view_rec(rng *r);

/* Something that is no engine: NULL, junk, the host's own memory, a server or a view. */
static void *foreign(rng *r) {
  switch (below(r, 6)) {
  case 0: return NULL;
  case 1: return (void *)(uintptr_t)1;
  case 2: return (void *)&W;
  case 3: return (void *)(uintptr_t)UINTPTR_MAX;
  case 4: return W.server;
  default: {
    g_view *v = pick_view_rec(r);
    return v != NULL ? (void *)v->view : NULL;
  }
  }
}

eng_rec *pick_slot(rng *r) {
  eng_rec *rec;
  pthread_mutex_lock(&W.mu);
  rec = W.slots[below(r, ENGINE_SLOTS)];
  pthread_mutex_unlock(&W.mu);
  return rec == &reserved ? NULL : rec;
}

pick pick_engine(worker *w) {
  pick p;
  unsigned roll = below(&w->r, 100);
  memset(&p, 0, sizeof p);
  if (roll < 88 && (p.rec = pick_slot(&w->r)) != NULL) {
    p.kind = LIVE;
    p.h = p.rec->h;
  } else if (roll < 94 && (p.h = ring_pick(&w->r, (void *const *)W.dead_engines, &W.n_dead_engines)) != NULL) {
    p.kind = STALE;
  } else {
    p.kind = FOREIGN;
    p.rec = NULL;
    p.h = foreign(&w->r);
  }
  return p;
}

void *foreign_not_engine(rng *r) {
  eng_rec *rec;
  switch (below(r, 4)) {
  case 0: return NULL;
  case 1: return (void *)(uintptr_t)1;
  case 2: return (void *)&W;
  default: return (rec = pick_slot(r)) != NULL ? (void *)rec->h : NULL;
  }
}

static g_view *pick_view_rec(rng *r) {
  g_view *v;
  pthread_mutex_lock(&W.mu);
  v = W.views[below(r, VIEW_SLOTS)].g;
  pthread_mutex_unlock(&W.mu);
  return v;
}

parley_view *pick_view(worker *w, int *bad, int *live) {
  unsigned roll = below(&w->r, 100);
  g_view *v;
  parley_view *h;
  *bad = 0;
  *live = 0;
  if (roll < 60 && (v = pick_view_rec(&w->r)) != NULL) {
    *live = 1;
    return v->view;
  }
  if (roll < 80) return NULL;
  *bad = 1;
  if (roll < 90 && (h = ring_pick(&w->r, (void *const *)W.dead_views, &W.n_dead_views)) != NULL) return h;
  if (chance(&w->r, 20)) return (parley_view *)(void *)W.server;
  h = foreign_not_engine(&w->r);
  return h != NULL ? h : (parley_view *)(uintptr_t)1;
}

int engine_faults(const pick *p, faults *fs) {
  fs->n = 0;
  fs->codes[0] = END;
  if (p->kind != LIVE) fault(fs, IH);
  return p->kind == LIVE;
}

/*
 * An ID argument: mostly one of good (n of them); else NULL (INVALID_ARGUMENT
 * unless null_ok), one byte longer than max_len, or a bad ID (bad_code).
 */
static const char *pick_id(worker *w, faults *fs, const char *const *good, uint32_t n, int null_ok, size_t max_len,
                           int32_t bad_code) {
  unsigned roll = below(&w->r, 100);
  if (roll < 86) return good[below(&w->r, n)];
  if (roll < 90) {
    if (!null_ok) fault(fs, IA);
    return NULL;
  }
  fault(fs, bad_code);
  if (roll < 93) {
    memset(w->long_id, 'x', max_len + 1);
    w->long_id[max_len + 1] = '\0';
    return w->long_id;
  }
  return bad_ids[below(&w->r, N_BAD_IDS)];
}

static const char *pick_room(worker *w, faults *fs, int null_ok) {
  return pick_id(w, fs, rooms, N_ROOMS, null_ok, 128, PARLEY_ERR_INVALID_ROOM_ID);
}

const char *pick_stream(worker *w, faults *fs) {
  return pick_id(w, fs, streams, N_STREAMS, 0, 256, PARLEY_ERR_INVALID_STREAM_ID);
}

int32_t pick_channel(worker *w, faults *fs) {
  static const int32_t bad[] = {-1, 2, 99, INT32_MIN, INT32_MAX};
  if (chance(&w->r, 92)) return (int32_t)below(&w->r, 2);
  fault(fs, IC);
  return bad[below(&w->r, 5)];
}

/* ---- engines ---------------------------------------------------------------------------- */

static void set_small_video(parley_engine *e, int32_t channel) {
  parley_video_config vc;
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = vc.encode_width = 160;
  vc.capture_height = vc.encode_height = 120;
  vc.fps = 10;
  vc.bitrate_kbps = 300;
  EXPECT(F_VIDEO_CONFIG, parley_set_video_config(e, &vc, channel), 0, "fresh engine", PARLEY_OK);
}

/* Creating with exactly one thing wrong: that thing's code, and NULL in *out. */
static void create_bad(worker *w) {
  parley_engine_profile p;
  parley_event_handler h = handler_for(&reserved, sizeof h);
  parley_event_handler *hp = NULL;
  parley_engine *e = (parley_engine *)(void *)&W, **out = &e;
  const parley_engine_profile *pp = &p;
  int32_t want, rc;
  static const char *const bad_signs[] = {"00", "0001020304050607080910111213141516171819202122232425262728293031zz",
                                          "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                                          "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f00"};
  static const char *const bad_urls[] = {"http://127.0.0.1:1", "127.0.0.1:7880", "tcp://127.0.0.1:1", "\xff"};
  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.app_id = PARLEY_DEV_APP_ID;
  p.app_sign = PARLEY_DEV_APP_SIGN;
  p.server_url = W.url;
  switch (below(&w->r, 9)) {
  case 0: pp = NULL; want = IA; break;
  case 1: out = NULL; want = IA; break;
  case 2: p.struct_size = below(&w->r, sizeof p); want = ISS; break;
  case 3: h.struct_size = below(&w->r, HANDLER_V1_SIZE); hp = &h; want = ISS; break;
  case 4: p.app_id = 0; want = IA; break;
  case 5: p.scenario = chance(&w->r, 50) ? 11 : -1; want = IA; break;
  case 6: p.flags = 2u << below(&w->r, 30); want = IA; break;
  case 7: p.app_sign = bad_signs[below(&w->r, 4)]; want = PARLEY_ERR_INVALID_APP_SIGN; break;
  default: p.server_url = bad_urls[below(&w->r, 4)]; want = PARLEY_ERR_INVALID_SERVER_URL; break;
  }
  rc = parley_engine_create(pp, hp, out);
  ctxf(w, "profile with one fault, want %s", parley_error_name(want));
  expect_at(__FILE__, __LINE__, F_ENGINE_CREATE, rc, 0, (int32_t[]){want, END}, w->ctx);
  CHECKF(out == NULL || e == NULL, "a failed parley_engine_create left *out_engine non-NULL");
}

void op_engine_create(worker *w) {
  int slot = -1, i, start = (int)below(&w->r, ENGINE_SLOTS);
  eng_rec *rec;
  parley_engine_profile p;
  parley_event_handler h;
  unsigned char big[sizeof(parley_engine_profile) + 16];
  parley_engine *e = (parley_engine *)(void *)&W;
  int32_t rc;
  int steady; /* the engines of the first two slots can always log in, so that every run streams */

  pthread_mutex_lock(&W.mu);
  for (i = 0; i < ENGINE_SLOTS && slot < 0; i++)
    if (W.slots[(start + i) % ENGINE_SLOTS] == NULL) slot = (start + i) % ENGINE_SLOTS;
  if (slot >= 0 && W.n_engines < MAX_ENGINES) W.slots[slot] = &reserved;
  else slot = -1;
  pthread_mutex_unlock(&W.mu);
  if (slot < 0 || chance(&w->r, 30)) {
    if (slot >= 0) {
      pthread_mutex_lock(&W.mu);
      W.slots[slot] = NULL;
      pthread_mutex_unlock(&W.mu);
    }
    create_bad(w);
    return;
  }

  rec = calloc(1, sizeof *rec);
  CHECK(rec != NULL);
  pthread_mutex_init(&rec->mu, NULL);
  pthread_mutex_lock(&W.mu);
  rec->index = (int)W.n_engines;
  W.engines[W.n_engines++] = rec;
  pthread_mutex_unlock(&W.mu);
  steady = slot < 2;
  rec->poll = chance(&w->r, 30);
  rec->token_mode = !steady && chance(&w->r, 15);
  rec->shared_user = !steady && chance(&w->r, 40);
  if (rec->shared_user) snprintf(rec->user_id, sizeof rec->user_id, "u-shared");
  else snprintf(rec->user_id, sizeof rec->user_id, "u%d", rec->index);
  rec->destroy_after_ms = lifetime_ms(&w->r, 3000, 12000);

  memset(&p, 0, sizeof p);
  p.struct_size = sizeof p;
  p.app_id = PARLEY_DEV_APP_ID;
  p.app_sign = rec->token_mode ? (chance(&w->r, 50) ? NULL : "") : PARLEY_DEV_APP_SIGN;
  p.scenario = chance(&w->r, 30) ? 0 : 3 + (int32_t)below(&w->r, 8);
  p.flags = rec->poll ? PARLEY_ENGINE_FLAG_POLL_EVENTS : 0;
  {
    char url[PARLEY_URL_CAPACITY];
    unsigned roll = steady ? 99 : below(&w->r, 100);
    pthread_mutex_lock(&W.mu);
    snprintf(url, sizeof url, "%s", roll < 15 && W.temp_server != NULL ? W.temp_url : W.url);
    pthread_mutex_unlock(&W.mu);
    p.server_url = roll >= 15 && roll < 25 ? "ws://127.0.0.1:9" : url; /* nobody listens on the discard port */
    h = handler_for(rec, chance(&w->r, 15) ? (uint32_t)HANDLER_V1_SIZE : (uint32_t)sizeof h);
    if (chance(&w->r, 15)) {
      /* A newer header's larger struct: the extra bytes must be ignored. */
      memset(big, 0x5c, sizeof big);
      memcpy(big, &p, sizeof p);
      ((parley_engine_profile *)(void *)big)->struct_size = sizeof big;
      rc = parley_engine_create((const parley_engine_profile *)(void *)big, &h, &e);
    } else {
      rc = parley_engine_create(&p, !steady && chance(&w->r, 10) ? NULL : &h, &e);
    }
  }
  EXPECT(F_ENGINE_CREATE, rc, 0, "a good profile", PARLEY_OK);
  CHECK(e != NULL);
  STORE(&rec->h, e);
  set_small_video(e, PARLEY_PUBLISH_CHANNEL_MAIN);
  set_small_video(e, PARLEY_PUBLISH_CHANNEL_AUX);
  pthread_mutex_lock(&W.mu);
  W.slots[slot] = rec;
  pthread_mutex_unlock(&W.mu);
}

void destroy_engine(eng_rec *rec) {
  EXPECT(F_ENGINE_DESTROY, parley_engine_destroy(rec->h, on_destroyed, rec), 0, "the only destroy", PARLEY_OK);
  STORE(&rec->destroy_returned, 1);
  EXPECT(F_ENGINE_DESTROY, parley_engine_destroy(rec->h, on_destroyed_never, NULL), 0, "a second destroy", IH);
  ring_push((void **)W.dead_engines, &W.n_dead_engines, rec->h);
}

void op_engine_destroy(worker *w) {
  int slot = (int)below(&w->r, ENGINE_SLOTS);
  eng_rec *rec;
  pthread_mutex_lock(&W.mu);
  rec = W.slots[slot];
  if (rec == &reserved || (rec != NULL && h_now_ms() < rec->destroy_after_ms)) rec = NULL;
  if (rec != NULL) W.slots[slot] = NULL;
  pthread_mutex_unlock(&W.mu);
  if (rec != NULL) {
    destroy_engine(rec);
    return;
  }
  {
    parley_engine *dead = ring_pick(&w->r, (void *const *)W.dead_engines, &W.n_dead_engines);
    void *other = foreign(&w->r);
    EXPECT(F_ENGINE_DESTROY, parley_engine_destroy(dead, on_destroyed_never, NULL), 0, "destroyed engine", IH);
    EXPECT(F_ENGINE_DESTROY, parley_engine_destroy((parley_engine *)other, on_destroyed_never, NULL), 0,
           "no engine", IH);
  }
}

void op_set_handler(worker *w) {
  static int64_t next_null;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  parley_event_handler h = handler_for(p.rec != NULL ? p.rec : &reserved, sizeof h);
  const parley_event_handler *hp = &h;
  unsigned roll = below(&w->r, 100);
  if (roll < 15) {
    h.struct_size = below(&w->r, HANDLER_V1_SIZE);
    fault(&fs, ISS);
  } else if (roll < 30) {
    h = handler_for(p.rec != NULL ? p.rec : &reserved, (uint32_t)HANDLER_V1_SIZE);
  } else if (roll < 35 && rate_ok(&next_null, 2000)) {
    hp = NULL; /* the engine's events are dropped until a later call sets a handler again */
  }
  ctxf(w, "%s engine", kind_names[p.kind]);
  EXPECT_FAULTS(F_SET_HANDLER, parley_engine_set_event_handler(p.h, hp), live, &fs, w->ctx);
}

void op_poll(worker *w) {
  static const uint32_t maxes[] = {0, 1, 3, 64, UINT32_MAX};
  pick p = pick_engine(w);
  uint32_t n = 0xdeadbeefu, max = maxes[below(&w->r, 5)];
  uint32_t *np = chance(&w->r, 80) ? &n : NULL;
  int32_t rc;
  ctxf(w, "%s engine", kind_names[p.kind]);
  w->polling = p.rec;
  rc = parley_engine_poll_events(p.h, max, np);
  w->polling = NULL;
  if (p.kind != LIVE) EXPECT(F_POLL, rc, 0, w->ctx, IH);
  else if (p.rec->poll) EXPECT(F_POLL, rc, 1, "poll-mode engine", PARLEY_OK);
  else EXPECT(F_POLL, rc, 1, "event-thread engine", IA);
  if (rc == PARLEY_OK && np != NULL)
    CHECKF(n != 0xdeadbeefu && (max == 0 || n <= max), "parley_engine_poll_events(max %u) reported %u events", max, n);
}

/* ---- rooms -------------------------------------------------------------------------------- */

void op_login(worker *w) {
  static int64_t next_shared;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  const char *room = pick_room(w, &fs, 0);
  parley_user u, *up = &u;
  parley_room_config c, *cp = NULL;
  static char long_user[66], long_name[258], full_name[257];
  unsigned roll = below(&w->r, 100);
  memset(&u, 0, sizeof u);
  u.user_id = p.rec != NULL ? p.rec->user_id : "u-dead";
  if (p.rec != NULL && p.rec->shared_user && !rate_ok(&next_shared, 1500)) {
    /* Engines sharing a user ID kick each other out: not at every turn. */
    u.user_id = bad_ids[below(&w->r, N_BAD_IDS)];
    fault(&fs, PARLEY_ERR_INVALID_USER_ID);
  } else if (roll < 8) {
    up = NULL;
    fault(&fs, IA);
  } else if (roll < 10) {
    u.user_id = NULL;
    fault(&fs, IA);
  } else if (roll < 16) {
    memset(long_user, 'u', 65);
    u.user_id = chance(&w->r, 30) ? long_user : bad_ids[below(&w->r, N_BAD_IDS)];
    fault(&fs, PARLEY_ERR_INVALID_USER_ID);
  }
  roll = below(&w->r, 100);
  if (roll < 50) {
    u.user_name = roll < 25 ? NULL : "Chaos Player \xc3\xa9";
  } else if (roll < 60) {
    memset(full_name, 'n', 256);
    u.user_name = full_name;
  } else if (roll < 66) {
    memset(long_name, 'n', 257);
    u.user_name = chance(&w->r, 50) ? long_name : "bad \xff\xfe utf-8";
    fault(&fs, PARLEY_ERR_INVALID_USER_NAME);
  }
  roll = below(&w->r, 100);
  if (roll < 55) {
    memset(&c, 0, sizeof c);
    c.struct_size = sizeof c;
    c.max_member_count = below(&w->r, 4) == 0 ? 1 + below(&w->r, 3) : 0;
    c.is_user_status_notify = (int32_t)below(&w->r, 2);
    c.token = p.rec != NULL && p.rec->token_mode && chance(&w->r, 70) ? "not-a-token" : NULL;
    if (roll < 8) {
      c.struct_size = below(&w->r, sizeof c);
      fault(&fs, ISS);
    }
    cp = &c;
  }
  ctxf(w, "%s engine, room %s, user %s", kind_names[p.kind], room ? room : "NULL",
       up && u.user_id ? u.user_id : "NULL");
  EXPECT_FAULTS(F_LOGIN, parley_login_room(p.h, room, up, cp), live, &fs, w->ctx);
}

void op_logout(worker *w) {
  static int64_t next_logout;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  const char *room;
  if (live && !rate_ok(&next_logout, 700)) {
    fault(&fs, PARLEY_ERR_INVALID_ROOM_ID); /* too soon to undo a login: a bad room ID instead */
    room = bad_ids[below(&w->r, N_BAD_IDS)];
  } else {
    room = pick_room(w, &fs, 1);
  }
  ctxf(w, "%s engine, room %s", kind_names[p.kind], room ? room : "NULL (all)");
  EXPECT_FAULTS(F_LOGOUT, parley_logout_room(p.h, room), live, &fs, w->ctx);
}

void op_renew_token(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  const char *room = pick_room(w, &fs, 0);
  const char *token = chance(&w->r, 10) ? NULL : chance(&w->r, 50) ? "" : "not.a.token";
  if (token == NULL) fault(&fs, IA);
  ctxf(w, "%s engine, token %s", kind_names[p.kind], token ? token : "NULL");
  /* A bad token and an engine with an app sign are both refusals the order leaves open: documented codes. */
  EXPECT_FAULTS(F_RENEW_TOKEN, parley_renew_token(p.h, room, token), live, &fs, w->ctx);
}

/* ---- publishing, preview, playing -------------------------------------------------------------- */

void op_publish(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  const char *stream = pick_stream(w, &fs);
  int32_t channel = pick_channel(w, &fs);
  ctxf(w, "%s engine, stream %s, channel %ld", kind_names[p.kind], stream ? stream : "NULL", (long)channel);
  EXPECT_FAULTS(F_PUBLISH, parley_start_publishing_stream(p.h, stream, channel), live, &fs, w->ctx);
}

void op_stop_publish(worker *w) {
  static int64_t next_stop;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  int32_t channel = pick_channel(w, &fs);
  if (live && fs.n == 0 && !rate_ok(&next_stop, 500)) {
    channel = 2;
    fault(&fs, IC);
  }
  ctxf(w, "%s engine, channel %ld", kind_names[p.kind], (long)channel);
  EXPECT_FAULTS(F_STOP_PUBLISH, parley_stop_publishing_stream(p.h, channel), live, &fs, w->ctx);
}

void op_preview(worker *w) {
  static int64_t next_stop;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs), bad_view, live_view;
  int32_t channel;
  if (chance(&w->r, 25)) {
    channel = pick_channel(w, &fs);
    if (live && fs.n == 0 && !rate_ok(&next_stop, 700)) {
      channel = -1;
      fault(&fs, IC);
    }
    ctxf(w, "%s engine, channel %ld", kind_names[p.kind], (long)channel);
    EXPECT_FAULTS(F_STOP_PREVIEW, parley_stop_preview(p.h, channel), live, &fs, w->ctx);
    return;
  }
  {
    parley_view *v = pick_view(w, &bad_view, &live_view);
    if (bad_view) fault(&fs, IH);
    channel = pick_channel(w, &fs);
    ctxf(w, "%s engine, %s view, channel %ld", kind_names[p.kind], bad_view ? "bad" : v ? "live" : "no", (long)channel);
    EXPECT_FAULTS(F_PREVIEW, parley_start_preview(p.h, v, channel), live || live_view, &fs, w->ctx);
  }
}

void op_play(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs), bad_view, live_view;
  const char *stream = pick_stream(w, &fs);
  parley_view *v = pick_view(w, &bad_view, &live_view);
  if (bad_view) fault(&fs, IH);
  ctxf(w, "%s engine, stream %s, %s view", kind_names[p.kind], stream ? stream : "NULL",
       bad_view ? "bad" : v ? "live" : "no");
  EXPECT_FAULTS(F_PLAY, parley_start_playing_stream(p.h, stream, v), live || live_view, &fs, w->ctx);
}

void op_stop_play(worker *w) {
  static int64_t next_stop;
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  const char *stream = pick_stream(w, &fs);
  if (live && fs.n == 0 && !rate_ok(&next_stop, 400)) {
    stream = "";
    fault(&fs, PARLEY_ERR_INVALID_STREAM_ID);
  }
  ctxf(w, "%s engine, stream %s", kind_names[p.kind], stream ? stream : "NULL");
  EXPECT_FAULTS(F_STOP_PLAY, parley_stop_playing_stream(p.h, stream), live, &fs, w->ctx);
}

/* ---- settings --------------------------------------------------------------------------------- */

static void op_video_config(worker *w, const pick *p, faults *fs, int live, int32_t channel) {
  parley_video_config vc, *vp = &vc;
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  vc.capture_width = vc.encode_width = 2 * (16 + below(&w->r, 145));
  vc.capture_height = vc.encode_height = 2 * (12 + below(&w->r, 109));
  if (chance(&w->r, 20)) vc.capture_width = vc.capture_height = 0; /* keep */
  vc.fps = 1 + below(&w->r, 15);
  vc.bitrate_kbps = below(&w->r, 1500);
  vc.codec = (int32_t)below(&w->r, 2);
  switch (below(&w->r, 12)) {
  case 0: vp = NULL; fault(fs, IA); break;
  case 1: vc.struct_size = below(&w->r, sizeof vc); fault(fs, ISS); break;
  case 2: vc.encode_width |= 1; fault(fs, IA); break;
  case 3: vc.capture_height = 4098; fault(fs, IA); break;
  case 4: vc.fps = 61 + below(&w->r, 1000); fault(fs, IA); break;
  case 5: vc.bitrate_kbps = 20001; fault(fs, IA); break;
  case 6: vc.codec = chance(&w->r, 50) ? -1 : 2 + (int32_t)below(&w->r, 100); fault(fs, IA); break;
  default: break;
  }
  EXPECT_FAULTS(F_VIDEO_CONFIG, parley_set_video_config(p->h, vp, channel), live, fs, w->ctx);
}

/* Video settings, sources (never a device), switches out of range. */
void op_config(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  unsigned which = below(&w->r, 11);
  int32_t channel = which <= 6 && which != 2 ? pick_channel(w, &fs) : 0; /* 2: the audio source has no channel */
  int32_t v = chance(&w->r, 92) ? (int32_t)below(&w->r, 2) : chance(&w->r, 50) ? 2 : -1;
  int32_t src;
  const char *stream = which >= 9 ? pick_stream(w, &fs) : NULL;
  if ((which >= 3 && which <= 5) || which >= 7)
    if (v != 0 && v != 1) fault(&fs, IA);
  ctxf(w, "%s engine, channel %ld, value %ld", kind_names[p.kind], (long)channel, (long)v);
  switch (which) {
  case 0: op_video_config(w, &p, &fs, live, channel); break;
  case 1:
    src = chance(&w->r, 90) ? 1 + (int32_t)below(&w->r, 2) : 3 + (int32_t)below(&w->r, 9); /* TEST_PATTERN, CUSTOM */
    if (src > 2) fault(&fs, IA);
    EXPECT_FAULTS(F_VIDEO_SOURCE, parley_set_video_source(p.h, src, channel), live, &fs, w->ctx);
    break;
  case 2:
    src = chance(&w->r, 90) ? 1 + (int32_t)below(&w->r, 2) : -1 - (int32_t)below(&w->r, 9); /* TEST_TONE, CUSTOM */
    if (src < 0) fault(&fs, IA);
    EXPECT_FAULTS(F_AUDIO_SOURCE, parley_set_audio_source(p.h, src), live, &fs, w->ctx);
    break;
  case 3: EXPECT_FAULTS(F_SWITCH, parley_enable_camera(p.h, v, channel), live, &fs, w->ctx); break;
  case 4: EXPECT_FAULTS(F_SWITCH, parley_mute_publish_stream_audio(p.h, v, channel), live, &fs, w->ctx); break;
  case 5: EXPECT_FAULTS(F_SWITCH, parley_mute_publish_stream_video(p.h, v, channel), live, &fs, w->ctx); break;
  case 6: {
    int32_t mode = chance(&w->r, 90) ? (int32_t)below(&w->r, 4) : 4 + (int32_t)below(&w->r, 9);
    if (mode > 3) fault(&fs, IA);
    EXPECT_FAULTS(F_SWITCH, parley_set_video_mirror_mode(p.h, mode, channel), live, &fs, w->ctx);
    break;
  }
  case 7: EXPECT_FAULTS(F_SWITCH, parley_mute_microphone(p.h, v), live, &fs, w->ctx); break;
  case 8: EXPECT_FAULTS(F_SWITCH, parley_mute_speaker(p.h, v), live, &fs, w->ctx); break;
  case 9: EXPECT_FAULTS(F_MUTE_PLAY, parley_mute_play_stream_audio(p.h, stream, v), live, &fs, w->ctx); break;
  default: EXPECT_FAULTS(F_MUTE_PLAY, parley_mute_play_stream_video(p.h, stream, v), live, &fs, w->ctx); break;
  }
}

/* ---- servers, logging, dead handles -------------------------------------------------------------- */

void op_server(worker *w) {
  static int64_t next_temp;
  char url[PARLEY_URL_CAPACITY], config[512];
  parley_server *s = (parley_server *)(void *)&W, *dead;
  int32_t rc;
  int stop_temp = 0;
  unsigned roll = below(&w->r, 100);
  if (roll < 50) {
    static const char *const bad_configs[] = {"", "{", "null", "[]", "{\"listen\": 7}", "{\"apps\": [{\"app_id\": 0}]}"};
    uint32_t cap = sizeof url;
    parley_server **outp = &s;
    char *urlp = url;
    int32_t want;
    const char *cfg = NULL;
    switch (below(&w->r, 5)) {
    case 0: outp = NULL; want = IA; break;
    case 1: urlp = NULL; want = IA; break;
    case 2: cap = below(&w->r, 16); want = PARLEY_ERR_BUFFER_TOO_SMALL; break;
    case 3: cfg = bad_configs[below(&w->r, 6)]; want = PARLEY_ERR_SERVER_CONFIG_INVALID; break;
    default:
      snprintf(config, sizeof config,
               "{\"listen\": \"%s\", \"apps\": [{\"app_id\": 1, \"app_sign\": \"%s\", "
               "\"server_secret\": \"chaos-secret-chaos-secret-chaos-secret\"}]}",
               W.listen, PARLEY_DEV_APP_SIGN);
      cfg = config;
      want = PARLEY_ERR_SERVER_LISTEN_FAILED; /* the main server has the port */
      break;
    }
    rc = parley_server_start(cfg, outp, urlp, cap);
    ctxf(w, "start with one fault, want %s", parley_error_name(want));
    expect_at(__FILE__, __LINE__, F_SERVER_START, rc, 0, (int32_t[]){want, END}, w->ctx);
    CHECKF(outp == NULL || s == NULL, "a failed parley_server_start left *out_server non-NULL");
    return;
  }
  pthread_mutex_lock(&W.mu);
  if (!W.temp_busy && rate_ok(&next_temp, 2000)) {
    W.temp_busy = 1;
    stop_temp = W.temp_server != NULL;
    s = W.temp_server;
  }
  pthread_mutex_unlock(&W.mu);
  if (s == (parley_server *)(void *)&W) {
    /* Too soon, or another thread is starting or stopping the temporary server: dead ones and wrong kinds. */
    dead = ring_pick(&w->r, (void *const *)W.dead_servers, &W.n_dead_servers);
    EXPECT(F_SERVER_STOP, parley_server_stop(dead), 0, "stopped server", IH);
    EXPECT(F_SERVER_STOP, parley_server_stop((parley_server *)foreign_not_engine(&w->r)), 0, "no server", IH);
    return;
  }
  if (stop_temp) {
    pthread_mutex_lock(&W.mu);
    W.temp_server = NULL;
    pthread_mutex_unlock(&W.mu);
    EXPECT(F_SERVER_STOP, parley_server_stop(s), 0, "temporary server", PARLEY_OK);
    EXPECT(F_SERVER_STOP, parley_server_stop(s), 0, "a second stop", IH);
    ring_push((void **)W.dead_servers, &W.n_dead_servers, s);
  } else {
    EXPECT(F_SERVER_START, parley_server_start(NULL, &s, url, sizeof url), 0, "dev defaults", PARLEY_OK);
    pthread_mutex_lock(&W.mu);
    W.temp_server = s;
    snprintf(W.temp_url, sizeof W.temp_url, "%s", url);
    pthread_mutex_unlock(&W.mu);
  }
  pthread_mutex_lock(&W.mu);
  W.temp_busy = 0;
  pthread_mutex_unlock(&W.mu);
}

void op_log(worker *w) {
  int32_t level = chance(&w->r, 80) ? 1 + (int32_t)below(&w->r, 3) : (chance(&w->r, 50) ? -1 : 4 + (int32_t)below(&w->r, 100));
  /* Never DEBUG: eight threads of chaos would log more than they do. */
  if (level >= 1 && level <= 3) EXPECT(F_LOG_LEVEL, parley_set_log_level(level), 0, "a level", PARLEY_OK);
  else EXPECT(F_LOG_LEVEL, parley_set_log_level(level), 0, "no level", IA);
  EXPECT(F_LOG_CALLBACK, parley_set_log_callback(on_log, &ev), 0, "the counter", PARLEY_OK);
}

/* Every engine function with a handle that is not a live engine: exactly INVALID_HANDLE. */
void op_dead_engine(worker *w) {
  pick p = pick_engine(w);
  parley_event_handler h = handler_for(&reserved, sizeof(parley_event_handler));
  parley_user u;
  parley_video_config vc;
  parley_device_info info;
  uint32_t n;
  const uint8_t *frame = g_buf_tail(&w->frame, 64 * 15 + 64);
  int16_t *pcm = (int16_t *)(void *)g_buf_tail(&w->pcm, 480 * 2 * sizeof(int16_t));
  int which;
  if (p.kind == LIVE) return;
  memset(&u, 0, sizeof u);
  u.user_id = "u-dead";
  memset(&vc, 0, sizeof vc);
  vc.struct_size = sizeof vc;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  which = (int)below(&w->r, 29);
  ctxf(w, "%s engine, call %d", kind_names[p.kind], which);
#define DEAD(f, call) EXPECT(f, call, 0, w->ctx, IH)
  switch (which) {
  case 0: DEAD(F_SET_HANDLER, parley_engine_set_event_handler(p.h, &h)); break;
  case 1: DEAD(F_POLL, parley_engine_poll_events(p.h, 0, &n)); break;
  case 2: DEAD(F_LOGIN, parley_login_room(p.h, rooms[0], &u, NULL)); break;
  case 3: DEAD(F_LOGOUT, parley_logout_room(p.h, NULL)); break;
  case 4: DEAD(F_RENEW_TOKEN, parley_renew_token(p.h, rooms[0], "t")); break;
  case 5: DEAD(F_PUBLISH, parley_start_publishing_stream(p.h, streams[0], 0)); break;
  case 6: DEAD(F_STOP_PUBLISH, parley_stop_publishing_stream(p.h, 0)); break;
  case 7: DEAD(F_PREVIEW, parley_start_preview(p.h, NULL, 0)); break;
  case 8: DEAD(F_STOP_PREVIEW, parley_stop_preview(p.h, 0)); break;
  case 9: DEAD(F_VIDEO_CONFIG, parley_set_video_config(p.h, &vc, 0)); break;
  case 10: DEAD(F_VIDEO_SOURCE, parley_set_video_source(p.h, PARLEY_VIDEO_SOURCE_CUSTOM, 0)); break;
  case 11: DEAD(F_AUDIO_SOURCE, parley_set_audio_source(p.h, PARLEY_AUDIO_SOURCE_CUSTOM)); break;
  case 12: DEAD(F_CUSTOM_VIDEO, parley_send_custom_video_frame(p.h, frame, 16, 16, 16 * 4, 0, 0)); break;
  case 13: DEAD(F_CUSTOM_AUDIO, parley_send_custom_audio_pcm(p.h, pcm, 480, 48000, 2)); break;
  case 14: DEAD(F_PLAY, parley_start_playing_stream(p.h, streams[0], NULL)); break;
  case 15: DEAD(F_STOP_PLAY, parley_stop_playing_stream(p.h, streams[0])); break;
  case 16: DEAD(F_FETCH_AUDIO, parley_fetch_audio_pcm(p.h, pcm, 480, 48000, 2)); break;
  case 17: DEAD(F_SWITCH, parley_enable_camera(p.h, 1, 0)); break;
  case 18: DEAD(F_SWITCH, parley_mute_microphone(p.h, 1)); break;
  case 19: DEAD(F_SWITCH, parley_mute_publish_stream_audio(p.h, 1, 0)); break;
  case 20: DEAD(F_SWITCH, parley_mute_publish_stream_video(p.h, 1, 0)); break;
  case 21: DEAD(F_MUTE_PLAY, parley_mute_play_stream_audio(p.h, streams[0], 1)); break;
  case 22: DEAD(F_MUTE_PLAY, parley_mute_play_stream_video(p.h, streams[0], 1)); break;
  case 23: DEAD(F_SWITCH, parley_mute_speaker(p.h, 1)); break;
  case 24: DEAD(F_SWITCH, parley_set_video_mirror_mode(p.h, 0, 0)); break;
  case 25: DEAD(F_DEVICE_COUNT, parley_get_device_count(p.h, 0, &n)); break;
  case 26: DEAD(F_DEVICE_INFO, parley_get_device_info(p.h, 0, 0, &info)); break;
  case 27: DEAD(F_USE_DEVICE, parley_use_device(p.h, 0, NULL)); break;
  default: DEAD(F_AUDIO_OUTPUT, parley_set_audio_output(p.h, PARLEY_AUDIO_OUTPUT_PULL)); break;
  }
#undef DEAD
}

