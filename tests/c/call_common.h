/* call_common.h — the two-engine call shared by call_basic and call_poll. */
#ifndef PARLEY_TEST_CALL_COMMON_H
#define PARLEY_TEST_CALL_COMMON_H

#include "harness.h"

/* Runs the whole call; poll_mode 1 creates the engines with PARLEY_ENGINE_FLAG_POLL_EVENTS. */
int run_call(const char *name, int poll_mode);

#endif
