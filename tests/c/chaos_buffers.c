/* chaos_buffers.c — the chaos test's operations that hand the library
 * memory: custom frames and PCM, audio pulls, out structs of getters, views.
 * Each buffer ends at a guard page (tests/c/guarded.h), and a failed call must
 * leave it as it was (chaos.h). */
#include "chaos.h"

void op_custom_video(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  uint32_t width = 2 * (1 + below(&w->r, FRAME_MAX_W / 2)), height = 2 * (1 + below(&w->r, FRAME_MAX_H / 2));
  uint32_t stride = 4 * width + below(&w->r, 9);
  int64_t ts = chance(&w->r, 70) ? 0 : chance(&w->r, 50) ? h_unix_ms() : (int64_t)rnd(&w->r) - INT64_C(2147483648);
  int32_t channel = pick_channel(w, &fs);
  size_t need;
  uint8_t *buf;
  const uint8_t *rgba;
  if (chance(&w->r, 10))
    EXPECT_DOC(F_VIDEO_SOURCE, parley_set_video_source(p.h, PARLEY_VIDEO_SOURCE_CUSTOM, (int32_t)below(&w->r, 2)),
               1, "custom source");
  switch (below(&w->r, 14)) {
  case 0: width = 3 + 2 * below(&w->r, FRAME_MAX_W / 2 - 2); stride = 4 * width; fault(&fs, IA); break;
  case 1: height = below(&w->r, 2); fault(&fs, IA); break;
  case 2: width = 4097 + below(&w->r, 100000); fault(&fs, IA); break;
  case 3: height = chance(&w->r, 50) ? UINT32_MAX : 4097; fault(&fs, IA); break;
  case 4: stride = 4 * width - 1 - below(&w->r, 4 * width - 1); fault(&fs, IA); break;
  default: break;
  }
  /* The bytes the geometry covers, up to the buffer: a refused frame must not be read at all. */
  need = height > 0 && width <= 4096 && height <= 4096 && stride >= 4 * width ? (size_t)stride * (height - 1) + 4 * (size_t)width
                                                                              : w->frame.len;
  if (need > w->frame.len) need = w->frame.len;
  buf = g_buf_tail(&w->frame, need);
  memset(buf, (int)below(&w->r, 256), need);
  rgba = buf;
  if (chance(&w->r, 4)) {
    rgba = NULL;
    fault(&fs, IA);
  }
  ctxf(w, "%s engine, %ux%u stride %u, channel %ld", kind_names[p.kind], width, height, stride, (long)channel);
  EXPECT_FAULTS(F_CUSTOM_VIDEO, parley_send_custom_video_frame(p.h, rgba, width, height, stride, ts, channel), live,
                &fs, w->ctx);
}

void op_custom_audio(worker *w) {
  static const uint32_t rates[] = {8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000};
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  uint32_t rate = chance(&w->r, 80) ? rates[below(&w->r, 8)] : 8000 + below(&w->r, 40001);
  uint32_t channels = 1 + below(&w->r, 2), samples = 1 + below(&w->r, rate / 50);
  const int16_t *pcm;
  size_t n;
  if (chance(&w->r, 10)) EXPECT_DOC(F_AUDIO_SOURCE, parley_set_audio_source(p.h, PARLEY_AUDIO_SOURCE_CUSTOM), 1, "custom");
  switch (below(&w->r, 12)) {
  case 0: samples = 0; fault(&fs, IA); break;
  case 1: samples = rate + 1 + below(&w->r, 48001 - rate); fault(&fs, IA); break;
  case 2: rate = below(&w->r, 8000); fault(&fs, IA); break;
  case 3: rate = 48001 + below(&w->r, 1000000); fault(&fs, IA); break;
  case 4: channels = chance(&w->r, 50) ? 0 : 3 + below(&w->r, 5); fault(&fs, IA); break;
  default: break;
  }
  n = (size_t)samples * (channels <= 2 ? channels : 2) * sizeof(int16_t);
  pcm = (const int16_t *)(void *)g_buf_tail(&w->pcm, n);
  if (chance(&w->r, 4)) {
    pcm = NULL;
    fault(&fs, IA);
  }
  ctxf(w, "%s engine, %u samples at %u Hz x %u", kind_names[p.kind], samples, rate, channels);
  EXPECT_FAULTS(F_CUSTOM_AUDIO, parley_send_custom_audio_pcm(p.h, pcm, samples, rate, channels), live, &fs, w->ctx);
}

