package render

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// Mode says how a frame whose aspect ratio differs from the view's is fitted.
// The values are those of parley_view_mode in the C ABI and never change.
type Mode int32

const (
	// ModeAspectFit shows the whole frame, centred, with opaque black bars
	// (R=G=B=0, A=255) where the aspect ratios differ.
	ModeAspectFit Mode = 0
	// ModeAspectFill fills the whole view and crops the frame's centre.
	ModeAspectFill Mode = 1
	// ModeScaleToFill stretches the frame to the view, ignoring aspect.
	ModeScaleToFill Mode = 2
)

// Desc describes a caller-owned RGBA8 buffer for NewView. It mirrors
// parley_view_desc.
type Desc struct {
	// Pixels receives the frames. It stays owned by the caller: through
	// the C ABI it is C memory wrapped with unsafe.Slice. It must hold at
	// least Stride*Height bytes and stay valid until Close returns.
	Pixels []byte
	// Width and Height are the view size in pixels; Stride is the
	// distance between rows in bytes, at least 4*Width. Bytes past
	// 4*Width in a row are never written.
	Width, Height, Stride int
	Mode                  Mode
	// FlipY writes rows bottom-up, for textures whose origin is the
	// bottom-left corner (OpenGL, Unity).
	FlipY bool
}

// FrameInfo describes the frame in the pixels at Acquire time. It mirrors
// parley_frame_info.
type FrameInfo struct {
	// Seq counts frames landed in the pixels; 0 means none yet. A host
	// that sees the same Seq twice can skip the texture upload.
	Seq                       uint64
	SourceWidth, SourceHeight int   // size of the frame before scaling
	CaptureTimeMs             int64 // sender's capture time on this host's clock; 0 if unknown
	WriteTimeMs               int64 // Unix ms when the frame landed in the pixels
}

// View writes decoded frames into a caller-owned RGBA8 buffer and lets the
// host hold the buffer (Acquire … Release) while it uploads a texture.
//
// All methods are safe for concurrent use. One mutex guards the pixels and is
// held only while a frame is converted, so Acquire waits for at most the one
// conversion in progress, and Write never waits for the host: while the view
// is held, Write keeps the newest frame aside and Release lands it.
type View struct {
	mu            sync.Mutex
	pixels        []byte // nil after Close
	width, height int
	stride        int
	mode          Mode
	flipY         bool

	acquired, closed bool
	info             FrameInfo
	lay              layout // for the last landed source size; srcW is 0 before any

	// Buffers owned by the view and reused, so the frame path does not
	// allocate once sizes are stable.
	scaled, mirrored I420
	pending          I420
	pendingMeta      FrameMeta
	pendingMirror    bool
	hasPending       bool
}

// NewView checks d and returns a view that writes into d.Pixels. Errors wrap
// ErrInvalidDesc. The pixels are not touched until the first frame lands.
func NewView(d Desc) (*View, error) {
	switch {
	case d.Width <= 0 || d.Height <= 0 || d.Width > MaxDim || d.Height > MaxDim:
		return nil, fmt.Errorf("%w: size %dx%d outside 1..%d", ErrInvalidDesc, d.Width, d.Height, MaxDim)
	case d.Stride < 4*d.Width || int64(d.Stride)*int64(d.Height) > math.MaxInt32:
		return nil, fmt.Errorf("%w: stride %d for %dx%d", ErrInvalidDesc, d.Stride, d.Width, d.Height)
	case len(d.Pixels) < d.Stride*d.Height:
		return nil, fmt.Errorf("%w: %d pixel bytes, need stride*height = %d",
			ErrInvalidDesc, len(d.Pixels), d.Stride*d.Height)
	case d.Mode != ModeAspectFit && d.Mode != ModeAspectFill && d.Mode != ModeScaleToFill:
		return nil, fmt.Errorf("%w: unknown mode %d", ErrInvalidDesc, d.Mode)
	}
	return &View{pixels: d.Pixels, width: d.Width, height: d.Height,
		stride: d.Stride, mode: d.Mode, flipY: d.FlipY}, nil
}

