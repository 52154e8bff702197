package engine

import (
	"image"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/render"
)

const rtpMTU = 1200

// frameSlot hands the newest captured frame to the encoder. The capture side
// never blocks: a frame the encoder has not taken yet is replaced.
type frameSlot struct {
	mu        sync.Mutex
	cond      *sync.Cond
	pending   *image.YCbCr // newest frame not yet taken
	working   *image.YCbCr // frame the encoder is reading
	pendingMs int64
	workingMs int64
	has       bool
	closed    bool
}

func newFrameSlot() *frameSlot {
	s := &frameSlot{}
	s.cond = sync.NewCond(&s.mu)
	return s
}

func (s *frameSlot) offer(f *render.I420, captureMs int64, mirror bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.pending = copyI420(s.pending, f, mirror)
	s.pendingMs = captureMs
	s.has = true
	s.cond.Signal()
}

// Read implements mediadevices' video.Reader for the encoder. The returned
// image stays valid until the next Read, which the encoder only calls after
// it finished with this one.
func (s *frameSlot) Read() (image.Image, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.has && !s.closed {
		s.cond.Wait()
	}
	if s.closed {
		return nil, func() {}, io.EOF
	}
	s.pending, s.working = s.working, s.pending
	s.workingMs = s.pendingMs
	s.has = false
	return s.working, func() {}, nil
}

func (s *frameSlot) lastCaptureMs() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.workingMs
}

func (s *frameSlot) close() {
	s.mu.Lock()
	s.closed = true
	s.cond.Broadcast()
	s.mu.Unlock()
}

// copyI420 copies f (mirrored left to right if asked) into dst,
// reallocating only when the size changed.
func copyI420(dst *image.YCbCr, f *render.I420, mirror bool) *image.YCbCr {
	if dst == nil || dst.Rect.Dx() != f.Width || dst.Rect.Dy() != f.Height {
		dst = image.NewYCbCr(image.Rect(0, 0, f.Width, f.Height), image.YCbCrSubsampleRatio420)
	}
	if mirror {
		out := render.I420{Width: f.Width, Height: f.Height, Y: dst.Y, U: dst.Cb, V: dst.Cr,
			YStride: dst.YStride, UStride: dst.CStride, VStride: dst.CStride}
		if render.MirrorI420(&out, f) == nil {
			return dst
		}
	}
	cw, chh := (f.Width+1)/2, (f.Height+1)/2
	for y := 0; y < f.Height; y++ {
		copy(dst.Y[y*dst.YStride:y*dst.YStride+f.Width], f.Y[y*f.YStride:])
	}
	for y := 0; y < chh; y++ {
		copy(dst.Cb[y*dst.CStride:y*dst.CStride+cw], f.U[y*f.UStride:])
		copy(dst.Cr[y*dst.CStride:y*dst.CStride+cw], f.V[y*f.VStride:])
	}
	return dst
}

// videoEncoder encodes one channel's frames to VP8 or H.264 and sends them
// as RTP. RTP timestamps are the capture time in Unix milliseconds × 90
// (mod 2^32): receivers recover the capture time from them
// (docs/protocol.md).
//
// Its goroutine takes the newest frame from the slot and hands it to the
// codec. The VP8 encoder follows a change of frame size by itself (a
// keyframe at the new size); openh264 is built anew for the new size (its
// first frame is then an IDR). Keyframe and
// bitrate requests are applied by that goroutine between frames, so the
// codec is only ever called from one thread.
type videoEncoder struct {
	codec    VideoCodec
	fps      int
	slot     *frameSlot
	enc      codec.ReadCloser // owned by run
	encW     int              // size enc was built for (H.264)
	encH     int
	cur      image.Image // the frame enc reads next
	track    *webrtc.TrackLocalStaticRTP
	wantKey  atomic.Bool
	bitrate  atomic.Int64  // bits per second configured
	estimate atomic.Int64  // bits per second the network takes (bwe.go); 0 unknown
	resent   func() int64  // bits per second of retransmissions; nil: none counted
	adapt    bool          // drop frames and shrink to follow the estimate
	layers   int           // VP8 temporal layers
	rateSet  int64         // bits per second enc runs at (run only)
	encoded  atomic.Uint64 // frames
	sent     atomic.Uint64 // frames whose packets all went out
	sentPkts atomic.Uint64
	bytes    atomic.Uint64
	done     chan struct{}
}

// encoderParams are how a publisher's video encoder follows the network.
type encoderParams struct {
	// Adapt: drop frames and shrink the size to follow the estimate
	// (ratecontrol.go).
	Adapt bool
	// Resent, if not nil, is the rate of retransmissions being sent, which
	// the encoder leaves room for within the estimate.
	Resent func() int64
	// Layers is VP8's temporal layers: 1 or 2.
	Layers int
}

