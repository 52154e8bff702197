package vp8_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/render"
)

// busy paints frame i of a picture libvpx cannot compress much: moving
// colour halves under heavy grain.
func busy(f *render.I420, i int) {
	paintHalves(f, palette[i%len(palette)], palette[(i+3)%len(palette)])
	addGrain(f, uint64(i+1), 40)
}

func newEncoder(t testing.TB, cfg vp8.EncoderConfig) *vp8.Encoder {
	t.Helper()
	enc, err := vp8.NewEncoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(enc.Close)
	return enc
}

func TestEncoderFramesDecodeToTheirColours(t *testing.T) {
	enc := newEncoder(t, vp8.EncoderConfig{Width: 320, Height: 180, BitrateBps: 800_000, MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	d := newDecoder(t)
	f := newI420(320, 180)
	for i := range 10 {
		paintHalves(f, palette[i%len(palette)], palette[(i+3)%len(palette)])
		out, err := enc.Encode(f, int64(i*33))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if out.Key != (i == 0) || out.TID != 0 {
			t.Fatalf("frame %d: key %v, TID %d; want a keyframe first and then none, one layer", i, out.Key, out.TID)
		}
		pic, err := d.Decode(out.Data)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		checkHalves(t, pic, i)
	}
}

// mosaic is a picture of random grey 8×8 blocks of which step changes one
// in twenty a frame: each frame costs little beside the last, a keyframe
// (the whole mosaic) a lot.
type mosaic struct {
	f   *render.I420
	rng *rand.Rand
}

func newMosaic(w, h int) *mosaic {
	m := &mosaic{f: newI420(w, h), rng: rand.New(rand.NewPCG(7, 7))}
	for range 40 {
		m.step()
	}
	return m
}

func (m *mosaic) step() *render.I420 {
	f := m.f
	for range f.Width * f.Height / 64 / 20 {
		bx, by, v := m.rng.IntN(f.Width/8)*8, m.rng.IntN(f.Height/8)*8, byte(m.rng.IntN(256))
		for y := by; y < by+8; y++ {
			copy(f.Y[y*f.YStride+bx:y*f.YStride+bx+8], []byte{v, v, v, v, v, v, v, v})
		}
	}
	return f
}

// A keyframe asked for on a detailed picture under a tight bitrate takes
// at most about 300 ms of the link (the cap's 900 % of an average frame at
// 30 fps, with libvpx's overshoot), so the frames after it are not held up
// for long — whether the picture was changing or still before it.
func TestEncoderKeyFrameSize(t *testing.T) {
	const bps = 300_000
	avg := bps / 8 / 30
	for _, every := range []int{1, 10} {
		enc := newEncoder(t, vp8.EncoderConfig{Width: 640, Height: 360, BitrateBps: bps, MaxKeyFramePercent: vp8.KeyFrameCap(30)})
		m := newMosaic(640, 360)
		for i := range 61 {
			f := m.f
			if i%every == 0 {
				f = m.step()
			}
			if i == 60 {
				enc.ForceKeyFrame()
			}
			out, err := enc.Encode(f, int64(i*33))
			if err != nil {
				t.Fatal(err)
			}
			if data := out.Data; i == 60 {
				t.Logf("changing every %d frames: keyframe of %d bytes at %d kbit/s (average frame %d)", every, len(data), bps/1000, avg)
				if !out.Key {
					t.Fatal("ForceKeyFrame did not make a keyframe")
				}
				if len(data) > avg*9*3/2 {
					t.Errorf("changing every %d frames: keyframe of %d bytes, want at most 1.5 × 9 average frames (%d)", every, len(data), avg*9*3/2)
				}
			}
		}
	}
}

// SetBitrate takes effect within a second: the output of a busy picture
// follows the target down and up again.
func TestEncoderFollowsBitrate(t *testing.T) {
	enc := newEncoder(t, vp8.EncoderConfig{Width: 640, Height: 360, BitrateBps: 1_500_000, MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	f := newI420(640, 360)
	i := 0
	rate := func(bps int) int { // kbit/s over the second second at bps
		if err := enc.SetBitrate(bps); err != nil {
			t.Fatal(err)
		}
		n := 0
		for k := range 60 {
			busy(f, i)
			out, err := enc.Encode(f, int64(i*33))
			if err != nil {
				t.Fatal(err)
			}
			if k >= 30 {
				n += len(out.Data)
			}
			i++
		}
		return n * 8 / 1000
	}
	high, low, again := rate(1_500_000), rate(300_000), rate(1_500_000)
	t.Logf("kbit/s: %d at 1500, %d at 300, %d at 1500 again", high, low, again)
	if low > 300*13/10 {
		t.Errorf("%d kbit/s at a 300 kbit/s target", low)
	}
	if high < low*3 || again < low*3 {
		t.Errorf("rates %d, %d, %d kbit/s: the 1500 kbit/s target is not followed", high, low, again)
	}
}

// A frame of another size rebuilds the codec: a keyframe the decoder
// shows at the new size.
func TestEncoderSizeChange(t *testing.T) {
	enc := newEncoder(t, vp8.EncoderConfig{Width: 320, Height: 180, BitrateBps: 500_000})
	d := newDecoder(t)
	for i, size := range [][2]int{{320, 180}, {320, 180}, {160, 90}, {160, 90}, {320, 180}} {
		f := newI420(size[0], size[1])
		paintHalves(f, palette[i%len(palette)], palette[(i+3)%len(palette)])
		out, err := enc.Encode(f, int64(i*33))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if want := i == 0 || i == 2 || i == 4; out.Key != want {
			t.Fatalf("frame %d (%dx%d): key %v, want %v", i, size[0], size[1], out.Key, want)
		}
		pic, err := d.Decode(out.Data)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if pic.Width != size[0] || pic.Height != size[1] {
			t.Fatalf("frame %d decoded at %dx%d, want %dx%d", i, pic.Width, pic.Height, size[0], size[1])
		}
		checkHalves(t, pic, i)
	}
}

// With two temporal layers, frames alternate base and upper layer after
// each keyframe (every KeyFrameEvery frames too) and the base frame that
// follows it, and nothing predicts
// from an upper frame: a decoder given only the base frames shows each of
// them right.
func TestEncoderTemporalLayers(t *testing.T) {
	enc := newEncoder(t, vp8.EncoderConfig{Width: 320, Height: 180, BitrateBps: 600_000, TemporalLayers: 2,
		KeyFrameEvery: 9, MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	all, base := newDecoder(t), newDecoder(t)
	f := newI420(320, 180)
	for i := range 20 {
		paintHalves(f, palette[i%len(palette)], palette[(i+3)%len(palette)])
		out, err := enc.Encode(f, int64(i*33))
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		since := i % 9 // keyframes at 0, 9, 18
		tid := uint8(0)
		if since > 0 && since%2 == 0 {
			tid = 1
		}
		if out.Key != (since == 0) || out.TID != tid {
			t.Fatalf("frame %d: key %v, TID %d; want key %v, TID %d", i, out.Key, out.TID, since == 0, tid)
		}
		pic, err := all.Decode(out.Data)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		checkHalves(t, pic, i)
		if out.TID == 0 {
			if pic, err = base.Decode(out.Data); err != nil {
				t.Fatalf("base frame %d without the upper ones: %v", i, err)
			}
			checkHalves(t, pic, i)
		}
	}
}

func TestEncoderRejectsBadInput(t *testing.T) {
	for _, cfg := range []vp8.EncoderConfig{
		{Width: 0, Height: 180, BitrateBps: 500_000},
		{Width: 320, Height: 1, BitrateBps: 500_000},
		{Width: 320, Height: 180, BitrateBps: 999},
		{Width: 20000, Height: 180, BitrateBps: 500_000},
		{Width: 320, Height: 180, BitrateBps: 500_000, TemporalLayers: 3},
	} {
		if _, err := vp8.NewEncoder(cfg); !errors.Is(err, vp8.ErrBadConfig) {
			t.Errorf("NewEncoder(%+v): %v, want ErrBadConfig", cfg, err)
		}
	}
	enc := newEncoder(t, vp8.EncoderConfig{Width: 320, Height: 180, BitrateBps: 500_000})
	if err := enc.SetBitrate(0); !errors.Is(err, vp8.ErrBadConfig) {
		t.Errorf("SetBitrate(0): %v, want ErrBadConfig", err)
	}
	short := newI420(320, 180)
	short.Y = short.Y[:100]
	if _, err := enc.Encode(short, 0); !errors.Is(err, vp8.ErrBadFrame) {
		t.Errorf("Encode(short plane): %v, want ErrBadFrame", err)
	}
	// Still usable after refusing.
	f := newI420(320, 180)
	paintHalves(f, palette[0], palette[3])
	if out, err := enc.Encode(f, 0); err != nil || !out.Key || len(out.Data) == 0 {
		t.Fatalf("Encode after a refusal: %d bytes, key %v, %v", len(out.Data), out.Key, err)
	}
	enc.Close()
	enc.Close()
	if _, err := enc.Encode(f, 33); !errors.Is(err, vp8.ErrClosed) {
		t.Errorf("Encode after Close: %v, want ErrClosed", err)
	}
	if err := enc.SetBitrate(500_000); !errors.Is(err, vp8.ErrClosed) {
		t.Errorf("SetBitrate after Close: %v, want ErrClosed", err)
	}
}

// The engine's per-frame cost at 640×360 on a busy picture.
func BenchmarkEncode640x360(b *testing.B) {
	enc := newEncoder(b, vp8.EncoderConfig{Width: 640, Height: 360, BitrateBps: 800_000, MaxKeyFramePercent: vp8.KeyFrameCap(30)})
	frames := make([]*render.I420, 8)
	for i := range frames {
		frames[i] = newI420(640, 360)
		busy(frames[i], i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := enc.Encode(frames[i%len(frames)], int64(i*33)); err != nil {
			b.Fatal(err)
		}
	}
}
