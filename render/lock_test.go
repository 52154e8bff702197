package render

import (
	"bytes"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func acquire(t testing.TB, v *testView) FrameInfo {
	t.Helper()
	info, err := v.Acquire()
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	return info
}

func release(t testing.TB, v *testView) {
	t.Helper()
	if err := v.Release(); err != nil {
		t.Fatalf("Release: %v", err)
	}
}

func TestSeqCountsLandedFrames(t *testing.T) {
	v := newTestView(t, 32, 32, ModeAspectFit, false)
	if info := acquire(t, v); info != (FrameInfo{}) {
		t.Fatalf("before any frame: %+v, want zero", info)
	}
	release(t, v)
	before := time.Now().UnixMilli()
	for i := uint64(1); i <= 3; i++ {
		if !v.Write(solid(t, 48, 20, green), FrameMeta{CaptureTimeMs: int64(100 * i)}, false) {
			t.Fatal("Write did not land")
		}
		info := acquire(t, v)
		if info.Seq != i || info.SourceWidth != 48 || info.SourceHeight != 20 ||
			info.CaptureTimeMs != int64(100*i) || info.WriteTimeMs < before || info.WriteTimeMs > time.Now().UnixMilli() {
			t.Fatalf("frame %d: %+v", i, info)
		}
		release(t, v)
	}
}

func TestHeldViewKeepsNewestFrameUntilRelease(t *testing.T) {
	v := newTestView(t, 40, 40, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 40, 40, red), false)
	if info := acquire(t, v); info.Seq != 1 {
		t.Fatalf("seq %d, want 1", info.Seq)
	}
	held := bytes.Clone(v.pix)

	// The writer must not wait for the host: run the writes with a deadline.
	older, newest := solid(t, 40, 40, green), solid(t, 80, 20, blue) // newest has a new size
	done := make(chan [2]bool)
	go func() {
		a := v.Write(older, FrameMeta{CaptureTimeMs: 1}, false)
		b := v.Write(newest, FrameMeta{CaptureTimeMs: 2}, false)
		done <- [2]bool{a, b}
	}()
	select {
	case landed := <-done:
		if landed[0] || landed[1] {
			t.Fatalf("Write on a held view reported landed: %v", landed)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Write blocked on a held view")
	}
	if !bytes.Equal(v.pix, held) {
		t.Fatal("pixels changed while the view was held")
	}

	release(t, v)
	info := acquire(t, v)
	if info.Seq != 2 || info.SourceWidth != 80 || info.SourceHeight != 20 || info.CaptureTimeMs != 2 {
		t.Fatalf("after release: %+v, want seq 2 of the 80x20 frame", info)
	}
	// 80x20 (4:1) into 40x40 letterboxes to rows 15..24.
	v.expectRect(t, 0, 0, 40, 15, black)
	v.expectRect(t, 0, 15, 40, 10, blue)
	v.expectRect(t, 0, 25, 40, 15, black)
	release(t, v)

	if info := acquire(t, v); info.Seq != 2 {
		t.Fatalf("a release without pending frames landed something: seq %d", info.Seq)
	}
	release(t, v)
}

func TestPendingFrameIsACopy(t *testing.T) {
	// A decoder reuses its buffer: what lands on release is the frame as it
	// was when written, not what the buffer holds later.
	v := newTestView(t, 16, 16, ModeScaleToFill, false)
	acquire(t, v)
	f := solid(t, 16, 16, red)
	v.Write(f, FrameMeta{}, false)
	copy(f.Y, solid(t, 16, 16, blue).Y)
	copy(f.U, solid(t, 16, 16, blue).U)
	copy(f.V, solid(t, 16, 16, blue).V)
	release(t, v)
	v.expectRect(t, 0, 0, 16, 16, red)
}

func TestAcquireReleaseMisuse(t *testing.T) {
	v := newTestView(t, 8, 8, ModeAspectFit, false)
	if err := v.Release(); !errors.Is(err, ErrNotAcquired) {
		t.Fatalf("Release without Acquire: %v, want ErrNotAcquired", err)
	}
	acquire(t, v)
	if _, err := v.Acquire(); !errors.Is(err, ErrAlreadyAcquired) {
		t.Fatalf("second Acquire: %v, want ErrAlreadyAcquired", err)
	}
	release(t, v)
	if err := v.Release(); !errors.Is(err, ErrNotAcquired) {
		t.Fatalf("second Release: %v, want ErrNotAcquired", err)
	}
}

func TestClosedViewNeverTouchesPixels(t *testing.T) {
	v := newTestView(t, 24, 24, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 24, 24, red), false)
	v.Close()
	closed := bytes.Clone(v.pix)
	if v.Write(solid(t, 24, 24, blue), FrameMeta{}, false) {
		t.Fatal("Write on a closed view landed")
	}
	if _, err := v.Acquire(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close: %v, want ErrClosed", err)
	}
	if err := v.Release(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Release after Close: %v, want ErrClosed", err)
	}
	v.Close() // idempotent
	if !bytes.Equal(v.pix, closed) {
		t.Fatal("pixels changed after Close")
	}
}