// newVideoEncoder starts an encoder for cfg's stream on track.
func newVideoEncoder(cfg VideoConfig, track *webrtc.TrackLocalStaticRTP, p encoderParams) (*videoEncoder, error) {
	v := &videoEncoder{codec: cfg.Codec, fps: cfg.FPS, slot: newFrameSlot(), track: track, adapt: p.Adapt,
		resent: p.Resent, layers: max(p.Layers, 1), done: make(chan struct{})}
	if v.fps <= 0 {
		v.fps = 30
	}
	v.bitrate.Store(int64(cfg.BitrateKbps) * 1000)
	enc, err := v.build(cfg.EncodeWidth, cfg.EncodeHeight)
	if err != nil {
		return nil, err
	}
	v.enc = enc
	go v.run()
	return v, nil
}

// build makes a codec for frames of w×h; it reads v.cur.
func (v *videoEncoder) build(w, h int) (codec.ReadCloser, error) {
	bitrate := int(v.target())
	var enc codec.ReadCloser
	var err error
	if v.codec == CodecH264 {
		// Frame skipping stays on: openh264's rate control needs it to
		// hold the bitrate, and a skipped frame simply sends nothing.
		enc, err = newH264Enc(w, h, v.fps, bitrate, func() image.Image { return v.cur })
	} else {
		enc, err = newVP8Enc(w, h, v.fps, bitrate, v.layers, func() image.Image { return v.cur }, v.slot.lastCaptureMs)
	}
	if err != nil {
		return nil, err
	}
	v.encW, v.encH, v.rateSet = w, h, int64(bitrate)
	return enc, nil
}

func (v *videoEncoder) offer(f *render.I420, captureMs int64, mirror bool) {
	v.slot.offer(f, captureMs, mirror)
}

func (v *videoEncoder) requestKeyFrame() { v.wantKey.Store(true) }

// setBitrate asks for a new target; the encoder applies it before its next frame.
func (v *videoEncoder) setBitrate(kbps int) { v.bitrate.Store(int64(kbps) * 1000) }

// setEstimate caps the bitrate at what the network takes.
func (v *videoEncoder) setEstimate(bps int) { v.estimate.Store(int64(bps)) }

// target is the bitrate to encode at: the configured one, or less if the
// network takes less. Retransmissions share the estimate: the encoder gets
// what they leave (as libwebrtc's encoder gets the estimate less its
// protection), never below a trickle.
func (v *videoEncoder) target() int64 {
	rate := v.bitrate.Load()
	if est := v.estimate.Load(); est > 0 {
		if v.resent != nil {
			est = max(est-v.resent(), minVideoBps)
		}
		if est < rate {
			return est
		}
	}
	return rate
}

func (v *videoEncoder) run() {
	defer close(v.done)
	var pl rtp.Payloader = &layerPayloader{enc: func() *codecEnc { ce, _ := v.enc.(*codecEnc); return ce }}
	pt := uint8(ptVP8)
	if v.codec == CodecH264 {
		pl, pt = &codecs.H264Payloader{}, ptH264
	}
	var seq uint16
	var budget frameBudget // ratecontrol.go
	var ladder sizeLadder
	afterKey := false // the last frame encoded was a keyframe
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt}}
	for {
		img, _, err := v.slot.Read()
		if err != nil {
			return
		}
		rate := v.target()
		if v.adapt {
			now := time.Now()
			if !budget.allow(now, rate) {
				// Over the budget: this frame is dropped. A keyframe
				// asked for waits for the next frame within it, rather
				// than adding the largest frame of all to the debt.
				continue
			}
			img = ladder.frame(img, rate, v.bitrate.Load(), budget.pressed(now))
		}
		if b := img.Bounds(); v.codec == CodecH264 && (b.Dx() != v.encW || b.Dy() != v.encH) {
			v.enc.Close()
			enc, err := v.build(b.Dx(), b.Dy())
			if err != nil {
				v.enc = nil
				return
			}
			v.enc = enc
		}
		if rate != v.rateSet {
			if bc, ok := v.enc.Controller().(interface{ SetBitRate(int) error }); ok && bc.SetBitRate(int(rate)) == nil {
				v.rateSet = rate
			}
		}
		if v.wantKey.Swap(false) {
			if kc, ok := v.enc.Controller().(codec.KeyFrameController); ok {
				kc.ForceKeyFrame()
			}
		}
		v.cur = img
		b, release, err := v.enc.Read()
		v.cur = nil
		if err != nil {
			return
		}
		if len(b) == 0 { // openh264's rate control skipped the frame
			release()
			continue
		}
		v.encoded.Add(1)
		key := false
		if ce, ok := v.enc.(*codecEnc); ok {
			key = ce.lastKey
		}
		budget.spend(time.Now(), len(b), key || afterKey, float64(rate)/float64(v.fps))
		afterKey = key
		ts := uint32(v.slot.lastCaptureMs() * 90)
		payloads := pl.Payload(rtpMTU, b)
		ok := true
		for i, p := range payloads {
			seq++
			pkt.SequenceNumber = seq
			pkt.Timestamp = ts
			pkt.Marker = i == len(payloads)-1
			pkt.Payload = p
			if v.track.WriteRTP(&pkt) == nil {
				v.sentPkts.Add(1)
				v.bytes.Add(uint64(len(p) + 12))
			} else {
				ok = false
			}
		}
		if ok {
			v.sent.Add(1)
		}
		release()
	}
}

func (v *videoEncoder) close() {
	v.slot.close()
	<-v.done
	if v.enc != nil {
		v.enc.Close()
	}
}
