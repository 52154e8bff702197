package loadkit

import (
	"context"
	"sync"
	"time"
)

// RSSSampler reads a server's RSS periodically while a load runs.
type RSSSampler struct {
	quit chan struct{}
	wg   sync.WaitGroup
	peak int64
	sum  int64
	n    int64
}

// SampleRSS starts reading RSS with read every period until Stop.
func SampleRSS(read func() (int64, error), every time.Duration) *RSSSampler {
	s := &RSSSampler{quit: make(chan struct{})}
	s.wg.Go(func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-t.C:
			}
			if v, err := read(); err == nil {
				s.peak = max(s.peak, v)
				s.sum += v
				s.n++
			}
		}
	})
	return s
}

// Stop ends the sampling and returns the peak and mean.
func (s *RSSSampler) Stop() (peak, mean int64) {
	close(s.quit)
	s.wg.Wait()
	if s.n > 0 {
		mean = s.sum / s.n
	}
	return s.peak, mean
}

// Sleep waits d; false if ctx ended first.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
