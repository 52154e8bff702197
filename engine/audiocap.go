package engine

import (
	"sync"
	"time"

	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/server/protocol"
)

// Audio captured for publishing is 48 kHz mono in 20 ms frames.
const (
	captureRate    = 48000
	captureFrame   = captureRate / 50
	testToneFreqHz = 1000
)

// audioSink receives captured PCM (48 kHz mono); pcm is valid during the call.
type audioSink interface {
	offerPCM(pcm []int16)
}

// audioCapture produces the engine's one microphone-like source.
type audioCapture struct {
	source AudioSource
	sw     *switches

	mu    sync.Mutex
	sink  audioSink
	conv  []int16 // custom PCM converted to 48 kHz mono
	stopc chan struct{}
	wg    sync.WaitGroup
}

func newAudioCapture(src AudioSource, sw *switches) *audioCapture {
	c := &audioCapture{source: src, sw: sw, stopc: make(chan struct{})}
	if src == AudioSourceTestTone {
		c.wg.Add(1)
		go c.runTone()
	}
	return c
}

func (c *audioCapture) runTone() {
	defer c.wg.Done()
	tone := source.NewTestTone(testToneFreqHz, captureRate, 1)
	buf := make([]int16, captureFrame)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-c.stopc:
			return
		case <-t.C:
			tone.Read(buf)
			c.deliver(buf)
		}
	}
}

// pushCustom takes host PCM (interleaved, any supported rate and channel
// count) and delivers it as 48 kHz mono.
func (c *audioCapture) pushCustom(pcm []int16, samplesPerChannel, rate, channels int) error {
	if rate < 8000 || rate > 48000 || channels < 1 || channels > 2 || samplesPerChannel <= 0 {
		return protocol.Errorf(protocol.ErrInvalidArgument, "custom audio must be 8-48 kHz, 1-2 channels")
	}
	if len(pcm) < samplesPerChannel*channels {
		return protocol.Errorf(protocol.ErrInvalidArgument, "pcm shorter than samples_per_channel*channels")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := samplesPerChannel * captureRate / rate
	if cap(c.conv) < n {
		c.conv = make([]int16, n)
	}
	out := c.conv[:n]
	// Linear interpolation to 48 kHz mono; host audio arrives in chunks of
	// 10-20 ms, where the edge error of per-chunk resampling is inaudible.
	for i := range out {
		pos := float64(i) * float64(rate) / captureRate
		j := int(pos)
		frac := pos - float64(j)
		a := monoAt(pcm, j, samplesPerChannel, channels)
		b := monoAt(pcm, j+1, samplesPerChannel, channels)
		out[i] = int16(float64(a) + (float64(b)-float64(a))*frac)
	}
	if c.sink != nil && c.sending() {
		c.sink.offerPCM(out)
	}
	return nil
}

func monoAt(pcm []int16, i, n, channels int) int32 {
	if i >= n {
		i = n - 1
	}
	if channels == 1 {
		return int32(pcm[i])
	}
	return (int32(pcm[2*i]) + int32(pcm[2*i+1])) / 2
}

func (c *audioCapture) deliver(pcm []int16) {
	c.mu.Lock()
	if c.sink != nil && c.sending() {
		c.sink.offerPCM(pcm)
	}
	c.mu.Unlock()
}

func (c *audioCapture) setSink(s audioSink) {
	c.mu.Lock()
	c.sink = s
	c.mu.Unlock()
}

func (c *audioCapture) stop() {
	select {
	case <-c.stopc:
	default:
		close(c.stopc)
	}
	c.wg.Wait()
}

// sending reports whether captured audio goes out: not while the microphone
// or the main stream's audio is muted.
func (c *audioCapture) sending() bool {
	return !c.sw.micMuted.Load() && !c.sw.audioMuted[ChannelMain].Load()
}
