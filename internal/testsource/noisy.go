// Package testsource feeds test calls with video that is hard to compress,
// so that a bandwidth cap bites (the engine's test pattern needs only about
// 200 kbit/s at 640x360).
package testsource

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/parley-rtc/parley/engine"
)

// NoisyParams shapes a Noisy source.
type NoisyParams struct {
	Width, Height, FPS int
	// Decorate, if set, draws on each frame (RGBA, stride 4×Width) before
	// it is sent: a code the player reads back, for instance.
	Decorate func(pix []byte)
}

// Noisy publishes RGBA frames on e's main channel, which must use
// engine.VideoSourceCustom: every frame, one in twenty of its 8×8 blocks
// takes a new random grey. It is seeded, so runs repeat. Stop ends it and
// waits for its goroutine.
func Noisy(e *engine.Engine, p NoisyParams) (stop func()) {
	w, h, fps := p.Width, p.Height, p.FPS
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewPCG(7, 7))
		pix := make([]byte, w*h*4)
		tick := time.NewTicker(time.Second / time.Duration(fps))
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			for range w * h / 64 / 20 {
				bx, by, v := rng.IntN(w/8)*8, rng.IntN(h/8)*8, byte(rng.IntN(256))
				for y := by; y < by+8; y++ {
					row := pix[(y*w+bx)*4 : (y*w+bx+8)*4]
					for i := range row {
						row[i] = v
					}
				}
			}
			if p.Decorate != nil {
				p.Decorate(pix)
			}
			_ = e.SendCustomVideoFrame(pix, w, h, w*4, 0, engine.ChannelMain)
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { close(done); wg.Wait() }) }
}
