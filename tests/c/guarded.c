/* guarded.c — see guarded.h. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "guarded.h"

#include <sys/mman.h>
#include <unistd.h>

#define G_HEAD_CANARY 0xC3
#define G_PAD_BYTE 0xA5
#define G_GRAVE_CANARY 0x3C

static size_t page_size(void) {
  static size_t page;
  if (page == 0) page = (size_t)sysconf(_SC_PAGESIZE);
  return page;
}

/* ---- buffers ---------------------------------------------------------------- */

void g_buf_alloc(g_buf *b, size_t len) {
  size_t page = page_size();
  size_t data_pages = (len + page - 1) / page;
  uint8_t *first;
  if (data_pages == 0) data_pages = 1;
  memset(b, 0, sizeof *b);
  b->map_len = (data_pages + 2) * page;
  b->map = mmap(NULL, b->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECKF(b->map != MAP_FAILED, "mmap of %lu bytes failed", (unsigned long)b->map_len);
  first = b->map + page;
  CHECKF(mprotect(first, data_pages * page, PROT_READ | PROT_WRITE) == 0, "mprotect failed");
  b->len = len;
  b->data = first + data_pages * page - len;
  memset(first, G_HEAD_CANARY, (size_t)(b->data - first));
}

uint8_t *g_buf_tail(const g_buf *b, size_t n) {
  if (n > b->len) n = b->len;
  return b->data + b->len - n;
}

int g_buf_head_intact(const g_buf *b) {
  const uint8_t *p;
  for (p = b->map + page_size(); p < b->data; p++)
    if (*p != G_HEAD_CANARY) return 0;
  return 1;
}

void g_buf_seal(g_buf *b) {
  size_t page = page_size();
  void *p = mmap(b->map + page, b->map_len - 2 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECKF(p != MAP_FAILED, "sealing a buffer failed");
}

void g_buf_free(g_buf *b) {
  if (b->map != NULL) munmap(b->map, b->map_len);
  memset(b, 0, sizeof *b);
}

/* ---- views -------------------------------------------------------------------- */

g_view *g_view_alloc(uint32_t width, uint32_t height, uint32_t stride) {
  g_view *v = calloc(1, sizeof *v);
  uint32_t x, y;
  CHECK(v != NULL);
  CHECK(stride >= 4 * width);
  v->width = width;
  v->height = height;
  v->stride = stride;
  g_buf_alloc(&v->buf, (size_t)stride * height);
  for (y = 0; y < height; y++) {
    uint8_t *row = v->buf.data + (size_t)y * stride;
    for (x = 0; x < width; x++) {
      row[4 * x + 0] = 255; /* transparent magenta: "never written" */
      row[4 * x + 1] = 0;
      row[4 * x + 2] = 255;
      row[4 * x + 3] = 0;
    }
    memset(row + 4 * (size_t)width, G_PAD_BYTE, stride - 4 * (size_t)width);
  }
  return v;
}

parley_view_desc g_view_desc(const g_view *v, int32_t view_mode, int32_t flip_y) {
  parley_view_desc d;
  memset(&d, 0, sizeof d);
  d.struct_size = sizeof d;
  d.pixels = v->buf.data;
  d.width = v->width;
  d.height = v->height;
  d.stride = v->stride;
  d.view_mode = view_mode;
  d.flip_y = flip_y;
  return d;
}

int g_view_padding_intact(const g_view *v) {
  uint32_t y;
  size_t i;
  if (!g_buf_head_intact(&v->buf)) return 0;
  for (y = 0; y < v->height; y++) {
    const uint8_t *row = v->buf.data + (size_t)y * v->stride;
    for (i = 4 * (size_t)v->width; i < v->stride; i++)
      if (row[i] != G_PAD_BYTE) return 0;
  }
  return 1;
}

/* ---- the graveyard ------------------------------------------------------------- */

static pthread_mutex_t g_grave_mu = PTHREAD_MUTEX_INITIALIZER;
static g_view *g_graves;
static size_t g_buried;
static int64_t g_youngest_ms;

void g_view_bury_at(g_view *v, const char *file, int line) {
  if (!g_view_padding_intact(v))
    h_fail(file, line, "the library wrote outside the pixels of a %ux%u view (stride %u): row padding or the "
           "bytes before the buffer changed", v->width, v->height, v->stride);
  memset(v->buf.map + page_size(), G_GRAVE_CANARY, (size_t)(v->buf.data - v->buf.map) - page_size() + v->buf.len);
  pthread_mutex_lock(&g_grave_mu);
  v->buried_ms = h_now_ms();
  v->next_grave = g_graves;
  g_graves = v;
  g_buried++;
  g_youngest_ms = v->buried_ms;
  pthread_mutex_unlock(&g_grave_mu);
}

/* The offset of the first byte of v's mapped span that lost the canary, or -1. */
static long grave_first_change(const g_view *v) {
  const uint8_t *start = v->buf.map + page_size();
  const uint8_t *end = v->buf.data + v->buf.len;
  const uint8_t *p;
  for (p = start; p < end; p++)
    if (*p != G_GRAVE_CANARY) return (long)(p - v->buf.data);
  return -1;
}

size_t g_grave_sweep(int min_age_ms) {
  size_t n = 0;
  int64_t now = h_now_ms();
  g_view *v;
  pthread_mutex_lock(&g_grave_mu);
  for (v = g_graves; v != NULL; v = v->next_grave) {
    long off;
    if (v->sealed || now - v->buried_ms < min_age_ms) continue;
    off = grave_first_change(v);
    if (off != -1) {
      const uint8_t *p = v->buf.data + off;
      h_fail(__FILE__, __LINE__,
             "the library wrote into a destroyed view's buffer: %ux%u view (stride %u), byte %ld%s is 0x%02x, "
             "not the canary 0x%02x, %ld ms after parley_view_destroy returned",
             v->width, v->height, v->stride, off, off < 0 ? " (before the pixels)" : "", *p, G_GRAVE_CANARY,
             (long)(now - v->buried_ms));
    }
    g_buf_seal(&v->buf);
    v->sealed = 1;
    n++;
  }
  pthread_mutex_unlock(&g_grave_mu);
  return n;
}

size_t g_grave_drain(int age_ms) {
  int64_t youngest;
  size_t total;
  pthread_mutex_lock(&g_grave_mu);
  youngest = g_youngest_ms;
  total = g_buried;
  pthread_mutex_unlock(&g_grave_mu);
  if (total > 0 && h_now_ms() < youngest + age_ms) h_sleep_ms((int)(youngest + age_ms - h_now_ms()));
  g_grave_sweep(age_ms);
  return total;
}