// Write lands f in the pixels, scaled per the view's mode, mirrored left to
// right when mirror is set, and reports whether it landed. f is only read
// during the call, so it may point into a decoder's reused buffers.
//
// It returns false when the view is held (the frame is copied aside,
// replacing any older one, and Release lands it), when the view is closed,
// or when f's planes are too short for its size and strides (nothing
// happens). Write never waits for the host, only for a conversion already
// running in Release or another Write. Concurrent Writes are safe; they are
// serialized and the last to run wins.
func (v *View) Write(f *I420, meta FrameMeta, mirror bool) (landed bool) {
	if !f.Valid() {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case v.closed:
		return false
	case v.acquired:
		v.pending.copyFrom(f)
		v.pendingMeta, v.pendingMirror, v.hasPending = meta, mirror, true
		return false
	}
	v.land(f, meta, mirror)
	return true
}

// Acquire hands the pixels to the caller until Release: Parley will not
// write them in between. It waits at most for one frame conversion. It
// returns ErrClosed after Close and ErrAlreadyAcquired if already held.
func (v *View) Acquire() (FrameInfo, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case v.closed:
		return FrameInfo{}, ErrClosed
	case v.acquired:
		return FrameInfo{}, ErrAlreadyAcquired
	}
	v.acquired = true
	return v.info, nil
}

// Release gives the pixels back. If frames arrived while they were held,
// the newest one is converted and landed now, in the caller's goroutine (up
// to about one frame conversion), so the next Acquire sees it without
// waiting for the next decoded frame. It returns ErrNotAcquired if the view
// is not held, and ErrClosed after Close.
func (v *View) Release() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case v.closed:
		return ErrClosed
	case !v.acquired:
		return ErrNotAcquired
	}
	v.acquired = false
	if v.hasPending {
		v.hasPending = false
		v.land(&v.pending, v.pendingMeta, v.pendingMirror)
	}
	return nil
}

// Close detaches the view from its pixels: once it returns, Parley never
// reads or writes them again, so the caller may free them. It waits for a
// conversion in progress, works whether or not the view is held, and may be
// called more than once.
func (v *View) Close() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
	v.pixels = nil
	v.scaled, v.mirrored, v.pending = I420{}, I420{}, I420{}
	v.hasPending = false
}

// land converts f into the pixels. v.mu must be held and the view open.
func (v *View) land(f *I420, meta FrameMeta, mirror bool) {
	l := &v.lay
	if l.srcW != f.Width || l.srcH != f.Height {
		*l = newLayout(v.mode, f.Width, f.Height, v.width, v.height)
		// The bars move with the geometry: repaint the whole view so no
		// part of an earlier picture survives outside the new rect.
		if !l.covers(v.width, v.height) {
			fillOpaqueBlack(v.pixels, v.stride, 0, 0, v.width, v.height)
		}
	}
	src := f.crop(l.cropX, l.cropY, l.cropW, l.cropH)
	if l.scaled() {
		v.scaled.resize(l.dstW, l.dstH)
		scaleI420(&v.scaled, &src)
		src = v.scaled
	}
	if mirror {
		v.mirrored.resize(src.Width, src.Height)
		mirrorI420(&v.mirrored, &src)
		src = v.mirrored
	}
	row := l.dstY
	if v.flipY {
		row = v.height - l.dstY - l.dstH // the rect's top row once flipped
	}
	i420ToRGBA(v.pixels[row*v.stride+4*l.dstX:], v.stride, &src, v.flipY)
	v.info = FrameInfo{
		Seq:         v.info.Seq + 1,
		SourceWidth: f.Width, SourceHeight: f.Height,
		CaptureTimeMs: meta.CaptureTimeMs,
		WriteTimeMs:   time.Now().UnixMilli(),
	}
}
