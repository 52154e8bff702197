package engine

import "github.com/pion/webrtc/v4"

// Test hooks: what the PeerConnections really negotiated and measured.

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

// playerAttempt is the current attempt of the player of streamID, or nil.
func (e *Engine) playerAttempt(streamID string) *attempt {
	e.mu.Lock()
	p := e.players[streamID]
	e.mu.Unlock()
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.att
}

// playerPC is the PeerConnection of the player of streamID, or nil.
func (e *Engine) playerPC(streamID string) *webrtc.PeerConnection {
	a := e.playerAttempt(streamID)
	if a == nil {
		return nil
	}
	a.pcMu.Lock()
	defer a.pcMu.Unlock()
	return a.pc
}

// PlayedVideoCodec is the mime type of the video track a player receives,
// "" before it arrived.
func (e *Engine) PlayedVideoCodec(streamID string) string {
	pc := e.playerPC(streamID)
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
	a := e.playerAttempt(streamID)
	if a == nil {
		return -1
	}
	return a.rtt.ms.Load()
}

// PlayerSRTPCipher is the SRTP protection profile of a player's media
// connection ("" before DTLS is done).
func (e *Engine) PlayerSRTPCipher(streamID string) string {
	pc := e.playerPC(streamID)
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

// DropConnection cuts the signaling connection as a lost network would.
func (e *Engine) DropConnection() {
	e.mu.Lock()
	c := e.conn
	e.mu.Unlock()
	if c != nil {
		<-c.ready
		if c.cli != nil {
			c.cli.Drop()
		}
	}
}

// BreakPublisherMedia closes the channel's media connection under the
// publisher, as a failed network path does to it.
func (e *Engine) BreakPublisherMedia(ch Channel) {
	e.mu.Lock()
	p := e.pubs[ch]
	e.mu.Unlock()
	if p == nil {
		return
	}
	p.mu.Lock()
	pc := p.pc
	p.mu.Unlock()
	if pc != nil {
		pc.Close()
	}
}

// BreakPlayerMedia closes a player's media connection under it.
func (e *Engine) BreakPlayerMedia(streamID string) {
	if pc := e.playerPC(streamID); pc != nil {
		pc.Close()
	}
}
