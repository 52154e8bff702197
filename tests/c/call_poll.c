/*
 * call_poll — the same call with PARLEY_ENGINE_FLAG_POLL_EVENTS: every
 * callback must run on the test's main thread, inside parley_engine_poll_events.
 */
#include "call_common.h"

int main(void) { return run_call("call_poll", 1); }
