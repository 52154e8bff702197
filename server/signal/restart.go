package signal

import (
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/sfu"
)

// restartICE renegotiates the path of one of the session's publications or
// plays (docs/reconnection.md, ICE restart).
func (c *conn) restartICE(env protocol.Envelope) error {
	var req protocol.RestartICE
	code := protocol.ErrPublishSDPInvalid
	if err := decodeChecked(env, &req, func() error {
		if req.Play {
			code = protocol.ErrPlaySDPInvalid
		}
		return firstErr(protocol.CheckStreamID(req.StreamID), checkSDP(req.SDP, code))
	}); err != nil {
		return err
	}
	pub, err := c.hub.dir.Media(c.id, req.StreamID, req.Play)
	if err != nil {
		return err
	}
	p := sfu.RestartParams{Publication: uint64(pub), Offer: req.SDP}
	if req.Play {
		p.Subscriber = uint64(c.id)
	}
	answer, err := c.hub.sfu.RestartICE(c.ctx, p)
	if err != nil {
		return err
	}
	c.log.Info("ICE restart", "user", c.userID, "stream", req.StreamID, "play", req.Play)
	c.respond(env.ID, protocol.SDPAnswer{SDP: answer})
	return nil
}
