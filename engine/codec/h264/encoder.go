package h264

/*
#cgo pkg-config: openh264
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <wels/codec_api.h>

// parley_h264_enc_open starts an encoder for real-time camera video: one
// spatial layer, bitrate rate control with frame skipping, slices of at
// most slice bytes, and a stream header that says the
// pictures are BT.601 limited range (SMPTE 170M), which is what Parley and
// browsers convert with: without it, browsers assume BT.709 and show the
// colours wrong.
static ISVCEncoder *parley_h264_enc_open(int w, int h, float fps, int bitrate, int intra, int slice, int *err) {
	ISVCEncoder *enc = NULL;
	if (WelsCreateSVCEncoder(&enc) != 0 || enc == NULL) {
		*err = -1;
		return NULL;
	}
	int quiet = WELS_LOG_QUIET;
	(*enc)->SetOption(enc, ENCODER_OPTION_TRACE_LEVEL, &quiet);
	SEncParamExt p;
	(*enc)->GetDefaultParams(enc, &p);
	p.iUsageType = CAMERA_VIDEO_REAL_TIME;
	p.iPicWidth = w;
	p.iPicHeight = h;
	p.iTargetBitrate = bitrate;
	p.iMaxBitrate = bitrate;
	p.iRCMode = RC_BITRATE_MODE;
	p.fMaxFrameRate = fps;
	p.bEnableFrameSkip = true;
	p.uiIntraPeriod = intra;
	p.iMultipleThreadIdc = 1; // one thread: the other cores are the game's
	p.iSpatialLayerNum = 1;
	SSpatialLayerConfig *l = &p.sSpatialLayers[0];
	l->iVideoWidth = w;
	l->iVideoHeight = h;
	l->fFrameRate = fps;
	l->iSpatialBitrate = bitrate;
	l->iMaxSpatialBitrate = bitrate;
	l->sSliceArgument.uiSliceMode = SM_SIZELIMITED_SLICE;
	l->sSliceArgument.uiSliceSizeConstraint = slice;
	p.uiMaxNalSize = slice;
	l->bVideoSignalTypePresent = true;
	l->uiVideoFormat = VF_UNDEF;
	l->bFullRange = false;
	l->bColorDescriptionPresent = true;
	l->uiColorPrimaries = CP_SMPTE170M;
	l->uiTransferCharacteristics = TRC_SMPTE170M;
	l->uiColorMatrix = CM_SMPTE170M;
	int rv = (*enc)->InitializeExt(enc, &p);
	if (rv != 0) {
		WelsDestroySVCEncoder(enc);
		*err = rv;
		return NULL;
	}
	int fmt = videoFormatI420;
	(*enc)->SetOption(enc, ENCODER_OPTION_DATAFORMAT, &fmt);
	return enc;
}

static void parley_h264_enc_close(ISVCEncoder *enc) {
	(*enc)->Uninitialize(enc);
	WelsDestroySVCEncoder(enc);
}

static int parley_h264_enc_bitrate(ISVCEncoder *enc, int bitrate) {
	SBitrateInfo b;
	memset(&b, 0, sizeof b);
	b.iLayer = SPATIAL_LAYER_ALL;
	b.iBitrate = bitrate;
	int rv = (*enc)->SetOption(enc, ENCODER_OPTION_BITRATE, &b);
	b.iLayer = SPATIAL_LAYER_0;
	rv |= (*enc)->SetOption(enc, ENCODER_OPTION_BITRATE, &b);
	b.iLayer = SPATIAL_LAYER_ALL;
	rv |= (*enc)->SetOption(enc, ENCODER_OPTION_MAX_BITRATE, &b);
	return rv;
}

// parley_h264_enc_frame encodes one picture; *out and *len describe the
// Annex B bytes of every NAL of the frame, contiguous in the encoder's own
// buffer (valid until the next call). A skipped frame gives *len == 0.
static int parley_h264_enc_frame(ISVCEncoder *enc, int w, int h, unsigned char *y, unsigned char *u,
                                 unsigned char *v, int ys, int cs, long long ts, bool key,
                                 unsigned char **out, int *len) {
	if (key) (*enc)->ForceIntraFrame(enc, true);
	SSourcePicture pic;
	memset(&pic, 0, sizeof pic);
	pic.iColorFormat = videoFormatI420;
	pic.iPicWidth = w;
	pic.iPicHeight = h;
	pic.iStride[0] = ys;
	pic.iStride[1] = pic.iStride[2] = cs;
	pic.pData[0] = y;
	pic.pData[1] = u;
	pic.pData[2] = v;
	pic.uiTimeStamp = ts;
	SFrameBSInfo info;
	memset(&info, 0, sizeof info);
	int rv = (*enc)->EncodeFrame(enc, &pic, &info);
	*out = NULL;
	*len = 0;
	if (rv != 0) return rv;
	if (info.eFrameType == videoFrameTypeSkip || info.iLayerNum == 0) return 0;
	// The layers' buffers follow each other in the encoder's memory.
	*out = info.sLayerInfo[0].pBsBuf;
	for (int l = 0; l < info.iLayerNum; l++)
		for (int i = 0; i < info.sLayerInfo[l].iNalCount; i++) *len += info.sLayerInfo[l].pNalLengthInByte[i];
	return 0;
}
*/
import "C"

