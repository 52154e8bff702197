package vp8

/*
#cgo pkg-config: vpx
#include <stdlib.h>
#include <stdint.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vp8cx.h>

typedef struct {
	vpx_codec_ctx_t ctx;
	vpx_codec_enc_cfg_t cfg;
	vpx_image_t img;
} parley_vp8_enc;

// Opens an encoder for w×h with cfg's rate settings filled in by the
// caller through the arguments, and the controls a real-time sender wants.
static parley_vp8_enc *parley_vp8_enc_open(unsigned int w, unsigned int h, unsigned int kbps,
		unsigned int threads, int cpu_used, unsigned int max_intra_pct, int *err) {
	parley_vp8_enc *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		*err = VPX_CODEC_MEM_ERROR;
		return NULL;
	}
	vpx_codec_enc_cfg_t *c = &e->cfg;
	*err = vpx_codec_enc_config_default(vpx_codec_vp8_cx(), c, 0);
	if (*err != VPX_CODEC_OK) {
		free(e);
		return NULL;
	}
	c->g_w = w;
	c->g_h = h;
	c->g_threads = threads;
	c->g_timebase.num = 1;
	c->g_timebase.den = 1000; // pts in milliseconds
	c->g_lag_in_frames = 0;
	c->g_pass = VPX_RC_ONE_PASS;
	c->g_error_resilient = 0;
	c->rc_end_usage = VPX_CBR;
	c->rc_target_bitrate = kbps;
	c->rc_undershoot_pct = 100;
	c->rc_overshoot_pct = 15;
	c->rc_buf_initial_sz = 500;
	c->rc_buf_optimal_sz = 600;
	c->rc_buf_sz = 1000;
	c->rc_dropframe_thresh = 0; // the engine drops frames itself
	c->rc_resize_allowed = 0;
	c->kf_mode = VPX_KF_DISABLED; // the Go side forces them, on a base-layer frame
	c->kf_min_dist = 0;
	c->kf_max_dist = 0;
	*err = vpx_codec_enc_init(&e->ctx, vpx_codec_vp8_cx(), c, 0);
	if (*err != VPX_CODEC_OK) {
		free(e);
		return NULL;
	}
	if ((*err = vpx_codec_control(&e->ctx, VP8E_SET_CPUUSED, cpu_used)) != VPX_CODEC_OK ||
			(*err = vpx_codec_control(&e->ctx, VP8E_SET_NOISE_SENSITIVITY, 0)) != VPX_CODEC_OK ||
			(*err = vpx_codec_control(&e->ctx, VP8E_SET_STATIC_THRESHOLD, 1)) != VPX_CODEC_OK ||
			(*err = vpx_codec_control(&e->ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, max_intra_pct)) != VPX_CODEC_OK) {
		vpx_codec_destroy(&e->ctx);
		free(e);
		return NULL;
	}
	// The planes are set per frame; the non-NULL placeholder keeps libvpx
	// from allocating a buffer of its own.
	vpx_img_wrap(&e->img, VPX_IMG_FMT_I420, w, h, 1, (unsigned char *)e);
	return e;
}

static void parley_vp8_enc_close(parley_vp8_enc *e) {
	vpx_codec_destroy(&e->ctx);
	free(e);
}

static int parley_vp8_enc_rate(parley_vp8_enc *e, unsigned int kbps) {
	e->cfg.rc_target_bitrate = kbps;
	return vpx_codec_enc_config_set(&e->ctx, &e->cfg);
}

typedef struct {
	const uint8_t *data;
	size_t size;
	int key;
	int err;
} parley_vp8_out;

// One cgo call per frame: point the image at the caller's planes (libvpx
// copies them into its own buffers before returning, as no frame is held
// back with lag 0), encode, and return the one compressed frame, which
// stays in libvpx's memory until the next call.
static parley_vp8_out parley_vp8_enc_frame(parley_vp8_enc *e, uint8_t *y, uint8_t *u, uint8_t *v,
		int ys, int us, int vs, int64_t pts, unsigned long duration, long flags) {
	parley_vp8_out o = { NULL, 0, 0, VPX_CODEC_OK };
	e->img.planes[VPX_PLANE_Y] = y;
	e->img.planes[VPX_PLANE_U] = u;
	e->img.planes[VPX_PLANE_V] = v;
	e->img.stride[VPX_PLANE_Y] = ys;
	e->img.stride[VPX_PLANE_U] = us;
	e->img.stride[VPX_PLANE_V] = vs;
	o.err = vpx_codec_encode(&e->ctx, &e->img, pts, duration, flags, VPX_DL_REALTIME);
	e->img.planes[VPX_PLANE_Y] = e->img.planes[VPX_PLANE_U] = e->img.planes[VPX_PLANE_V] = NULL;
	if (o.err != VPX_CODEC_OK) {
		return o;
	}
	vpx_codec_iter_t iter = NULL;
	const vpx_codec_cx_pkt_t *pkt;
	while ((pkt = vpx_codec_get_cx_data(&e->ctx, &iter)) != NULL) {
		if (pkt->kind == VPX_CODEC_CX_FRAME_PKT && o.data == NULL) {
			o.data = pkt->data.frame.buf;
			o.size = pkt->data.frame.sz;
			o.key = (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
		}
	}
	return o;
}
// The reference rules of two temporal layers: base frames predict from
// and update the last base frame only; frames above predict from it and
// update nothing, not even the entropy context, so losing one damages
// nothing after it.
#define PARLEY_VP8_BASE_FLAGS (VP8_EFLAG_NO_REF_GF | VP8_EFLAG_NO_REF_ARF | \
	VP8_EFLAG_NO_UPD_GF | VP8_EFLAG_NO_UPD_ARF)
#define PARLEY_VP8_UPPER_FLAGS (VP8_EFLAG_NO_REF_GF | VP8_EFLAG_NO_REF_ARF | \
	VP8_EFLAG_NO_UPD_LAST | VP8_EFLAG_NO_UPD_GF | VP8_EFLAG_NO_UPD_ARF | VP8_EFLAG_NO_UPD_ENTROPY)
*/
import "C"

