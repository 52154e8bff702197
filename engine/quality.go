package engine

import (
	"time"

	"github.com/pion/webrtc/v4"
)

// qualityInterval is how often quality events are reported per stream.
const qualityInterval = 3 * time.Second

// qualityTick is how often the loop looks at new streams: a stream's first
// report comes one interval after the tick that first saw it, and every rate
// is divided by the time really elapsed between two snapshots.
const qualityTick = time.Second

// counters remembered between two reports.
type pubSnap struct {
	at                                      time.Time
	captured, encoded, sent, vbytes, abytes uint64
}

type playSnap struct {
	at                                      time.Time
	recv, decoded, rendered, vbytes, abytes uint64
	breaks                                  uint64
	delaySum, delayCount                    int64
	lost, received                          int64
}

func (e *Engine) qualityLoop() {
	defer e.wg.Done()
	t := time.NewTicker(qualityTick)
	defer t.Stop()
	pubPrev := map[*publisher]pubSnap{}
	playPrev := map[*player]playSnap{}
	net := newNetQuality()
	for tick := 1; ; tick++ {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		e.mu.Lock()
		var pubs []*publisher
		for _, p := range e.pubs {
			if p != nil {
				pubs = append(pubs, p)
			}
		}
		var players []*player
		for _, p := range e.players {
			players = append(players, p)
		}
		caps := e.captures
		e.mu.Unlock()

		nextPub := map[*publisher]pubSnap{}
		for _, p := range pubs {
			p.mu.Lock()
			venc, aenc, pc := p.venc, p.aenc, p.pc
			p.mu.Unlock()
			if venc == nil || pc == nil {
				continue
			}
			s := pubSnap{at: now}
			if c := caps[p.ch]; c != nil {
				s.captured = c.captured()
			}
			s.encoded = venc.encoded.Load()
			s.sent = venc.sent.Load()
			s.vbytes = venc.bytes.Load()
			if aenc != nil {
				s.abytes = aenc.bytes.Load()
			}
			prev, seen := pubPrev[p]
			if seen && now.Sub(prev.at) < qualityInterval-qualityTick/2 {
				nextPub[p] = prev // not due yet
				continue
			}
			nextPub[p] = s
			if !seen {
				continue // the first snapshot is the baseline
			}
			secs := now.Sub(prev.at).Seconds()
			rtt, loss := senderStats(pc)
			q := &PublishQuality{
				VideoCaptureFPS: float64(s.captured-prev.captured) / secs,
				VideoEncodeFPS:  float64(s.encoded-prev.encoded) / secs,
				VideoSendFPS:    float64(s.sent-prev.sent) / secs,
				VideoKbps:       float64(s.vbytes-prev.vbytes) * 8 / 1000 / secs,
				AudioKbps:       float64(s.abytes-prev.abytes) * 8 / 1000 / secs,
				RTTMs:           rtt,
				PacketLossRate:  loss,
				Level:           qualityLevel(rtt, loss),
			}
			net.pub[p] = q.Level
			e.emit(Event{Kind: EventPublisherQualityUpdate, StreamID: p.streamID, PublishQuality: q})
		}
		pubPrev = nextPub

		nextPlay := map[*player]playSnap{}
		for _, p := range players {
			p.mu.Lock()
			a := p.att
			p.mu.Unlock()
			if a == nil {
				continue
			}
			a.pcMu.Lock()
			pc := a.pc
			a.pcMu.Unlock()
			if pc == nil {
				continue
			}
			st := &p.stats
			s := playSnap{
				at:   now,
				recv: st.recvFrames.Load(), decoded: st.decodedFrames.Load(), rendered: st.renderedFrames.Load(),
				vbytes: st.videoBytes.Load(), abytes: st.audioBytes.Load(),
				delaySum: st.delaySumMs.Load(), delayCount: st.delayCount.Load(),
				breaks: st.videoBreaks.Load(),
			}
			prev, seen := playPrev[p]
			if seen && now.Sub(prev.at) < qualityInterval-qualityTick/2 {
				nextPlay[p] = prev
				continue
			}
			var rtt int32
			s.lost, s.received, rtt = receiverStats(pc)
			if ms := a.rtt.ms.Load(); ms >= 0 {
				rtt = ms // measured over RTCP; the ICE pair's until the first answer
			}
			nextPlay[p] = s
			if !seen {
				continue
			}
			secs := now.Sub(prev.at).Seconds()
			loss := 0.0
			if dl, dr := s.lost-prev.lost, s.received-prev.received; dl > 0 && dl+dr > 0 {
				loss = float64(dl) / float64(dl+dr)
			}
			delay := int32(0)
			if n := s.delayCount - prev.delayCount; n > 0 {
				delay = int32((s.delaySum - prev.delaySum) / n)
			}
			q := &PlayQuality{
				VideoRecvFPS:   float64(s.recv-prev.recv) / secs,
				VideoDecodeFPS: float64(s.decoded-prev.decoded) / secs,
				VideoRenderFPS: float64(s.rendered-prev.rendered) / secs,
				VideoKbps:      float64(s.vbytes-prev.vbytes) * 8 / 1000 / secs,
				AudioKbps:      float64(s.abytes-prev.abytes) * 8 / 1000 / secs,
				RTTMs:          rtt,
				PacketLossRate: loss,
				DelayMs:        delay,
				VideoBreakRate: float64(s.breaks-prev.breaks) / (secs / 60),
				Width:          st.width.Load(),
				Height:         st.height.Load(),
				Level:          qualityLevel(rtt, loss),
			}
			net.play[p] = q.Level
			e.emit(Event{Kind: EventPlayerQualityUpdate, StreamID: p.streamID, PlayQuality: q})
		}
		playPrev = nextPlay
		net.forget(nextPub, nextPlay)
		if tick%networkQualityTicks == 0 {
			e.emitNetworkQuality(net, pubs, players)
		}
	}
}

// senderStats reads RTT and loss as the server reported them in RTCP.
func senderStats(pc *webrtc.PeerConnection) (rttMs int32, loss float64) {
	rttMs = -1
	for _, s := range pc.GetStats() {
		switch v := s.(type) {
		case webrtc.RemoteInboundRTPStreamStats:
			if v.Kind == "video" {
				loss = v.FractionLost
				if v.RoundTripTime > 0 {
					rttMs = int32(v.RoundTripTime * 1000)
				}
			}
		case webrtc.ICECandidatePairStats:
			if v.Nominated && rttMs < 0 && v.CurrentRoundTripTime > 0 {
				rttMs = int32(v.CurrentRoundTripTime * 1000)
			}
		}
	}
	return rttMs, loss
}

// receiverStats reads the cumulative packet counts and the ICE candidate
// pair's RTT.
func receiverStats(pc *webrtc.PeerConnection) (lost, received int64, rttMs int32) {
	rttMs = -1
	for _, s := range pc.GetStats() {
		switch v := s.(type) {
		case webrtc.InboundRTPStreamStats:
			lost += int64(v.PacketsLost)
			received += int64(v.PacketsReceived)
		case webrtc.ICECandidatePairStats:
			if v.Nominated && v.CurrentRoundTripTime > 0 {
				rttMs = int32(v.CurrentRoundTripTime * 1000)
			}
		}
	}
	return lost, received, rttMs
}