void op_fetch_audio(worker *w) {
  static const uint32_t rates[] = {8000, 16000, 24000, 32000, 44100, 48000};
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  uint32_t rate = rates[below(&w->r, 6)], channels = 1 + below(&w->r, 2), samples = 1 + below(&w->r, rate / 50);
  uint8_t *buf;
  size_t n;
  long i;
  int32_t rc;
  switch (below(&w->r, 12)) {
  case 0: samples = 0; fault(&fs, IA); break;
  case 1: samples = rate + 1 + below(&w->r, 48001 - rate); fault(&fs, IA); break;
  case 2: rate = chance(&w->r, 50) ? 11025 : below(&w->r, 8000); fault(&fs, IA); break;
  case 3: rate = 96000; fault(&fs, IA); break;
  case 4: channels = chance(&w->r, 50) ? 0 : 3; fault(&fs, IA); break;
  default: break;
  }
  n = (size_t)samples * (channels <= 2 ? channels : 2) * sizeof(int16_t);
  if (n > w->pcm.len) n = w->pcm.len;
  buf = g_buf_tail(&w->pcm, n);
  memset(buf, 0x7e, n);
  ctxf(w, "%s engine, %u samples at %u Hz x %u", kind_names[p.kind], samples, rate, channels);
  if (chance(&w->r, 4)) {
    fault(&fs, IA);
    EXPECT_FAULTS(F_FETCH_AUDIO, parley_fetch_audio_pcm(p.h, NULL, samples, rate, channels), live, &fs, w->ctx);
    return;
  }
  rc = parley_fetch_audio_pcm(p.h, (int16_t *)(void *)buf, samples, rate, channels);
  EXPECT_FAULTS(F_FETCH_AUDIO, rc, live, &fs, w->ctx);
  if (rc != PARLEY_OK)
    CHECKF((i = first_changed(buf, n, 0x7e)) < 0, "parley_fetch_audio_pcm (%s) returned %s but wrote byte %ld of the buffer",
           w->ctx, parley_error_name(rc), i);
}

/* ---- devices and getters ------------------------------------------------------------------- */

void op_getters(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  int32_t kind = chance(&w->r, 85) ? (int32_t)below(&w->r, 3) : 3 + (int32_t)below(&w->r, 100);
  int32_t code = chance(&w->r, 50) ? all_codes[below(&w->r, (uint32_t)n_codes)] : (int32_t)rnd(&w->r);
  const char *name = parley_error_name(code), *msg = parley_error_message(code);
  CHECKF(name != NULL && msg != NULL, "parley_error_name/message(%ld) returned NULL", (long)code);
  CHECKF(strcmp(name, code_index(code) >= 0 ? all_names[code_index(code)] : "PARLEY_ERR_UNKNOWN") == 0,
         "parley_error_name(%ld) is \"%s\", not what PARLEY_ERROR_LIST says", (long)code, name);
  CHECK(parley_get_version() != NULL && parley_get_abi_version() == PARLEY_ABI_VERSION);
  if (kind > 2) fault(&fs, IA);
  ctxf(w, "%s engine, kind %ld", kind_names[p.kind], (long)kind);
  if (chance(&w->r, 50)) {
    uint32_t count = 0xdeadbeefu;
    /* Mostly a NULL out pointer: enumerating real devices is slow. */
    if (chance(&w->r, 80)) {
      fault(&fs, IA);
      EXPECT_FAULTS(F_DEVICE_COUNT, parley_get_device_count(p.h, kind, NULL), live, &fs, w->ctx);
    } else if (kind == PARLEY_DEVICE_KIND_CAMERA || fs.n > 0 || chance(&w->r, 30)) {
      int32_t rc = parley_get_device_count(p.h, kind, &count);
      EXPECT_FAULTS(F_DEVICE_COUNT, rc, live, &fs, w->ctx);
      CHECKF(rc != PARLEY_OK || count != 0xdeadbeefu, "parley_get_device_count returned OK without a count");
    }
  } else {
    parley_device_info info;
    memset(&info, 0xee, sizeof info);
    info.struct_size = sizeof info;
    switch (below(&w->r, 3)) {
    case 0:
      fault(&fs, IA);
      EXPECT_FAULTS(F_DEVICE_INFO, parley_get_device_info(p.h, kind, 0, NULL), live, &fs, w->ctx);
      break;
    case 1: {
      int32_t rc;
      info.struct_size = below(&w->r, sizeof info);
      fault(&fs, ISS);
      rc = parley_get_device_info(p.h, kind, 0, &info);
      EXPECT_FAULTS(F_DEVICE_INFO, rc, live, &fs, w->ctx);
      CHECKF(first_changed(info.id, sizeof info - sizeof info.struct_size, 0xee) < 0,
             "parley_get_device_info returned %s but wrote into the struct", parley_error_name(rc));
      break;
    }
    default:
      if (kind == PARLEY_DEVICE_KIND_CAMERA || fs.n > 0) {
        int32_t rc = parley_get_device_info(p.h, kind, 1000 + below(&w->r, 10), &info);
        if (fs.n == 0) fault(&fs, IA); /* no machine has a thousand cameras */
        EXPECT_FAULTS(F_DEVICE_INFO, rc, live, &fs, w->ctx);
      }
      break;
    }
  }
}

