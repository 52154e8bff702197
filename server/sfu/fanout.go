package sfu

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/engine/codec/red"
)

// fanout is one of a publication's tracks as its subscribers get it. pion
// binds it to each subscriber's RTPSender; the embedded TrackLocalStaticRTP
// only picks the codec each subscriber negotiated (pion's matching of fmtp
// lines), while forward writes every packet to the bindings itself: in the
// publisher's read goroutine, from one read of the packet, with no lock,
// no allocation and no goroutine hand-off per packet and subscriber. Recent
// packets stay in a cache that answers the subscribers' NACKs.
type fanout struct {
	*webrtc.TrackLocalStaticRTP
	cnt *counters

	mu       sync.Mutex                // serializes Bind and Unbind
	bindings atomic.Pointer[[]binding] // copied on change; read per packet
	cache    *packetCache
	redIn    atomic.Uint32 // the publisher's RED payload type; 0 if it has none
}

// binding is one subscriber's sender of the track.
type binding struct {
	id   string // TrackLocalContext.ID
	ssrc uint32
	pt   uint8
	// redPT is the subscriber's payload type for RED over its pt, or 0:
	// it then gets a RED packet's primary encoding alone.
	redPT uint8
	w     webrtc.TrackLocalWriter // the subscriber's interceptor chain, then SRTP
}

func newFanout(codec webrtc.RTPCodecCapability, kind, label string, cacheSize int, cnt *counters) (*fanout, error) {
	t, err := webrtc.NewTrackLocalStaticRTP(codec, kind, label)
	if err != nil {
		return nil, err
	}
	f := &fanout{TrackLocalStaticRTP: t, cnt: cnt, cache: newPacketCache(cacheSize)}
	f.bindings.Store(&[]binding{})
	return f, nil
}

// Bind implements webrtc.TrackLocal.
func (f *fanout) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	codec, err := f.TrackLocalStaticRTP.Bind(ctx)
	if err != nil {
		return codec, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	nb := binding{id: ctx.ID(), ssrc: uint32(ctx.SSRC()), pt: uint8(codec.PayloadType), w: ctx.WriteStream()}
	for _, c := range ctx.CodecParameters() {
		if strings.EqualFold(c.MimeType, mimeRED) && red.Names(c.SDPFmtpLine, nb.pt) {
			nb.redPT = uint8(c.PayloadType)
		}
	}
	b := append(slices.Clone(*f.bindings.Load()), nb)
	f.bindings.Store(&b)
	return codec, nil
}

// Unbind implements webrtc.TrackLocal.
func (f *fanout) Unbind(ctx webrtc.TrackLocalContext) error {
	f.mu.Lock()
	b := slices.DeleteFunc(slices.Clone(*f.bindings.Load()), func(b binding) bool { return b.id == ctx.ID() })
	f.bindings.Store(&b)
	f.mu.Unlock()
	return f.TrackLocalStaticRTP.Unbind(ctx)
}

// write caches a packet and sends it to every subscriber with its SSRC and
// payload type. h is changed.
func (f *fanout) write(h *rtp.Header, payload []byte) {
	isRED := f.isRED(h.PayloadType)
	f.cache.put(h, payload, isRED)
	// Each subscriber's chain stamps its own transport-wide number.
	h.Extension, h.Extensions = false, h.Extensions[:0]
	hsize := uint64(h.MarshalSize())
	var sent, bytes uint64
	bs := *f.bindings.Load()
	for i := range bs {
		b := &bs[i]
		pl, ok := b.payload(h, payload, isRED)
		if !ok {
			continue
		}
		// A subscriber whose DTLS is not up yet takes nothing (n is 0); a
		// failing one must not stop the others.
		if n, err := b.w.WriteRTP(h, pl); err == nil && n > 0 {
			sent++
			bytes += hsize + uint64(len(pl))
		}
	}
	f.cnt.packetsOut.Add(sent)
	f.cnt.bytesOut.Add(bytes)
}

// isRED reports whether a packet of the publisher's payload type pt is RED.
func (f *fanout) isRED(pt uint8) bool {
	r := f.redIn.Load()
	return r != 0 && uint32(pt) == r
}

// payload sets h's SSRC and payload type for b and returns what b gets of
// payload: all of it, or a RED packet's primary encoding when b does not
// speak RED (false if that is malformed).
func (b *binding) payload(h *rtp.Header, payload []byte, isRED bool) ([]byte, bool) {
	h.SSRC, h.PayloadType = b.ssrc, b.pt
	if !isRED {
		return payload, true
	}
	if b.redPT != 0 {
		h.PayloadType = b.redPT
		return payload, true
	}
	_, primary, err := red.Primary(payload)
	return primary, err == nil && len(primary) > 0
}

// resend sends the cached packets a subscriber's NACK names again, to that
// subscriber only; buf is the caller's scratch space. It returns how many
// it sent and their payload bytes.
func (f *fanout) resend(ssrc uint32, seqs []uint16, buf []byte) (found, octets int) {
	var b *binding
	bs := *f.bindings.Load()
	for i := range bs {
		if bs[i].ssrc == ssrc {
			b = &bs[i]
			break
		}
	}
	if b == nil {
		return 0, 0
	}
	for _, seq := range seqs {
		h, payload, isRED, ok := f.cache.get(seq, buf)
		if !ok {
			continue
		}
		if payload, ok = b.payload(&h, payload, isRED); !ok {
			continue
		}
		if n, err := b.w.WriteRTP(&h, payload); err == nil && n > 0 {
			found++
			octets += len(payload)
			f.cnt.packetsOut.Add(1)
			f.cnt.bytesOut.Add(uint64(h.MarshalSize() + len(payload)))
		}
	}
	f.cnt.retransmits.Add(uint64(found))
	return found, octets
}

// Cache sizes in packets: about 3 s of 720p video, 5 s of audio; a NACK
// that comes later than that is past helping.
const (
	videoCacheSize = 512
	audioCacheSize = 256
	maxPayload     = 1500
)

// packetCache keeps the last packets of a track by sequence number, in
// buffers allocated once. One writer (the track's forward goroutine) and
// the subscribers' RTCP readers share it under a mutex held only to copy.
type packetCache struct {
	mu    sync.Mutex
	slots []cachedPacket
}

type cachedPacket struct {
	valid     bool
	seq       uint16
	timestamp uint32
	marker    bool
	red       bool
	n         int
	payload   [maxPayload]byte
}

func newPacketCache(size int) *packetCache { return &packetCache{slots: make([]cachedPacket, size)} }

func (c *packetCache) put(h *rtp.Header, payload []byte, isRED bool) {
	if len(payload) > maxPayload {
		return
	}
	c.mu.Lock()
	s := &c.slots[int(h.SequenceNumber)%len(c.slots)]
	s.valid, s.seq, s.timestamp, s.marker, s.red = true, h.SequenceNumber, h.Timestamp, h.Marker, isRED
	s.n = copy(s.payload[:], payload)
	c.mu.Unlock()
}

// get copies packet seq's payload into buf and returns its header and
// whether it is RED.
func (c *packetCache) get(seq uint16, buf []byte) (h rtp.Header, payload []byte, isRED, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := &c.slots[int(seq)%len(c.slots)]
	if !s.valid || s.seq != seq || len(buf) < s.n {
		return rtp.Header{}, nil, false, false
	}
	n := copy(buf, s.payload[:s.n])
	return rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: s.timestamp, Marker: s.marker}, buf[:n], s.red, true
}
