package engine

import "github.com/pion/webrtc/v4"

// Test hooks: what the PeerConnections really negotiated.

// PublishedVideoCodec is the mime type the channel's video sender sends
// with, "" while it is not negotiated.
func (e *Engine) PublishedVideoCodec(ch Channel) string {
	e.mu.Lock()
	p := e.pubs[ch]
	e.mu.Unlock()
	if p == nil {
		return ""
	}
	p.mu.Lock()
	pc := p.pc
	p.mu.Unlock()
	if pc == nil {
		return ""
	}
	for _, tr := range pc.GetTransceivers() {
		if s := tr.Sender(); s != nil && tr.Kind() == webrtc.RTPCodecTypeVideo {
			if c := s.GetParameters().Codecs; len(c) > 0 {
				return c[0].MimeType
			}
		}
	}
	return ""
}

// PlayedVideoCodec is the mime type of the video track a player receives,
// "" before it arrived.
func (e *Engine) PlayedVideoCodec(streamID string) string {
	e.mu.Lock()
	p := e.players[streamID]
	e.mu.Unlock()
	if p == nil {
		return ""
	}
	p.mu.Lock()
	a := p.att
	p.mu.Unlock()
	if a == nil {
		return ""
	}
	a.pcMu.Lock()
	pc := a.pc
	a.pcMu.Unlock()
	if pc == nil {
		return ""
	}
	for _, tr := range pc.GetTransceivers() {
		if r := tr.Receiver(); r != nil && tr.Kind() == webrtc.RTPCodecTypeVideo {
			if t := r.Track(); t != nil {
				return t.Codec().MimeType
			}
		}
	}
	return ""
}

// PlayerRTCPRTT is the round trip a player measured over RTCP in ms, -1
// before the first answer or without a player.
func (e *Engine) PlayerRTCPRTT(streamID string) int32 {
	e.mu.Lock()
	p := e.players[streamID]
	e.mu.Unlock()
	if p == nil {
		return -1
	}
	p.mu.Lock()
	a := p.att
	p.mu.Unlock()
	if a == nil {
		return -1
	}
	return a.rtt.ms.Load()
}

// PlayerSRTPCipher is the SRTP protection profile of a player's media
// connection ("" before DTLS is done).
func (e *Engine) PlayerSRTPCipher(streamID string) string {
	e.mu.Lock()
	p := e.players[streamID]
	e.mu.Unlock()
	if p == nil {
		return ""
	}
	p.mu.Lock()
	a := p.att
	p.mu.Unlock()
	if a == nil {
		return ""
	}
	a.pcMu.Lock()
	pc := a.pc
	a.pcMu.Unlock()
	if pc == nil {
		return ""
	}
	for _, s := range pc.GetStats() {
		if ts, ok := s.(webrtc.TransportStats); ok && ts.SRTPCipher != "" {
			return ts.SRTPCipher
		}
	}
	return ""
}
