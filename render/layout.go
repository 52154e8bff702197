package render

// layout says which part of a source frame lands where in a view. It depends
// only on the source size, the view size and the mode, so a view computes it
// once per source size rather than once per frame.
type layout struct {
	srcW, srcH int // the source size this layout was made for
	// crop is the window of the source that is shown; cropX and cropY are
	// even so the chroma planes stay aligned with the luma plane.
	cropX, cropY, cropW, cropH int
	// dst is where the window lands, in top-down view coordinates (before
	// FlipY). Outside it, aspect-fit shows black bars.
	dstX, dstY, dstW, dstH int
}

// scaled reports whether the crop window must be resized to fit dst.
func (l *layout) scaled() bool { return l.cropW != l.dstW || l.cropH != l.dstH }

// covers reports whether dst fills the whole w×h view, leaving no bars.
func (l *layout) covers(w, h int) bool { return l.dstW == w && l.dstH == h }

func newLayout(m Mode, srcW, srcH, viewW, viewH int) layout {
	l := layout{srcW: srcW, srcH: srcH,
		cropW: srcW, cropH: srcH, dstW: viewW, dstH: viewH}
	// Compare aspect ratios without division: the source is wider than
	// the view when srcW/srcH > viewW/viewH.
	wider := int64(srcW)*int64(viewH) > int64(srcH)*int64(viewW)
	taller := int64(srcW)*int64(viewH) < int64(srcH)*int64(viewW)
	switch m {
	case ModeAspectFit:
		if wider {
			l.dstH = clamp(ratio(viewW, srcH, srcW), viewH)
			l.dstY = (viewH - l.dstH) / 2
		} else if taller {
			l.dstW = clamp(ratio(viewH, srcW, srcH), viewW)
			l.dstX = (viewW - l.dstW) / 2
		}
	case ModeAspectFill:
		if wider {
			l.cropW = clamp(ratio(srcH, viewW, viewH), srcW)
			l.cropX = ((srcW - l.cropW) / 2) &^ 1
		} else if taller {
			l.cropH = clamp(ratio(srcW, viewH, viewW), srcH)
			l.cropY = ((srcH - l.cropH) / 2) &^ 1
		}
	}
	return l
}

// ratio returns a*b/c rounded to the nearest integer.
func ratio(a, b, c int) int { return int((2*int64(a)*int64(b) + int64(c)) / (2 * int64(c))) }

// clamp keeps a computed length inside [1, max]: an extreme aspect ratio
// still shows at least one row or column.
func clamp(n, hi int) int { return max(1, min(n, hi)) }
