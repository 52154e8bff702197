package h264_test

import (
	"bytes"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/h264"
)

// bits reads an RBSP MSB first, with exp-Golomb codes.
type bits struct {
	b   []byte
	pos int
}

func (r *bits) u(n int) int {
	v := 0
	for range n {
		if r.pos/8 >= len(r.b) {
			return -1
		}
		v = v<<1 | int(r.b[r.pos/8]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}

func (r *bits) ue() int {
	zeros := 0
	for r.u(1) == 0 {
		zeros++
		if zeros > 31 {
			return -1
		}
	}
	return 1<<zeros - 1 + r.u(zeros)
}

// spsColour finds the SPS in an Annex B access unit and returns its VUI
// colour description: video_full_range_flag, colour_primaries,
// transfer_characteristics, matrix_coefficients; ok false when absent.
func spsColour(t *testing.T, au []byte) (full, prim, trc, matrix int, ok bool) {
	t.Helper()
	for _, nal := range bytes.Split(au, []byte{0, 0, 1}) {
		nal = bytes.TrimRight(nal, "\x00")
		if len(nal) == 0 || nal[0]&0x1f != 7 {
			continue
		}
		rbsp := bytes.ReplaceAll(nal[1:], []byte{0, 0, 3}, []byte{0, 0})
		r := &bits{b: rbsp}
		profile := r.u(8)
		r.u(16) // constraint flags, level
		r.ue()  // sps id
		if profile != 66 && profile != 77 {
			t.Fatalf("profile %d: only Baseline and Main are parsed here", profile)
		}
		r.ue() // log2_max_frame_num_minus4
		if poc := r.ue(); poc == 0 {
			r.ue()
		} else if poc == 1 {
			t.Fatal("pic_order_cnt_type 1 is not parsed here")
		}
		r.ue()           // max_num_ref_frames
		r.u(1)           // gaps
		r.ue()           // width in MBs - 1
		r.ue()           // height in map units - 1
		if r.u(1) == 0 { // frame_mbs_only_flag
			r.u(1)
		}
		r.u(1)           // direct_8x8_inference
		if r.u(1) == 1 { // frame cropping
			r.ue()
			r.ue()
			r.ue()
			r.ue()
		}
		if r.u(1) != 1 { // vui_parameters_present_flag
			return 0, 0, 0, 0, false
		}
		if r.u(1) == 1 { // aspect_ratio_info_present
			if r.u(8) == 255 {
				r.u(32)
			}
		}
		if r.u(1) == 1 { // overscan_info_present
			r.u(1)
		}
		if r.u(1) != 1 { // video_signal_type_present
			return 0, 0, 0, 0, false
		}
		r.u(3) // video_format
		full = r.u(1)
		if r.u(1) != 1 { // colour_description_present
			return full, 0, 0, 0, false
		}
		return full, r.u(8), r.u(8), r.u(8), true
	}
	t.Fatal("no SPS in the access unit")
	return
}

// TestEncoderSignalsBT601 checks that the stream says what Parley's
// pictures are: BT.601 (SMPTE 170M) limited range. Without it a browser
// assumes BT.709 and shows the colours wrong.
func TestEncoderSignalsBT601(t *testing.T) {
	e := newH264Encoder(t, 320, 180, 500_000)
	f := newI420(320, 180)
	paintHalves(f, palette[0], palette[1])
	full, prim, trc, matrix, ok := spsColour(t, e.encode(t, f))
	if !ok || full != 0 || prim != 6 || trc != 6 || matrix != 6 {
		t.Fatalf("SPS colour: present %v, full range %d, primaries %d, transfer %d, matrix %d; want 0, 6, 6, 6",
			ok, full, prim, trc, matrix)
	}
}

func TestEncoderRefusesBadParams(t *testing.T) {
	for _, p := range []h264.EncoderParams{{Width: 0, Height: 10, FPS: 30}, {Width: 11, Height: 10, FPS: 30}, {Width: 10, Height: 10}} {
		if e, err := h264.NewEncoder(p); err == nil {
			e.Close()
			t.Errorf("%+v accepted", p)
		}
	}
	e, err := h264.NewEncoder(h264.EncoderParams{Width: 64, Height: 64, FPS: 30, Bitrate: 100_000})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Encode(newI420(32, 32), false); err == nil {
		t.Error("a picture of another size was encoded")
	}
	e.Close()
	if _, err := e.Encode(newI420(64, 64), false); err != h264.ErrClosed {
		t.Errorf("encode after close: %v", err)
	}
}
