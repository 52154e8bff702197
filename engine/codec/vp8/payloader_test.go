package vp8_test

import (
	"bytes"
	"testing"

	"github.com/parley-rtc/parley/engine/codec/vp8"
	"github.com/pion/rtp/codecs"
)

// The descriptors read back as RFC 7741 says: S on a frame's first
// payload, one 15-bit PictureID per frame, counting up; on a layered
// stream TID, Y and N on upper frames, and TL0PICIDX moving on with each
// base frame and carried by the upper frames after it.
func TestPayloaderDescriptors(t *testing.T) {
	var p vp8.Payloader
	frame := bytes.Repeat([]byte{0xAB, 0xCD, 0xEF}, 1000)
	type want struct {
		tid, tl0 uint8
	}
	var lastID uint16
	for i, w := range []want{{0, 1}, {1, 1}, {0, 2}, {1, 2}, {0, 3}} {
		payloads := p.Payload(1200, frame, w.tid, true)
		if len(payloads) != 3 {
			t.Fatalf("frame %d: %d payloads of a 3000-byte frame at MTU 1200, want 3", i, len(payloads))
		}
		var got []byte
		for k, pl := range payloads {
			if len(pl) > 1200 {
				t.Fatalf("frame %d payload %d: %d bytes, over the MTU", i, k, len(pl))
			}
			var d codecs.VP8Packet
			data, err := d.Unmarshal(pl)
			if err != nil {
				t.Fatalf("frame %d payload %d: %v", i, k, err)
			}
			if (d.S == 1) != (k == 0) || d.I != 1 || d.L != 1 || d.T != 1 || d.TID != w.tid || d.TL0PICIDX != w.tl0 {
				t.Fatalf("frame %d payload %d: %+v, want S on the first, TID %d, TL0PICIDX %d", i, k, d, w.tid, w.tl0)
			}
			if (d.Y == 1) != (w.tid > 0) || (d.N == 1) != (w.tid > 0) {
				t.Fatalf("frame %d payload %d: Y %d N %d for layer %d", i, k, d.Y, d.N, w.tid)
			}
			if i > 0 && k == 0 && d.PictureID != lastID+1 {
				t.Fatalf("frame %d: PictureID %d after %d", i, d.PictureID, lastID)
			}
			lastID = d.PictureID
			got = append(got, data...)
		}
		if !bytes.Equal(got, frame) {
			t.Fatalf("frame %d: the payloads do not add up to the frame", i)
		}
	}
	// Without layers: PictureID only.
	var d codecs.VP8Packet
	pl := p.Payload(1200, []byte{1, 2, 3}, 0, false)
	if len(pl) != 1 {
		t.Fatalf("%d payloads of a 3-byte frame", len(pl))
	}
	if _, err := d.Unmarshal(pl[0]); err != nil || d.I != 1 || d.L != 0 || d.T != 0 || d.S != 1 {
		t.Fatalf("unlayered descriptor %+v, %v", d, err)
	}
	if p.Payload(1200, nil, 0, false) != nil || p.Payload(6, []byte{1}, 0, true) != nil {
		t.Fatal("an empty frame or an MTU without room for data should give no payloads")
	}
}
