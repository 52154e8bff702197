package sfu

import (
	"encoding/binary"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// subscriber is one played stream: a PeerConnection that sends the
// publication's tracks to one client.
type subscriber struct {
	pub *publication
	log *slog.Logger
	pc  *webrtc.PeerConnection
	// down estimates the player's downlink (downlink.go); nil if pion
	// made no estimator.
	down   *downlink
	resent atomic.Uint32 // payload bytes retransmitted to the player, wrapping

	mu       sync.Mutex
	closed   bool        // set before the server closes pc
	out      [2]outTrack // by kindVideo and kindAudio, once has is set
	has      [2]bool
	goneSent bool
	wg       sync.WaitGroup // the RTCP readers
}

func newSubscriber(p *publication, params PlayParams) (*subscriber, error) {
	pc, down, err := p.sfu.down.newPeerConnection(p.sfu.subAPI)
	if err != nil {
		return nil, protocol.Errorf(protocol.ErrInternal, "new PeerConnection: "+err.Error())
	}
	s := &subscriber{pub: p, log: params.Log, pc: pc, down: down}
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		s.log.Debug("subscriber connection", "state", st.String())
		switch {
		case st == webrtc.PeerConnectionStateConnected:
			p.requestKeyframe() // the new subscriber cannot decode until the next keyframe
		case gone(st) && params.OnGone != nil && s.reportGone():
			s.log.Info("subscriber media connection ended", "state", st.String())
			params.OnGone()
		}
	})
	return s, nil
}

// reportGone says whether a Failed or Closed state is news to report: not
// when the server closed the PeerConnection itself, and only once.
func (s *subscriber) reportGone() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.goneSent {
		return false
	}
	s.goneSent = true
	return true
}

// attach adds the publication's tracks for the kinds the offer asked for;
// pion puts them on the transceivers the remote offer created.
func (s *subscriber) attach(k offerKinds) error {
	add := func(t *fanout, kind int) error {
		sender, err := s.pc.AddTrack(t)
		if err != nil {
			return protocol.Errorf(protocol.ErrInternal, "add track: "+err.Error())
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.closed {
			return protocol.Errorf(protocol.ErrPlayStreamNotFound, "the stream has ended")
		}
		if enc := sender.GetParameters().Encodings; len(enc) > 0 {
			c := &s.pub.counts[kind]
			s.out[kind] = outTrack{ssrc: uint32(enc[0].SSRC), basePkts: c.packets.Load(), baseOctets: c.octets.Load()}
			s.has[kind] = true
		}
		s.wg.Add(1)
		go s.readRTCP(sender, t)
		return nil
	}
	if k.video {
		if err := add(s.pub.video, kindVideo); err != nil {
			return err
		}
	}
	if k.audio {
		return add(s.pub.audio, kindAudio)
	}
	return nil
}

// readRTCP reads the subscriber's RTCP for one sender of track t: NACKs
// are answered from the track's packet cache, PLI and FIR become a keyframe
// request to the publisher, round-trip probes are answered (reports.go).
// It ends when the PeerConnection closes.
func (s *subscriber) readRTCP(sender *webrtc.RTPSender, t *fanout) {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	scratch := make([]byte, maxPayload)
	var seqs []uint16
	var log resendLog
	for {
		n, _, err := sender.Read(buf)
		if err != nil {
			return
		}
		if wantsKeyframe(buf[:n]) {
			s.pub.sfu.cnt.plisIn.Add(1)
			s.pub.requestKeyframe()
		}
		for rest := buf[:n]; ; {
			var ssrc uint32
			var ok bool
			if ssrc, seqs, rest, ok = nextNACK(rest, seqs); !ok {
				break
			}
			s.pub.sfu.cnt.nacked.Add(uint64(len(seqs)))
			_, octets := t.resend(ssrc, log.filter(time.Now(), seqs), scratch)
			s.resent.Add(uint32(octets))
		}
		if s.down != nil {
			s.down.feedback(buf[:n], time.Now())
		}
		s.answerRRTR(buf[:n], time.Now())
	}
}

// resendHold is how long after resending a packet to a player the server
// ignores further NACKs for it: the player repeats its NACKs every 20 ms
// until the packet arrives, and each repeat while the retransmission is on
// its way would send another copy down a link that is likely congested.
const resendHold = 100 * time.Millisecond

// resendLog remembers when one of a player's senders last resent each
// packet. Only that sender's RTCP reader uses it.
type resendLog struct {
	seq [videoCacheSize]uint16
	at  [videoCacheSize]time.Time
}

// filter keeps, in place, the packets of seqs not resent within
// resendHold of now and notes them as resent now.
func (l *resendLog) filter(now time.Time, seqs []uint16) []uint16 {
	keep := seqs[:0]
	for _, seq := range seqs {
		i := int(seq) % len(l.seq)
		if l.seq[i] == seq && !l.at[i].IsZero() && now.Sub(l.at[i]) < resendHold {
			continue
		}
		l.seq[i], l.at[i] = seq, now
		keep = append(keep, seq)
	}
	return keep
}

// wantsKeyframe scans a compound RTCP packet for a PLI or FIR without
// decoding it.
func wantsKeyframe(b []byte) bool {
	for len(b) >= 4 {
		const payloadSpecificFeedback = 206
		pt, fmt := b[1], b[0]&0x1f
		if pt == payloadSpecificFeedback && (fmt == 1 || fmt == 4) { // 1 = PLI, 4 = FIR
			return true
		}
		n := (int(binary.BigEndian.Uint16(b[2:4])) + 1) * 4
		if n > len(b) {
			return false
		}
		b = b[n:]
	}
	return false
}

// close closes the PeerConnection and waits for the RTCP readers. Every
// caller waits, not only the first.
func (s *subscriber) close() {
	s.mu.Lock()
	first := !s.closed
	s.closed = true
	s.mu.Unlock()
	if first {
		if err := s.pc.Close(); err != nil {
			s.log.Debug("close subscriber PeerConnection", "err", err)
		}
	}
	s.wg.Wait()
}
