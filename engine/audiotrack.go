package engine

import (
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/red"
)

// ptRED is the payload type of redundant audio (RFC 2198) over Opus; the
// server registers the same.
const ptRED = 63

// redCodec is RED carrying Opus blocks only.
func redCodec() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: mimeRED, ClockRate: 48000, Channels: 2, SDPFmtpLine: "111/111"}
}

const mimeRED = "audio/red"

// isAudioPT reports whether an outgoing packet is the publisher's audio.
func isAudioPT(pt uint8) bool { return pt == ptOpus || pt == ptRED }

// audioTrack is a publisher's audio as it goes to pion: one RTP packet per
// Opus packet. When the server negotiated RED and redundancy is on, each
// packet also carries the one before it, so a player that lost a packet
// decodes its copy from the next instead of concealing the gap
// (docs/media.md, Audio redundancy).
type audioTrack struct {
	streamID string
	red      bool // send RED when negotiated

	mu     sync.Mutex
	w      webrtc.TrackLocalWriter // nil until bound
	ctxID  string
	ssrc   uint32
	pt     uint8 // ptRED's or Opus's negotiated payload type
	opusPT uint8
	useRED bool
	seq    uint16
	ts     uint32
	prev   []byte // the last Opus packet, repeated in the next
	prevTS uint32
	hasPrv bool
	block  [1]red.Block
	buf    []byte
}

func newAudioTrack(streamID string, redundancy bool) *audioTrack {
	return &audioTrack{streamID: streamID, red: redundancy, seq: uint16(rand.Uint32()), ts: rand.Uint32(),
		prev: make([]byte, 0, red.MaxBlockSize), buf: make([]byte, 0, 1500)}
}

// Bind implements webrtc.TrackLocal: it sends Opus, inside RED when the
// answer has RED over the same Opus payload type.
func (t *audioTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	var opus, redc *webrtc.RTPCodecParameters
	codecs := ctx.CodecParameters()
	for i := range codecs {
		switch c := &codecs[i]; {
		case strings.EqualFold(c.MimeType, webrtc.MimeTypeOpus) && opus == nil:
			opus = c
		case strings.EqualFold(c.MimeType, mimeRED) && redc == nil:
			redc = c
		}
	}
	if opus == nil {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	use := opus
	pt := uint8(opus.PayloadType)
	if t.red && redc != nil && red.Names(redc.SDPFmtpLine, pt) {
		use = redc
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.w, t.ctxID, t.ssrc = ctx.WriteStream(), ctx.ID(), uint32(ctx.SSRC())
	t.pt, t.opusPT, t.useRED = uint8(use.PayloadType), pt, use == redc
	return *use, nil
}

// Unbind implements webrtc.TrackLocal.
func (t *audioTrack) Unbind(ctx webrtc.TrackLocalContext) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ctxID == ctx.ID() {
		t.w = nil
	}
	return nil
}

func (t *audioTrack) ID() string                { return "audio" }
func (t *audioTrack) RID() string               { return "" }
func (t *audioTrack) StreamID() string          { return t.streamID }
func (t *audioTrack) Kind() webrtc.RTPCodecType { return webrtc.RTPCodecTypeAudio }
func (t *audioTrack) redundant() (bool, uint8) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.useRED, t.pt
}

// write sends one Opus packet of samples samples (48 kHz) and returns the
// bytes put on the wire. Before the track is bound it only advances the
// clock.
func (t *audioTrack) write(opus []byte, samples uint32) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ts := t.ts
	t.ts += samples
	if t.w == nil {
		t.hasPrv = false
		return 0, nil
	}
	payload := opus
	if t.useRED {
		blocks := t.block[:0]
		if off := ts - t.prevTS; t.hasPrv && off <= red.MaxOffset {
			blocks = append(blocks, red.Block{PT: t.opusPT, Offset: uint16(off), Data: t.prev})
		}
		var err error
		if t.buf, err = red.Append(t.buf[:0], t.opusPT, opus, blocks...); err != nil {
			return 0, err
		}
		payload = t.buf
		if len(opus) <= red.MaxBlockSize {
			t.prev, t.prevTS, t.hasPrv = append(t.prev[:0], opus...), ts, true
		} else {
			t.hasPrv = false
		}
	}
	h := rtp.Header{Version: 2, PayloadType: t.pt, SequenceNumber: t.seq, Timestamp: ts, SSRC: t.ssrc}
	t.seq++
	return t.w.WriteRTP(&h, payload)
}
