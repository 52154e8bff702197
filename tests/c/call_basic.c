/* call_basic — a two-engine call with callbacks on the engines' event threads. */
#include "call_common.h"

int main(void) { return run_call("call_basic", 0); }