import (
	"fmt"
	"unsafe"

	"github.com/parley-rtc/parley/render"
)

// EncoderConfig is how an Encoder encodes.
type EncoderConfig struct {
	Width, Height int // the first frame's size; a frame of another size rebuilds the codec
	FPS           int // the frame rate the rate control plans for; 30 if 0
	BitrateBps    int // the target, constant bitrate
	// KeyFrameEvery is the most frames between keyframes; 0: keyframes
	// only when asked for (and at the start and at each size change).
	KeyFrameEvery int
	// TemporalLayers is 1 (or 0): every frame predicts from the one before;
	// or 2: every other frame is above the base layer (TID 1), predicted
	// from the base frame before it and a reference for nothing, so a
	// receiver that loses it plays on without a keyframe. Two layers cost
	// some compression (base frames predict from two frames back). The
	// frame after a keyframe is a base frame: it is the one that brings the
	// picture back from the keyframe's capped quality, often at twice a
	// keyframe's size, and that must not be thrown away.
	TemporalLayers int
	// MaxKeyFramePercent caps a keyframe's size, in percent of an average
	// frame at the target bitrate; 0 leaves it to libvpx's rate control
	// alone. Callers normally use KeyFrameCap.
	MaxKeyFramePercent int
	// Threads libvpx may use; 1 if 0.
	Threads int
}

// KeyFrameCap is the keyframe size cap for fps frames a second: half of a
// 600 ms buffer, in percent of an average frame — a keyframe takes at most
// 300 ms of the link, so the frames after it are late by no more than that.
func KeyFrameCap(fps int) int {
	if fps <= 0 {
		fps = 30
	}
	return 600 / 2 * fps / 10
}

// cpuUsed is libvpx's speed setting for real time: -6 is what real-time
// senders use on desktop CPUs, several times faster than 0 for a small loss
// of quality, leaving the cores to the game.
const cpuUsed = -6

// Encoder encodes I420 frames to VP8 with libvpx in constant-bitrate,
// real-time mode. It exists (rather than mediadevices' vpx encoder) for the
// settings a sender on a narrow link needs and mediadevices does not
// expose: a rate-control buffer of one second (libvpx's default is six, and
// after the bandwidth estimate fell the codec went on overshooting it for
// seconds), the keyframe size cap, real-time speed -6, frame durations
// from the frame rate, and no copy of the frame into a buffer of its own.
//
// An Encoder is not safe for concurrent use; one goroutine owns it.
type Encoder struct {
	e        *C.parley_vp8_enc
	cfg      EncoderConfig
	w, h     int
	forceKey bool
	pts      int64 // the last frame's
	n        int   // frames since the last keyframe
}

// NewEncoder returns an encoder for cfg.
func NewEncoder(cfg EncoderConfig) (*Encoder, error) {
	if cfg.Width < 2 || cfg.Height < 2 || cfg.Width > 16383 || cfg.Height > 16383 {
		return nil, fmt.Errorf("%w: size %dx%d", ErrBadConfig, cfg.Width, cfg.Height)
	}
	if cfg.BitrateBps < 1000 {
		return nil, fmt.Errorf("%w: bitrate %d bit/s", ErrBadConfig, cfg.BitrateBps)
	}
	if cfg.TemporalLayers < 0 || cfg.TemporalLayers > 2 {
		return nil, fmt.Errorf("%w: %d temporal layers (1 or 2)", ErrBadConfig, cfg.TemporalLayers)
	}
	if cfg.FPS <= 0 {
		cfg.FPS = 30
	}
	if cfg.Threads <= 0 {
		cfg.Threads = 1
	}
	enc := &Encoder{cfg: cfg, pts: -1 << 62}
	if err := enc.open(cfg.Width, cfg.Height); err != nil {
		return nil, err
	}
	return enc, nil
}