func TestCloseWhileHeldDropsPendingFrame(t *testing.T) {
	v := newTestView(t, 24, 24, ModeAspectFit, false)
	mustWrite(t, v, solid(t, 24, 24, red), false)
	acquire(t, v)
	v.Write(solid(t, 24, 24, blue), FrameMeta{}, false)
	v.Close()
	if err := v.Release(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Release after Close: %v, want ErrClosed", err)
	}
	v.expectRect(t, 0, 0, 24, 24, red)
}

// TestConcurrentWritersAndReader runs two decoders' worth of writers against a
// host that acquires, checks and releases in a loop. Every acquired buffer
// must hold exactly one whole frame: one colour everywhere, never a mix.
func TestConcurrentWritersAndReader(t *testing.T) {
	const perWriter = 150
	v := newTestView(t, 64, 64, ModeAspectFill, false)
	frames := [][]*I420{
		{solid(t, 96, 64, red), solid(t, 64, 96, green)},
		{solid(t, 128, 72, blue), solid(t, 64, 64, black)},
	}
	var landed atomic.Uint64
	var writers sync.WaitGroup
	for _, fs := range frames {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := range perWriter {
				if v.Write(fs[i%2], FrameMeta{}, i%3 == 0) {
					landed.Add(1)
				}
			}
		}()
	}
	stop := make(chan struct{})
	readerDone := make(chan error)
	go func() {
		var last uint64
		for {
			select {
			case <-stop:
				readerDone <- nil
				return
			default:
			}
			info, err := v.Acquire()
			if err != nil {
				readerDone <- err
				return
			}
			if info.Seq < last {
				readerDone <- errors.New("seq went backwards")
				return
			}
			last = info.Seq
			if info.Seq > 0 && !uniform(v) {
				readerDone <- errors.New("acquired a torn or mixed frame")
				return
			}
			if err := v.Release(); err != nil {
				readerDone <- err
				return
			}
		}
	}()
	writers.Wait()
	close(stop)
	if err := <-readerDone; err != nil {
		t.Fatal(err)
	}
	info := acquire(t, v)
	if info.Seq < landed.Load() || info.Seq > 2*perWriter {
		t.Fatalf("seq %d: %d frames landed directly, %d written", info.Seq, landed.Load(), 2*perWriter)
	}
	release(t, v)
}

// uniform reports whether the whole view holds one of the test colours.
func uniform(v *testView) bool {
	first := v.at(0, 0)
	for _, c := range []rgb{red, green, blue, black} {
		if !near(first, c) {
			continue
		}
		for y := 0; y < v.height; y++ {
			for x := 0; x < v.width; x++ {
				if !near(v.at(x, y), c) {
					return false
				}
			}
		}
		return true
	}
	return false
}
