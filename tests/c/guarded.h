/*
 * guarded.h — caller-owned memory between guard pages, for the tests that
 * hand the library buffers it must neither overrun nor touch after it let go
 * of them (chaos, view_lifetime).
 *
 * A g_buf's bytes end exactly where an inaccessible page begins, and an
 * inaccessible page lies before them, so a read or write past either end
 * faults at once instead of passing unnoticed. The slack between the leading
 * guard page and the first byte is filled with a canary.
 *
 * A g_view is a view's memory in a g_buf, rows padded, the padding filled
 * with a pattern the library must never write. After parley_view_destroy
 * returns, g_view_bury fills the whole buffer with a canary and lays the view
 * in the graveyard; g_grave_sweep checks each buried buffer once it has lain
 * there long enough and then seals it (maps fresh inaccessible pages over it,
 * which also gives its memory back), so a write even later crashes the test.
 */
#ifndef PARLEY_TEST_GUARDED_H
#define PARLEY_TEST_GUARDED_H

#include "harness.h"

typedef struct g_buf {
  uint8_t *map;    /* the whole mapping: guard page, data pages, guard page */
  size_t map_len;
  uint8_t *data;   /* len bytes ending right at the trailing guard page */
  size_t len;
} g_buf;

/* Maps a buffer of len bytes (at least 1), zero-filled; fails the test if it cannot. */
void g_buf_alloc(g_buf *b, size_t len);
/* The last n bytes of the buffer (n <= len): a pointer whose n-th byte is the last readable one. */
uint8_t *g_buf_tail(const g_buf *b, size_t n);
/* Whether the slack before data still holds its canary. */
int g_buf_head_intact(const g_buf *b);
/* Makes the data pages inaccessible and gives their memory back. */
void g_buf_seal(g_buf *b);
void g_buf_free(g_buf *b);

typedef struct g_view {
  parley_view *view;  /* set by the test once parley_view_create succeeded */
  g_buf buf;
  uint32_t width, height, stride;
  int64_t buried_ms;  /* h_now_ms() when buried; 0 while alive */
  int sealed;
  struct g_view *next_grave;
} g_view;

/* The memory of a width x height view with stride bytes a row (>= 4*width), pixels transparent magenta. */
g_view *g_view_alloc(uint32_t width, uint32_t height, uint32_t stride);
/* A descriptor for parley_view_create over v's memory. */
parley_view_desc g_view_desc(const g_view *v, int32_t view_mode, int32_t flip_y);
/* Whether every row's padding and the buffer's head slack are as g_view_alloc left them. */
int g_view_padding_intact(const g_view *v);
/*
 * After parley_view_destroy(v->view) returned PARLEY_OK: fails the test if the
 * library wrote the padding, then fills the buffer with the canary and lays
 * the view in the graveyard (the g_view is never freed).
 */
void g_view_bury_at(g_view *v, const char *file, int line);
#define g_view_bury(v) g_view_bury_at((v), __FILE__, __LINE__)

/*
 * Checks every unsealed view buried at least min_age_ms ago (fails the test,
 * naming the view and the first changed byte, if its canary changed) and
 * seals it. Thread-safe. Returns how many it checked.
 */
size_t g_grave_sweep(int min_age_ms);
/* Waits until the youngest buried view is age_ms old, then sweeps them all; returns the total buried. */
size_t g_grave_drain(int age_ms);

#endif /* PARLEY_TEST_GUARDED_H */