void op_devices(worker *w) {
  pick p = pick_engine(w);
  faults fs;
  int live = engine_faults(&p, &fs);
  ctxf(w, "%s engine", kind_names[p.kind]);
  if (chance(&w->r, 50)) {
    int32_t kind = chance(&w->r, 80) ? (int32_t)below(&w->r, 3) : -1;
    if (kind < 0) fault(&fs, IA);
    else if (fs.n == 0) fault(&fs, DNF);
    EXPECT_FAULTS(F_USE_DEVICE, parley_use_device(p.h, kind, "no-such-device-chaos"), live, &fs, w->ctx);
  } else {
    /* PULL or out of range; DEVICE would open the speaker. */
    int32_t out = chance(&w->r, 70) ? PARLEY_AUDIO_OUTPUT_PULL : chance(&w->r, 50) ? -1 : 2;
    if (out != PARLEY_AUDIO_OUTPUT_PULL) fault(&fs, IA);
    EXPECT_FAULTS(F_AUDIO_OUTPUT, parley_set_audio_output(p.h, out), live, &fs, w->ctx);
  }
}

/* ---- views ----------------------------------------------------------------------------------- */

static void view_create_bad(worker *w) {
  g_view *v = g_view_alloc(8, 8, 32);
  parley_view_desc d = g_view_desc(v, PARLEY_VIEW_MODE_ASPECT_FIT, 0);
  parley_view *out = (parley_view *)(void *)&W, **outp = &out;
  const parley_view_desc *dp = &d;
  int32_t want = IA, rc;
  switch (below(&w->r, 10)) {
  case 0: dp = NULL; break;
  case 1: outp = NULL; break;
  case 2: d.struct_size = below(&w->r, sizeof d); want = ISS; break;
  case 3: d.pixels = NULL; break;
  case 4: d.width = chance(&w->r, 50) ? 0 : 16385 + below(&w->r, 100000); break;
  case 5: d.height = chance(&w->r, 50) ? 0 : 16385; break;
  case 6: d.stride = 4 * d.width - 1 - below(&w->r, 4 * d.width - 1); break;
  case 7: d.view_mode = chance(&w->r, 50) ? -1 : 3 + (int32_t)below(&w->r, 100); break;
  default: d.flip_y = chance(&w->r, 50) ? -1 : 2; break;
  }
  rc = parley_view_create(dp, outp);
  ctxf(w, "descriptor with one fault, want %s", parley_error_name(want));
  expect_at(__FILE__, __LINE__, F_VIEW_CREATE, rc, 0, (int32_t[]){want, END}, w->ctx);
  CHECKF(outp == NULL || out == NULL, "a failed parley_view_create left *out_view non-NULL");
  CHECKF(g_view_padding_intact(v), "a failed parley_view_create wrote into the buffer");
  g_buf_free(&v->buf);
  free(v);
}

void op_view_create(worker *w) {
  int slot = -1, i, start = (int)below(&w->r, VIEW_SLOTS);
  uint32_t width, height;
  g_view *v;
  parley_view_desc d;
  unsigned char big[sizeof(parley_view_desc) + 16];
  int32_t rc;
  pthread_mutex_lock(&W.mu);
  for (i = 0; i < VIEW_SLOTS && slot < 0; i++)
    if (W.views[(start + i) % VIEW_SLOTS].g == NULL && !W.view_busy[(start + i) % VIEW_SLOTS]) slot = (start + i) % VIEW_SLOTS;
  if (slot >= 0) W.view_busy[slot] = 1;
  pthread_mutex_unlock(&W.mu);
  if (slot < 0 || chance(&w->r, 30)) {
    if (slot >= 0) {
      pthread_mutex_lock(&W.mu);
      W.view_busy[slot] = 0;
      pthread_mutex_unlock(&W.mu);
    }
    view_create_bad(w);
    return;
  }
  /* Odd sizes, one-pixel views and strides that are no multiple of 4 included. */
  width = chance(&w->r, 10) ? 1 + below(&w->r, 3) : 1 + below(&w->r, 200);
  height = chance(&w->r, 10) ? 1 + below(&w->r, 3) : 1 + below(&w->r, 150);
  v = g_view_alloc(width, height, 4 * width + (chance(&w->r, 50) ? 0 : below(&w->r, 13)));
  d = g_view_desc(v, (int32_t)below(&w->r, 3), (int32_t)below(&w->r, 2));
  if (chance(&w->r, 15)) {
    memset(big, 0x5c, sizeof big);
    memcpy(big, &d, sizeof d);
    ((parley_view_desc *)(void *)big)->struct_size = sizeof big;
    rc = parley_view_create((const parley_view_desc *)(void *)big, &v->view);
  } else {
    rc = parley_view_create(&d, &v->view);
  }
  ctxf(w, "%ux%u stride %u", width, height, v->stride);
  EXPECT(F_VIEW_CREATE, rc, 0, w->ctx, PARLEY_OK);
  CHECK(v->view != NULL);
  pthread_mutex_lock(&W.mu);
  W.views[slot].g = v;
  W.views[slot].destroy_after_ms = lifetime_ms(&w->r, 200, 4000);
  W.view_busy[slot] = 0;
  pthread_mutex_unlock(&W.mu);
}

