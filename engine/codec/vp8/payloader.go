package vp8

// Payloader splits VP8 frames into RTP payloads (RFC 7741) with a 15-bit
// PictureID and, on a layered stream, the temporal layer (TID, with the
// layer-sync bit) and the running index of base-layer frames (TL0PICIDX),
// which receivers need to play on after losing a frame above the base
// (the assembler's Info.Layered).
//
// A Payloader is not safe for concurrent use; its zero value is ready.
type Payloader struct {
	pictureID uint16
	tl0       uint8
}

// Payload returns the payloads of frame, each at most mtu bytes with its
// descriptor, for a frame of temporal layer tid; layered says whether the
// stream carries layers at all (without, the descriptor has no TID or
// TL0PICIDX). A frame of layer 0 starts a new TL0PICIDX. Payload returns
// nil for an empty frame or an mtu too small for a descriptor and a byte.
func (p *Payloader) Payload(mtu int, frame []byte, tid uint8, layered bool) [][]byte {
	head := 4 // descriptor, extension byte, 2-byte PictureID
	if layered {
		head += 2 // TL0PICIDX, TID/Y/KEYIDX
	}
	if len(frame) == 0 || mtu <= head {
		return nil
	}
	if layered && tid == 0 {
		p.tl0++
	}
	id := p.pictureID & 0x7fff
	p.pictureID++
	var out [][]byte
	for first := true; len(frame) > 0; first = false {
		n := min(len(frame), mtu-head)
		b := make([]byte, head, head+n)
		b[0] = 0x80 // X
		if first {
			b[0] |= 0x10 // S, partition 0
		}
		if layered && tid > 0 {
			b[0] |= 0x20 // N: nothing predicts from it
		}
		b[1] = 0x80                             // I
		b[2], b[3] = 0x80|byte(id>>8), byte(id) // M: 15-bit PictureID
		if layered {
			b[1] |= 0x40 | 0x20 // L, T
			b[4] = p.tl0
			b[5] = tid << 6
			if tid > 0 {
				b[5] |= 0x20 // Y: predicts from the base layer only
			}
		}
		out = append(out, append(b, frame[:n]...))
		frame = frame[n:]
	}
	return out
}