import (
	"errors"
	"unsafe"

	"github.com/parley-rtc/parley/render"
)

// EncoderParams configure an Encoder.
type EncoderParams struct {
	Width, Height int
	FPS           float64
	Bitrate       int // bits per second
	IntraPeriod   int // frames between IDR frames; 0 only on request
	// MaxSliceBytes bounds each slice (NAL unit); 0 means DefaultSliceBytes.
	MaxSliceBytes int
}

// DefaultSliceBytes keeps every NAL unit in one RTP packet of Parley's
// 1200-byte MTU, so a lost packet costs one slice, never a fragment set.
const DefaultSliceBytes = 1100

// Encoder encodes I420 pictures to H.264 Constrained Baseline with
// openh264, as Annex B access units of slices of at most MaxSliceBytes, with BT.601 limited-range colour signalled in
// the SPS. It is not safe for concurrent use.
type Encoder struct {
	enc  *C.ISVCEncoder
	w, h int
	ts   int64
	step int64
}

// ErrEncode is returned when openh264 refuses parameters or a picture.
var ErrEncode = errors.New("h264: encode failed")

// NewEncoder starts an encoder for p.
func NewEncoder(p EncoderParams) (*Encoder, error) {
	if p.Width <= 0 || p.Height <= 0 || p.Width%2 != 0 || p.Height%2 != 0 || p.FPS <= 0 {
		return nil, ErrEncode
	}
	if p.MaxSliceBytes <= 0 {
		p.MaxSliceBytes = DefaultSliceBytes
	}
	var cerr C.int
	enc := C.parley_h264_enc_open(C.int(p.Width), C.int(p.Height), C.float(p.FPS), C.int(p.Bitrate),
		C.int(p.IntraPeriod), C.int(p.MaxSliceBytes), &cerr)
	if enc == nil {
		return nil, ErrEncode
	}
	return &Encoder{enc: enc, w: p.Width, h: p.Height, step: int64(1000 / p.FPS)}, nil
}

// SetBitrate changes the target bitrate from the next frame on.
func (e *Encoder) SetBitrate(bps int) error {
	if e.enc == nil {
		return ErrClosed
	}
	if C.parley_h264_enc_bitrate(e.enc, C.int(bps)) != 0 {
		return ErrEncode
	}
	return nil
}

// Encode encodes f (of the encoder's size), as an IDR frame when key is
// set. The result aliases the encoder's buffer until the next call; it is
// empty when rate control skipped the frame.
func (e *Encoder) Encode(f *render.I420, key bool) ([]byte, error) {
	if e.enc == nil {
		return nil, ErrClosed
	}
	if f.Width != e.w || f.Height != e.h || f.UStride != f.VStride {
		return nil, ErrEncode
	}
	var out *C.uchar
	var n C.int
	e.ts += e.step
	rv := C.parley_h264_enc_frame(e.enc, C.int(f.Width), C.int(f.Height),
		(*C.uchar)(unsafe.Pointer(&f.Y[0])), (*C.uchar)(unsafe.Pointer(&f.U[0])), (*C.uchar)(unsafe.Pointer(&f.V[0])),
		C.int(f.YStride), C.int(f.UStride), C.longlong(e.ts), C.bool(key), &out, &n)
	if rv != 0 {
		return nil, ErrEncode
	}
	if n == 0 {
		return nil, nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(out)), int(n)), nil
}

// Close frees the encoder; later calls return ErrClosed.
func (e *Encoder) Close() {
	if e.enc != nil {
		C.parley_h264_enc_close(e.enc)
		e.enc = nil
	}
}