void op_view_destroy(worker *w) {
  int slot = (int)below(&w->r, VIEW_SLOTS);
  g_view *v = NULL;
  pthread_mutex_lock(&W.mu);
  if (W.views[slot].g != NULL && h_now_ms() >= W.views[slot].destroy_after_ms) {
    v = W.views[slot].g;
    W.views[slot].g = NULL;
  }
  pthread_mutex_unlock(&W.mu);
  if (v == NULL) {
    parley_view *dead = ring_pick(&w->r, (void *const *)W.dead_views, &W.n_dead_views);
    EXPECT(F_VIEW_DESTROY, parley_view_destroy(dead), 0, "destroyed view", IH);
    EXPECT(F_VIEW_DESTROY, parley_view_destroy((parley_view *)foreign_not_engine(&w->r)), 0, "no view", IH);
    return;
  }
  /* Engines may be drawing into it right now: after this returns they never touch it again. */
  ctxf(w, "%ux%u view", v->width, v->height);
  EXPECT(F_VIEW_DESTROY, parley_view_destroy(v->view), 0, w->ctx, PARLEY_OK);
  g_view_bury(v);
  EXPECT(F_VIEW_DESTROY, parley_view_destroy(v->view), 0, "a second destroy", IH);
  ring_push((void **)W.dead_views, &W.n_dead_views, v->view);
}

void op_view_acquire(worker *w) {
  int bad, live;
  parley_view *v = pick_view(w, &bad, &live);
  parley_frame_info info;
  int32_t rc;
  unsigned roll = below(&w->r, 100);
  memset(&info, 0xee, sizeof info);
  info.struct_size = sizeof info;
  ctxf(w, "%s view", bad ? "bad" : v ? "live" : "NULL");
  if (v == NULL) bad = 1;
  if (roll < 15) {
    /* Acquired by another thread, or not: both are documented. */
    if (bad) EXPECT(F_VIEW_RELEASE, parley_view_release(v), 0, w->ctx, IH);
    else EXPECT_DOC(F_VIEW_RELEASE, parley_view_release(v), live, w->ctx);
    return;
  }
  if (roll < 30) info.struct_size = below(&w->r, sizeof info);
  rc = parley_view_acquire(v, roll < 45 && roll >= 30 ? NULL : &info);
  if (bad) EXPECT(F_VIEW_ACQUIRE, rc, 0, w->ctx, IH);
  else if (roll < 30) {
    EXPECT(F_VIEW_ACQUIRE, rc, live, w->ctx, ISS);
    CHECKF(first_changed((unsigned char *)&info + sizeof info.struct_size, sizeof info - sizeof info.struct_size, 0xee) < 0,
           "parley_view_acquire refused a struct_size of %u but wrote into the struct", info.struct_size);
  } else {
    EXPECT_DOC(F_VIEW_ACQUIRE, rc, live, w->ctx);
  }
  if (rc != PARLEY_OK) return;
  if (roll >= 45) {
    CHECKF(info.struct_size == sizeof info, "parley_view_acquire changed struct_size");
    if (info.seq > 0) {
      CHECKF(info.source_width > 0 && info.source_height > 0 && info.write_time_ms > 0,
             "parley_view_acquire: frame %llu of %ux%u written at %lld", (unsigned long long)info.seq,
             info.source_width, info.source_height, (long long)info.write_time_ms);
      ADD(&frames_seen, 1);
    }
  }
  if (chance(&w->r, 30)) h_sleep_ms((int)below(&w->r, 6));
  /* Another thread may have released it meanwhile, or its owner destroyed it. */
  EXPECT_DOC(F_VIEW_RELEASE, parley_view_release(v), 1, w->ctx);
}

