/* call_h264 — call_basic with A publishing H.264: B's view shows the right
 * colours and B hears the tone. */
#include "call_common.h"

int main(void) { return run_call_codec("call_h264", 0, PARLEY_VIDEO_CODEC_H264); }
