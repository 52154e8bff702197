package sfu

import (
	"context"

	"github.com/parley-rtc/parley/server/protocol"
)

// RestartParams describes an ICE restart of one media connection.
type RestartParams struct {
	Publication uint64 // a live publication
	Subscriber  uint64 // one of its subscribers; 0: the publisher's own connection
	Offer       string // the client's offer with new ICE credentials, all candidates included
}

// RestartICE answers an offer that restarts ICE on a publication's
// connection or one of its subscribers' (docs/reconnection.md): the client's
// network path changed. The connection keeps its tracks and DTLS session;
// only its candidate pairs are found again. Errors carry
// ErrPublishSDPInvalid or ErrPlaySDPInvalid for unusable offers and
// ErrPlayStreamNotFound or ErrPublishNetwork when the connection is gone.
func (s *SFU) RestartICE(ctx context.Context, p RestartParams) (string, error) {
	dir, code, goneCode := "sendonly", protocol.ErrPublishSDPInvalid, protocol.ErrPublishNetwork
	if p.Subscriber != 0 {
		dir, code, goneCode = "recvonly", protocol.ErrPlaySDPInvalid, protocol.ErrPlayStreamNotFound
	}
	if _, err := checkOffer(p.Offer, dir, code); err != nil {
		return "", err
	}
	s.mu.Lock()
	pub := s.pubs[p.Publication]
	s.mu.Unlock()
	if pub == nil {
		return "", protocol.Errorf(goneCode, "the stream has ended")
	}
	pc := pub.pc
	if p.Subscriber != 0 {
		pub.mu.Lock()
		sub := pub.subs[p.Subscriber]
		pub.mu.Unlock()
		if sub == nil {
			return "", protocol.Errorf(goneCode, "the play has ended")
		}
		pc = sub.pc
	}
	return negotiate(ctx, pc, p.Offer, code, nil)
}
