package sfu

import (
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// AddPublisherCandidate gives publication id's PeerConnection an ICE
// candidate its client found after sending the offer (trickle ICE: WHIP
// clients send them with HTTP PATCH). candidate is an SDP candidate
// attribute's value ("candidate:1 1 UDP ..."). The answer already carries
// every server candidate, so nothing goes back. Errors: ErrPublishNetwork
// when the publication is gone, ErrInvalidArgument for a malformed candidate.
func (s *SFU) AddPublisherCandidate(id uint64, candidate string) error {
	s.mu.Lock()
	p := s.pubs[id]
	s.mu.Unlock()
	if p == nil {
		return protocol.Errorf(protocol.ErrPublishNetwork, "the publication has ended")
	}
	return addCandidate(p.pc, candidate)
}

// AddSubscriberCandidate is AddPublisherCandidate for the subscriber sub of
// publication pub. Errors: ErrPlayStreamNotFound when either is gone.
func (s *SFU) AddSubscriberCandidate(pub, sub uint64, candidate string) error {
	s.mu.Lock()
	p := s.pubs[pub]
	s.mu.Unlock()
	if p == nil {
		return protocol.Errorf(protocol.ErrPlayStreamNotFound, "the stream has ended")
	}
	p.mu.Lock()
	sb := p.subs[sub]
	p.mu.Unlock()
	if sb == nil {
		return protocol.Errorf(protocol.ErrPlayStreamNotFound, "the play has ended")
	}
	return addCandidate(sb.pc, candidate)
}

func addCandidate(pc *webrtc.PeerConnection, candidate string) error {
	if err := pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: candidate}); err != nil {
		return protocol.Errorf(protocol.ErrInvalidArgument, "ICE candidate: "+err.Error())
	}
	return nil
}
