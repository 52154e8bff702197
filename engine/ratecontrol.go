package engine

import (
	"image"
	"time"

	"github.com/parley-rtc/parley/render"
)

// The video encoder's answer to a narrow link (docs/media.md, Congestion
// control). The codec's own rate control cannot go below what its coarsest
// quantizer makes of busy content, and never drops a frame; so the encoder
// also drops frames to keep its output within the bandwidth estimate
// (frameBudget), and encodes at half or quarter size while the estimate is
// far below the configured bitrate (sizeLadder).

// maxSkipped is how many frames in a row the budget may drop: the picture
// keeps moving at least every 200 ms at 30 fps. budgetSlack is the debt,
// in time at the target rate, the budget runs before it drops a frame. A
// frame over oversize times an ordinary one at the target is pressure to
// make the picture smaller.
const (
	maxSkipped  = 5
	budgetSlack = 250 * time.Millisecond
	oversize    = 4
)

// frameBudget is a leaky bucket of bits: it fills at the target rate, each
// encoded frame empties it by its size, and a frame is dropped while it is
// more than budgetSlack in debt (a large keyframe is paid for by the frames
// after it; the slack lets the codec's own rate control even out ordinary
// overshoots and a keyframe now and then without a visible drop).
type frameBudget struct {
	bits      float64
	last      time.Time
	skipped   int
	pressedAt time.Time // the last sign the frames need a smaller size
	// keyDebt is the part of the debt that a keyframe, and the frame after
	// it that restores the picture's quality, spent beyond an ordinary
	// frame: frames dropped to pay it back are not pressure, or each
	// keyframe would step the size down, and the smaller size's keyframe
	// step it down again.
	keyDebt float64
}

// pressed reports whether, within the last second, a frame was dropped
// other than to pay for a keyframe, or one came out more than oversize
// times an ordinary frame at the target: the encoder's output does not fit
// the target at this size.
func (b *frameBudget) pressed(now time.Time) bool {
	return !b.pressedAt.IsZero() && now.Sub(b.pressedAt) < time.Second
}

// allow reports whether a frame may be encoded now at targetBps.
func (b *frameBudget) allow(now time.Time, targetBps int64) bool {
	if !b.last.IsZero() {
		b.bits += float64(targetBps) * now.Sub(b.last).Seconds()
	}
	b.last = now
	b.bits = min(b.bits, float64(targetBps)/4)  // at most 250 ms saved up
	b.keyDebt = min(b.keyDebt, max(-b.bits, 0)) // paid back first
	slack := float64(targetBps) * budgetSlack.Seconds()
	if b.bits < -slack && b.skipped < maxSkipped {
		b.skipped++
		if b.bits+b.keyDebt < -slack {
			b.pressedAt = now
		}
		return false
	}
	b.skipped = 0
	return true
}

// spend charges a frame of n bytes encoded at now; afterKey tells a
// keyframe or the frame after one, whose excess over an ordinary frame
// (avgBits) is the keyframe's debt.
func (b *frameBudget) spend(now time.Time, n int, afterKey bool, avgBits float64) {
	b.bits -= float64(n * 8)
	switch {
	case afterKey:
		b.keyDebt += max(float64(n*8)-avgBits, 0)
	case float64(n*8) > oversize*avgBits:
		// Far past the target (the estimate just fell): the drops the
		// debt will bring are certain, and the smaller size need not
		// wait for them.
		b.pressedAt = now
	}
}

// sizeLadder picks the encode size: full, half or quarter width and height
// as the target falls under 30 % and 12 % of the configured bitrate while
// the frame budget is dropping frames (content that fits the target at full
// size keeps it), and back up above 18 % and 45 % (the gaps keep it from
// flapping), so each pixel keeps enough bits to stay sharp and the codec's
// smallest output stays under what a narrow link takes.
type sizeLadder struct {
	step   int          // 0 full, 1 half, 2 quarter
	scaled *image.YCbCr // the smaller frame, reused
}

// ladder thresholds, in percent of the configured bitrate: below down[i]
// the step goes down to i+1; above up[i] it comes back to i.
var (
	ladderDown = [2]int64{30, 12}
	ladderUp   = [2]int64{45, 18}
)

// frame returns img, or a smaller copy of it while the target is low;
// pressed tells that frames are being dropped to hold the target.
func (l *sizeLadder) frame(img image.Image, targetBps, configuredBps int64, pressed bool) image.Image {
	pct := targetBps * 100 / max(configuredBps, 1)
	for pressed && l.step < 2 && pct < ladderDown[l.step] {
		l.step++
	}
	for l.step > 0 && pct > ladderUp[l.step-1] {
		l.step--
	}
	src, ok := img.(*image.YCbCr)
	if l.step == 0 || !ok {
		return img
	}
	w, h := src.Rect.Dx()>>l.step&^1, src.Rect.Dy()>>l.step&^1
	if w < 16 || h < 16 {
		return img
	}
	if l.scaled == nil || l.scaled.Rect.Dx() != w || l.scaled.Rect.Dy() != h {
		l.scaled = image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	}
	from, ok := i420Of(src)
	to, _ := i420Of(l.scaled)
	if !ok || render.ScaleI420(to, from) != nil {
		return img
	}
	return l.scaled
}
