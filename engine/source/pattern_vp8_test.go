package source_test

import (
	"context"
	"image"
	"testing"
	"time"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/parley-rtc/parley/engine/source"
	"github.com/parley-rtc/parley/render"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/frame"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// TestPatternSurvivesVP8At500kbps sends the pattern through the encoder
// Parley publishes with, at 30 fps (paced in real time, so rate control
// sees the true frame rate) and 500 kbit/s, decodes it, and reads every
// frame back, full size and scaled to a quarter.
func TestPatternSurvivesVP8At500kbps(t *testing.T) {
	const frames = 45
	p := source.NewTestPattern(640, 360)
	var cur *render.I420
	params, err := vpx.NewVP8Params()
	if err != nil {
		t.Fatal(err)
	}
	params.BitRate = 500_000
	enc, err := params.BuildVideoEncoder(video.ReaderFunc(func() (image.Image, func(), error) {
		return &image.YCbCr{Y: cur.Y, Cb: cur.U, Cr: cur.V, YStride: cur.YStride, CStride: cur.UStride,
			SubsampleRatio: image.YCbCrSubsampleRatio420, Rect: image.Rect(0, 0, cur.Width, cur.Height)}, func() {}, nil
	}), prop.Media{Video: prop.Video{Width: 640, Height: 360, FrameFormat: frame.FormatI420}})
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	dec, err := vp8.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()

	pacer := source.NewPacer(time.Second / 30)
	defer pacer.Stop()
	bytes, readFull, readQuarter := 0, 0, 0
	for i := range frames {
		now, err := pacer.Wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		cur = p.Next(now)
		data, release, err := enc.Read()
		if err != nil {
			t.Fatal(err)
		}
		bytes += len(data)
		pic, err := dec.Decode(data)
		release()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if n, ms, ok := source.DecodePatternI420(pic); ok {
			if n != uint32(i) || ms != now.UnixMilli() {
				t.Fatalf("frame %d misread as %d at %d", i, n, ms)
			}
			readFull++
		}
		if n, ms, ok := source.DecodePatternRGBA(scale(toRGBA(pic), 640, 360, 160, 90), 160, 90, 640); ok {
			if n != uint32(i) || ms != now.UnixMilli() {
				t.Fatalf("frame %d misread at quarter size as %d at %d", i, n, ms)
			}
			readQuarter++
		}
	}
	kbps := bytes * 8 * 30 / frames / 1000
	t.Logf("%d kbit/s; read back %d/%d full size, %d/%d at a quarter", kbps, readFull, frames, readQuarter, frames)
	if kbps > 900 {
		t.Errorf("encoder ran at %d kbit/s: not the 500 kbit/s case", kbps)
	}
	if readFull < frames*95/100 || readQuarter < frames*95/100 {
		t.Errorf("read back %d and %d of %d frames", readFull, readQuarter, frames)
	}
}