func (enc *Encoder) open(w, h int) error {
	var cerr C.int
	e := C.parley_vp8_enc_open(C.uint(w), C.uint(h), C.uint(enc.cfg.BitrateBps/1000),
		C.uint(enc.cfg.Threads), C.int(cpuUsed), C.uint(enc.cfg.MaxKeyFramePercent), &cerr)
	if e == nil {
		return fmt.Errorf("%w: %s", ErrInit, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(cerr))))
	}
	enc.e, enc.w, enc.h = e, w, h
	return nil
}

// SetBitrate changes the target from the next frame on.
func (enc *Encoder) SetBitrate(bps int) error {
	if enc.e == nil {
		return ErrClosed
	}
	if bps < 1000 {
		return fmt.Errorf("%w: bitrate %d bit/s", ErrBadConfig, bps)
	}
	if err := C.parley_vp8_enc_rate(enc.e, C.uint(bps/1000)); err != C.VPX_CODEC_OK {
		return fmt.Errorf("%w: %s", ErrEncode, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(err))))
	}
	enc.cfg.BitrateBps = bps
	return nil
}

// ForceKeyFrame makes the next frame a keyframe.
func (enc *Encoder) ForceKeyFrame() { enc.forceKey = true }

// Encoded is one compressed frame.
type Encoded struct {
	// Data is libvpx's memory: valid until the next Encode or Close (a
	// size change inside Encode frees it too); copy it to keep it.
	// Empty when libvpx dropped the frame.
	Data []byte
	Key  bool  // a keyframe: decodes on its own
	TID  uint8 // temporal layer: 0 base, 1 above it (TemporalLayers 2)
}

// Encode encodes f, captured at ptsMs (milliseconds, increasing). A frame
// of a new size rebuilds the codec, so it is a keyframe.
//
// f is read during the call only.
func (enc *Encoder) Encode(f *render.I420, ptsMs int64) (Encoded, error) {
	if enc.e == nil {
		return Encoded{}, ErrClosed
	}
	if !f.Valid() || f.Width < 2 || f.Height < 2 {
		return Encoded{}, ErrBadFrame
	}
	if ptsMs <= enc.pts { // libvpx's rate control wants time to move on
		ptsMs = enc.pts + 1
	}
	if f.Width != enc.w || f.Height != enc.h {
		C.parley_vp8_enc_close(enc.e)
		enc.e = nil
		if err := enc.open(f.Width, f.Height); err != nil {
			return Encoded{}, err
		}
		enc.forceKey = true
	}
	if every := enc.cfg.KeyFrameEvery; every > 0 && enc.n >= every {
		enc.forceKey = true
	}
	var flags C.long
	tid := uint8(0)
	switch {
	case enc.forceKey:
		flags = C.VPX_EFLAG_FORCE_KF
	case enc.cfg.TemporalLayers == 2 && enc.n > 0 && enc.n%2 == 0: // K, base, upper, base, …
		flags, tid = C.PARLEY_VP8_UPPER_FLAGS, 1
	case enc.cfg.TemporalLayers == 2:
		flags = C.PARLEY_VP8_BASE_FLAGS
	}
	o := C.parley_vp8_enc_frame(enc.e, (*C.uint8_t)(unsafe.Pointer(&f.Y[0])), (*C.uint8_t)(unsafe.Pointer(&f.U[0])),
		(*C.uint8_t)(unsafe.Pointer(&f.V[0])), C.int(f.YStride), C.int(f.UStride), C.int(f.VStride), C.int64_t(ptsMs),
		C.ulong(1000/enc.cfg.FPS), flags)
	if o.err != C.VPX_CODEC_OK {
		return Encoded{}, fmt.Errorf("%w: %s", ErrEncode, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(o.err))))
	}
	enc.forceKey, enc.pts = false, ptsMs
	if o.data == nil {
		return Encoded{}, nil // libvpx dropped the frame
	}
	if o.key != 0 {
		enc.n, tid = 0, 0
	}
	enc.n++
	// libvpx's own buffer, not copied: it stays valid until the next
	// encode call, which is Data's documented lifetime.
	data := unsafe.Slice((*byte)(unsafe.Pointer(o.data)), int(o.size))
	return Encoded{Data: data, Key: o.key != 0, TID: tid}, nil
}

// Close frees the codec. Close is idempotent.
func (enc *Encoder) Close() {
	if enc.e == nil {
		return
	}
	C.parley_vp8_enc_close(enc.e)
	enc.e = nil
}
