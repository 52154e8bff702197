/* call_common.h — the two-engine call shared by call_basic and call_poll. */
#ifndef PARLEY_TEST_CALL_COMMON_H
#define PARLEY_TEST_CALL_COMMON_H

#include "harness.h"

/* Runs the whole call; poll_mode 1 creates the engines with PARLEY_ENGINE_FLAG_POLL_EVENTS. */
int run_call(const char *name, int poll_mode);

/* run_call with A publishing in codec (a parley_video_codec) instead of VP8. */
int run_call_codec(const char *name, int poll_mode, int32_t codec);

#endif
