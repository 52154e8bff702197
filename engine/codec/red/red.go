// Package red reads and writes RTP payloads for redundant audio data (RED,
// RFC 2198): a packet that carries, before its own (primary) encoding,
// copies of earlier packets' encodings, so a receiver that lost one of
// those packets decodes the copy instead of concealing the gap.
//
// Parley sends each Opus packet again inside the next (docs/media.md,
// Audio redundancy). A block header names the block's payload type, how
// much earlier than the primary it was captured (in RTP clock units) and
// its length; the primary's header is one byte.
package red

import (
	"errors"
	"strconv"
	"strings"
)

// Limits of the block header's fields.
const (
	MaxOffset    = 1<<14 - 1 // timestamp offset of a redundant block
	MaxBlockSize = 1<<10 - 1 // bytes in a redundant block
)

// Errors returned by Parse and Append.
var (
	// ErrMalformed: the payload's block headers do not fit the payload.
	ErrMalformed = errors.New("red: malformed payload")
	// ErrTooLarge: a redundant block is longer than MaxBlockSize or its
	// offset beyond MaxOffset.
	ErrTooLarge = errors.New("red: redundant block too large")
)

// Block is one encoding in a RED payload. Data aliases the payload it was
// parsed from.
type Block struct {
	PT     uint8  // the encoding's payload type
	Offset uint16 // how many RTP clock units before the primary; 0 for it
	Data   []byte
}

// Append appends to dst a payload with the redundant blocks (oldest
// first) followed by the primary encoding of payload type pt, and returns
// the extended slice.
func Append(dst []byte, pt uint8, primary []byte, redundant ...Block) ([]byte, error) {
	for _, b := range redundant {
		if len(b.Data) > MaxBlockSize || b.Offset > MaxOffset {
			return dst, ErrTooLarge
		}
		dst = append(dst, 0x80|b.PT&0x7f, byte(b.Offset>>6), byte(b.Offset<<2)|byte(len(b.Data)>>8), byte(len(b.Data)))
	}
	dst = append(dst, pt&0x7f)
	for _, b := range redundant {
		dst = append(dst, b.Data...)
	}
	return append(dst, primary...), nil
}

// Parse appends payload's blocks to blocks, the redundant ones first in
// their order in the payload and the primary last, and returns the
// extended slice. The blocks' Data alias payload; nothing is copied.
func Parse(payload []byte, blocks []Block) ([]Block, error) {
	hdrs, _, err := headers(payload)
	if err != nil {
		return blocks, err
	}
	data := hdrs + 1 // the primary's header byte
	for i := 0; i < hdrs; i += 4 {
		h := payload[i : i+4]
		n := blockLen(h)
		blocks = append(blocks, Block{PT: h[0] & 0x7f, Offset: uint16(h[1])<<6 | uint16(h[2]>>2),
			Data: payload[data : data+n : data+n]})
		data += n
	}
	return append(blocks, Block{PT: payload[hdrs] & 0x7f, Data: payload[data:]}), nil
}

// headers walks the redundant blocks' headers: it returns their total size
// (the primary's header is at payload[hdrs]) and the redundant data's.
func headers(payload []byte) (hdrs, skip int, err error) {
	for {
		if hdrs >= len(payload) {
			return 0, 0, ErrMalformed
		}
		if payload[hdrs]&0x80 == 0 {
			break
		}
		if hdrs+4 > len(payload) {
			return 0, 0, ErrMalformed
		}
		skip += blockLen(payload[hdrs : hdrs+4])
		hdrs += 4
	}
	if hdrs+1+skip > len(payload) {
		return 0, 0, ErrMalformed
	}
	return hdrs, skip, nil
}

func blockLen(h []byte) int { return int(h[2]&0x03)<<8 | int(h[3]) }

// Primary returns the primary encoding's payload type and data without
// parsing the redundant blocks into a slice: what a receiver that does not
// speak RED gets instead of the whole payload. data aliases payload.
func Primary(payload []byte) (pt uint8, data []byte, err error) {
	hdrs, skip, err := headers(payload)
	if err != nil {
		return 0, nil, err
	}
	return payload[hdrs] & 0x7f, payload[hdrs+1+skip:], nil
}

// Names reports whether a RED fmtp line (RFC 2198's "111/111") names
// only payload type pt: a RED over that encoding alone.
func Names(fmtp string, pt uint8) bool {
	want := strconv.Itoa(int(pt))
	for b := range strings.SplitSeq(fmtp, "/") {
		if strings.TrimSpace(b) != want {
			return false
		}
	}
	return strings.TrimSpace(fmtp) != ""
}
