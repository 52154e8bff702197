package h264

/*
#cgo pkg-config: openh264
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <wels/codec_api.h>

static ISVCDecoder *parley_h264_open(long *err) {
	ISVCDecoder *dec = NULL;
	long rv = WelsCreateDecoder(&dec);
	if (rv != 0 || dec == NULL) {
		*err = rv != 0 ? rv : -1;
		return NULL;
	}
	int quiet = WELS_LOG_QUIET; // errors come back as return values, not on stderr
	(*dec)->SetOption(dec, DECODER_OPTION_TRACE_LEVEL, &quiet);
	SDecodingParam p;
	memset(&p, 0, sizeof p);
	p.uiTargetDqLayer = 0xff;
	p.eEcActiveIdc = ERROR_CON_DISABLE; // a damaged picture is an error, never shown
	p.sVideoProperty.eVideoBsType = VIDEO_BITSTREAM_AVC;
	rv = (*dec)->Initialize(dec, &p);
	if (rv != 0) {
		WelsDestroyDecoder(dec);
		*err = rv;
		return NULL;
	}
	(*dec)->SetOption(dec, DECODER_OPTION_TRACE_LEVEL, &quiet);
	return dec;
}

static void parley_h264_close(ISVCDecoder *dec) {
	(*dec)->Uninitialize(dec);
	WelsDestroyDecoder(dec);
}

typedef struct {
	int state; // DECODING_STATE bits, 0 when error-free
	int ready; // a picture came out
	unsigned char *y, *u, *v;
	int width, height, ystride, cstride, format;
} parley_h264_result;

// One cgo call per access unit; the result comes back by value so nothing
// escapes to the Go heap.
static parley_h264_result parley_h264_decode(ISVCDecoder *dec, const unsigned char *data, int size) {
	parley_h264_result r;
	memset(&r, 0, sizeof r);
	unsigned char *dst[3] = { NULL, NULL, NULL };
	SBufferInfo info;
	memset(&info, 0, sizeof info);
	r.state = (int)(*dec)->DecodeFrameNoDelay(dec, data, size, dst, &info);
	if (info.iBufferStatus == 1) {
		r.ready = 1;
		r.y = dst[0];
		r.u = dst[1];
		r.v = dst[2];
		r.width = info.UsrData.sSystemBuffer.iWidth;
		r.height = info.UsrData.sSystemBuffer.iHeight;
		r.ystride = info.UsrData.sSystemBuffer.iStride[0];
		r.cstride = info.UsrData.sSystemBuffer.iStride[1];
		r.format = info.UsrData.sSystemBuffer.iFormat;
	}
	return r;
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/parley-rtc/parley/render"
)

// Decoder decodes an H.264 stream with openh264 (Constrained Baseline, as
// Parley and browsers send it). The returned planes are openh264's own
// picture buffers: the frame path copies nothing.
//
// A Decoder is not safe for concurrent use; one goroutine per stream owns it.
type Decoder struct {
	dec *C.ISVCDecoder
	img render.I420
}

// NewDecoder returns a single-threaded decoder, which is what a 360p-720p
// call needs and leaves the other cores to the game.
func NewDecoder() (*Decoder, error) {
	var cerr C.long
	dec := C.parley_h264_open(&cerr)
	if dec == nil {
		return nil, fmt.Errorf("%w: openh264 error %d", ErrInit, int64(cerr))
	}
	return &Decoder{dec: dec}, nil
}

// Decode decodes one whole Annex-B access unit (as produced by Assembler)
// and returns the picture.
//
// Ownership: the returned *render.I420 and its planes belong to the decoder
// and point into openh264's memory. They are valid only until the next
// Decode or Close; copy or convert them before that. Decode allocates
// nothing.
//
// A bad access unit returns an error wrapping ErrDecode and leaves the
// decoder usable; after an error, feed it an IDR access unit.
func (d *Decoder) Decode(au []byte) (*render.I420, error) {
	if d.dec == nil {
		return nil, ErrClosed
	}
	if len(au) == 0 {
		return nil, ErrEmptyFrame
	}
	r := C.parley_h264_decode(d.dec, (*C.uchar)(unsafe.Pointer(&au[0])), C.int(len(au)))
	if r.state != 0 {
		return nil, fmt.Errorf("%w: openh264 state 0x%x", ErrDecode, int(r.state))
	}
	if r.ready == 0 {
		return nil, ErrNoFrame
	}
	if r.format != C.videoFormatI420 {
		return nil, fmt.Errorf("%w: unexpected picture format %d", ErrDecode, int(r.format))
	}
	w, h := int(r.width), int(r.height)
	ys, cs := int(r.ystride), int(r.cstride)
	ch := (h + 1) / 2
	d.img = render.I420{
		Width:   w,
		Height:  h,
		Y:       unsafe.Slice((*byte)(unsafe.Pointer(r.y)), ys*h),
		U:       unsafe.Slice((*byte)(unsafe.Pointer(r.u)), cs*ch),
		V:       unsafe.Slice((*byte)(unsafe.Pointer(r.v)), cs*ch),
		YStride: ys,
		UStride: cs,
		VStride: cs,
	}
	return &d.img, nil
}

// Close frees the openh264 decoder; any picture returned earlier becomes
// invalid. Close is idempotent.
func (d *Decoder) Close() {
	if d.dec == nil {
		return
	}
	C.parley_h264_close(d.dec)
	d.dec = nil
	d.img = render.I420{}
}
