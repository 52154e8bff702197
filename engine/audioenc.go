package engine

import (
	"sync"
	"sync/atomic"

	"github.com/parley-rtc/parley/engine/codec/opus"
)

// audioExpectedLoss is the packet loss the Opus encoder prepares for with
// in-band FEC (a low-rate copy of each packet inside the next). It is 0,
// FEC off: measured on calls over a lossy link (tests/network), libopus's
// concealment of a lost 20 ms kept the game's tones and voices cleaner
// than the low-rate FEC copies did at the same bitrate (docs/media.md).
// Players still use the FEC of senders that carry it (browsers do).
const audioExpectedLoss = 0

// audioEncoder encodes 48 kHz mono PCM to Opus in 20 ms packets. Captured PCM arrives in chunks of any length through a queue
// that drops the oldest chunks rather than blocking the capture side.
type audioEncoder struct {
	ch     chan []int16
	closed chan struct{}
	once   sync.Once
	enc    *opus.Encoder
	track  *audioTrack
	bytes  atomic.Uint64
	done   chan struct{}
}

func newAudioEncoder(kbps int, track *audioTrack) (*audioEncoder, error) {
	enc, err := opus.NewEncoder(opus.EncoderParams{SampleRate: captureRate, Channels: 1, Bitrate: kbps * 1000,
		ExpectedLossPercent: audioExpectedLoss})
	if err != nil {
		return nil, err
	}
	a := &audioEncoder{ch: make(chan []int16, 16), closed: make(chan struct{}), enc: enc, track: track,
		done: make(chan struct{})}
	go a.run()
	return a, nil
}

// offerPCM queues a copy of pcm; when the queue is full the oldest chunk
// goes.
func (a *audioEncoder) offerPCM(pcm []int16) {
	c := append([]int16(nil), pcm...)
	for range 2 {
		select {
		case a.ch <- c:
			return
		default:
		}
		select {
		case <-a.ch:
		default:
		}
	}
}

func (a *audioEncoder) run() {
	defer close(a.done)
	buf := make([]int16, 0, 2*captureFrame)
	out := make([]byte, 1500)
	for {
		select {
		case pcm := <-a.ch:
			buf = append(buf, pcm...)
		case <-a.closed:
			return
		}
		for len(buf) >= captureFrame {
			n, err := a.enc.Encode(buf[:captureFrame], out)
			buf = append(buf[:0], buf[captureFrame:]...)
			if err != nil || n == 0 {
				continue
			}
			if sent, err := a.track.write(out[:n], captureFrame*48000/captureRate); err == nil && sent > 0 {
				a.bytes.Add(uint64(sent))
			}
		}
	}
}

func (a *audioEncoder) close() {
	a.once.Do(func() { close(a.closed) })
	<-a.done
	a.enc.Close()
}
