package vp8

/*
#cgo pkg-config: vpx
#include <stdlib.h>
#include <stdint.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vp8dx.h>

static vpx_codec_ctx_t *parley_vp8_open(unsigned int threads, int *err) {
	vpx_codec_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL) {
		*err = VPX_CODEC_MEM_ERROR;
		return NULL;
	}
	vpx_codec_dec_cfg_t cfg = { threads, 0, 0 };
	*err = vpx_codec_dec_init(ctx, vpx_codec_vp8_dx(), &cfg, 0);
	if (*err != VPX_CODEC_OK) {
		free(ctx);
		return NULL;
	}
	return ctx;
}

static void parley_vp8_close(vpx_codec_ctx_t *ctx) {
	vpx_codec_destroy(ctx);
	free(ctx);
}

typedef struct {
	vpx_image_t *img;
	int err;
	int corrupt;
} parley_vp8_result;

// One cgo call per frame: decode, ask whether the result is corrupt, and
// fetch the picture (VP8 yields at most one per frame). The result comes
// back by value so nothing escapes to the Go heap.
static parley_vp8_result parley_vp8_decode(vpx_codec_ctx_t *ctx, const uint8_t *data, unsigned int size) {
	parley_vp8_result r = { NULL, VPX_CODEC_OK, 0 };
	r.err = vpx_codec_decode(ctx, data, size, NULL, 0);
	if (r.err != VPX_CODEC_OK) {
		return r;
	}
	if (vpx_codec_control(ctx, VP8D_GET_FRAME_CORRUPTED, &r.corrupt) != VPX_CODEC_OK) {
		r.corrupt = 0;
	}
	vpx_codec_iter_t iter = NULL;
	r.img = vpx_codec_get_frame(ctx, &iter);
	return r;
}
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/parley-rtc/parley/render"
)

// Decoder decodes a VP8 stream with libvpx. It exists (rather than
// mediadevices' vpx decoder) so that the frame path copies nothing: the
// returned planes are libvpx's own picture buffers.
//
// A Decoder is not safe for concurrent use; one goroutine per stream owns it.
type Decoder struct {
	ctx *C.vpx_codec_ctx_t
	img render.I420
}

// NewDecoder returns a decoder using one thread, which is what a 360p-720p
// call needs and leaves the other cores to the game.
func NewDecoder() (*Decoder, error) {
	return NewDecoderWithThreads(1)
}

// NewDecoderWithThreads returns a decoder allowed to use up to threads
// threads; large resolutions (1080p and up) decode faster with 2-4.
func NewDecoderWithThreads(threads int) (*Decoder, error) {
	if threads < 1 {
		threads = 1
	}
	var cerr C.int
	ctx := C.parley_vp8_open(C.uint(threads), &cerr)
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s", ErrInit, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(cerr))))
	}
	return &Decoder{ctx: ctx}, nil
}

// Decode decodes one whole VP8 frame (as produced by Assembler) and returns
// the picture.
//
// Ownership: the returned *render.I420 and its planes belong to the decoder
// and point into libvpx's memory. They are valid only until the next Decode
// or Close; copy or convert them before that. Decode allocates nothing.
//
// A corrupt frame returns an error wrapping ErrDecode or ErrCorruptFrame and
// leaves the decoder usable; after an error, feed it a keyframe.
func (d *Decoder) Decode(frame []byte) (*render.I420, error) {
	if d.ctx == nil {
		return nil, ErrClosed
	}
	if len(frame) == 0 {
		return nil, ErrEmptyFrame
	}
	r := C.parley_vp8_decode(d.ctx, (*C.uint8_t)(unsafe.Pointer(&frame[0])), C.uint(len(frame)))
	if r.err != C.VPX_CODEC_OK {
		return nil, fmt.Errorf("%w: %s", ErrDecode, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(r.err))))
	}
	img := r.img
	if r.corrupt != 0 {
		return nil, ErrCorruptFrame
	}
	if img == nil {
		return nil, ErrNoFrame
	}
	if img.fmt != C.VPX_IMG_FMT_I420 {
		return nil, fmt.Errorf("%w: unexpected image format %d", ErrDecode, int(img.fmt))
	}
	w, h := int(img.d_w), int(img.d_h)
	ys, us, vs := int(img.stride[0]), int(img.stride[1]), int(img.stride[2])
	ch := (h + 1) / 2
	d.img = render.I420{
		Width:   w,
		Height:  h,
		Y:       unsafe.Slice((*byte)(unsafe.Pointer(img.planes[0])), ys*h),
		U:       unsafe.Slice((*byte)(unsafe.Pointer(img.planes[1])), us*ch),
		V:       unsafe.Slice((*byte)(unsafe.Pointer(img.planes[2])), vs*ch),
		YStride: ys,
		UStride: us,
		VStride: vs,
	}
	return &d.img, nil
}

// Close frees the libvpx context; any picture returned earlier becomes
// invalid. Close is idempotent.
func (d *Decoder) Close() {
	if d.ctx == nil {
		return
	}
	C.parley_vp8_close(d.ctx)
	d.ctx = nil
	d.img = render.I420{}
}
