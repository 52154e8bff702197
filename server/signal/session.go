package signal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
	"github.com/parley-rtc/parley/server/token"
)

// handle runs one message on the read goroutine. Requests are handled one
// at a time, in order, so responses come back in request order.
func (c *conn) handle(b []byte) {
	env, err := protocol.Decode(b)
	if err != nil {
		c.fail(env.ID, err)
		return
	}
	switch c.state {
	case stateNew:
		if env.Type != protocol.TypeHello {
			c.fail(env.ID, protocol.Errorf(protocol.ErrProtocol, "send hello first"))
			return
		}
		c.hello(env)
	case stateChallenged:
		if env.Type != protocol.TypeAuth {
			c.fail(env.ID, protocol.Errorf(protocol.ErrProtocol, "authenticate first"))
			return
		}
		c.auth(env)
	case stateReady:
		c.request(env)
	}
}

func (c *conn) hello(env protocol.Envelope) {
	var h protocol.Hello
	if err := protocol.DecodeData(env, &h); err != nil {
		c.fail(env.ID, err)
		return
	}
	if h.Version != protocol.Version {
		c.fatal(env.ID, protocol.Errorf(protocol.ErrUnsupportedVersion, "server speaks protocol version 1"))
		return
	}
	if _, ok := c.hub.apps[h.AppID]; !ok {
		c.log.Info("hello for unknown app", "app", h.AppID)
		c.fatal(env.ID, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed"))
		return
	}
	var nonce [32]byte
	_, _ = rand.Read(nonce[:])
	c.appID = h.AppID
	c.nonce = base64.StdEncoding.EncodeToString(nonce[:])
	c.state = stateChallenged
	c.send(outMsg{typ: protocol.TypeChallenge, id: env.ID,
		data: protocol.Challenge{Version: protocol.Version, Nonce: c.nonce}})
}

func (c *conn) auth(env protocol.Envelope) {
	var a protocol.Auth
	if err := protocol.DecodeData(env, &a); err != nil {
		c.fail(env.ID, err)
		return
	}
	if err := c.hub.ips.login(c.ip); err != nil {
		c.log.Info("auth refused", "code", int32(protocol.CodeOf(err)))
		c.fatal(env.ID, err)
		return
	}
	if a.Token != "" {
		cl, err := c.verifyToken(a.Token)
		if err != nil {
			c.log.Info("token refused", "app", c.appID, "code", int32(protocol.CodeOf(err)))
			c.fatal(env.ID, err)
			return
		}
		c.claims = &cl
		c.roomClaims = map[string]token.Claims{}
	} else if !protocol.CheckAppSignature(c.hub.apps[c.appID], c.appID, c.nonce, a.Signature) {
		c.log.Info("wrong app signature", "app", c.appID)
		// Same message as for an unknown app: the client learns nothing.
		c.fatal(env.ID, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed"))
		return
	}
	c.log = c.log.With("app", c.appID) // before the sink is set: Deliver reads c.log from then on
	c.state = stateReady
	c.connected = true
	if a.Resume != "" {
		if id, ok := c.hub.takeOver(a.Resume, c); ok {
			c.log.Info("session taken over", "was", uint64(id))
			c.id, c.token, c.resumed = id, a.Resume, true
			c.respond(env.ID, protocol.AuthOK{SessionID: a.Resume})
			return
		}
	}
	var sid [16]byte
	_, _ = rand.Read(sid[:])
	c.token = hex.EncodeToString(sid[:])
	c.hub.dir.Connect(c.appID, c.id, c)
	c.hub.register(c.token, c)
	c.log.Debug("authenticated")
	c.respond(env.ID, protocol.AuthOK{SessionID: c.token})
}

// verifyToken checks a token against the connection's app.
func (c *conn) verifyToken(tok string) (token.Claims, error) {
	if len(tok) > maxTokenBytes {
		return token.Claims{}, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed")
	}
	cl, err := token.Verify(c.hub.secrets[c.appID], tok, c.hub.now())
	if err != nil {
		return token.Claims{}, err
	}
	if cl.AppID != c.appID {
		return token.Claims{}, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed")
	}
	return cl, nil
}

// maxTokenBytes bounds the token the server will parse.
const maxTokenBytes = 4096

// checkLoginToken applies a token session's claims to a login and returns
// the claims the room is logged in with.
func (c *conn) checkLoginToken(req protocol.Login) (token.Claims, error) {
	cl := *c.claims
	if req.Token != "" {
		var err error
		if cl, err = c.verifyToken(req.Token); err != nil {
			return cl, err
		}
	}
	if !c.hub.now().Before(cl.ExpiresAt) {
		return cl, protocol.Errorf(protocol.ErrRoomTokenExpired, "token expired")
	}
	switch {
	case !cl.Privileges.LoginRoom:
		return cl, protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token grants no login_room privilege")
	case cl.UserID != req.UserID:
		return cl, protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token is for another user")
	case cl.RoomID != "" && cl.RoomID != req.RoomID:
		return cl, protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token is for another room")
	}
	return cl, nil
}

// endSession ends everything the session had: its rooms, streams and plays.
func (c *conn) endSession() {
	c.stopTokens()
	if !c.connected {
		return
	}
	c.connected = false
	switch c.hub.release(c.token, c, c.state != stateFailed && vanished(c.readErr)) {
	case keepTaken:
		return
	case waitGrace:
		c.log.Info("connection lost: the session waits for its client", "user", c.userID, "grace", c.hub.grace, "err", c.readErr)
		return
	}
	c.hub.apply(c.hub.dir.Disconnect(c.id))
	c.log.Debug("session ended", "user", c.userID)
}

func (c *conn) request(env protocol.Envelope) {
	if env.ID == 0 {
		c.fail(0, protocol.Errorf(protocol.ErrProtocol, env.Type+": requests need a non-zero id"))
		return
	}
	var err error
	switch env.Type {
	case protocol.TypeLogin:
		err = c.login(env)
	case protocol.TypeLogout:
		err = c.logout(env)
	case protocol.TypePublish:
		err = c.publish(env)
	case protocol.TypeUnpublish:
		err = c.unpublish(env)
	case protocol.TypePlay:
		err = c.play(env)
	case protocol.TypeStopPlay:
		err = c.stopPlay(env)
	case protocol.TypeStreamState:
		err = c.streamState(env)
	case protocol.TypeRenewToken:
		err = c.renewToken(env)
	case protocol.TypeRestartICE:
		err = c.restartICE(env)
	case protocol.TypeHello, protocol.TypeAuth:
		err = protocol.Errorf(protocol.ErrProtocol, "already authenticated")
	default:
		err = protocol.Errorf(protocol.ErrProtocol, "unknown message type "+quote(env.Type))
	}
	if err != nil {
		c.fail(env.ID, err)
	}
}

func (c *conn) login(env protocol.Envelope) error {
	var req protocol.Login
	if err := decodeChecked(env, &req, func() error {
		return firstErr(protocol.CheckRoomID(req.RoomID), protocol.CheckUserID(req.UserID),
			protocol.CheckUserName(req.UserName))
	}); err != nil {
		return err
	}
	if err := c.hub.ips.login(c.ip); err != nil {
		return err
	}
	var cl token.Claims
	if c.claims != nil {
		var err error
		if cl, err = c.checkLoginToken(req); err != nil {
			return err
		}
	} else if req.Token != "" {
		return protocol.Errorf(protocol.ErrProtocol, "login: token on a connection authenticated with the app sign")
	}
	if c.resumed && c.hub.dir.Rejoin(c.id, req.RoomID, func(ok protocol.LoginOK) { c.respond(env.ID, ok) }) == nil {
		c.userID = req.UserID
		if c.claims != nil {
			c.roomClaims[req.RoomID] = cl
			c.armToken(req.RoomID, cl)
		}
		c.log.Info("login resumed", "room", req.RoomID, "user", req.UserID)
		return nil
	}
	ch, err := c.hub.dir.Login(c.id, req, func(ok protocol.LoginOK) { c.respond(env.ID, ok) })
	c.hub.apply(ch) // a kicked session's streams
	if err != nil {
		return err
	}
	c.userID = req.UserID
	if c.claims != nil {
		c.roomClaims[req.RoomID] = cl
		c.armToken(req.RoomID, cl)
	}
	c.log.Info("login", "room", req.RoomID, "user", req.UserID)
	return nil
}

func (c *conn) logout(env protocol.Envelope) error {
	var req protocol.Logout
	if err := decodeChecked(env, &req, func() error { return protocol.CheckRoomID(req.RoomID) }); err != nil {
		return err
	}
	c.hub.apply(c.hub.dir.Logout(c.id, req.RoomID))
	delete(c.roomClaims, req.RoomID)
	c.log.Info("logout", "room", req.RoomID, "user", c.userID)
	c.respond(env.ID, nil)
	return nil
}

func (c *conn) publish(env protocol.Envelope) error {
	var req protocol.Publish
	if err := decodeChecked(env, &req, func() error {
		return firstErr(protocol.CheckRoomID(req.RoomID), protocol.CheckStreamID(req.StreamID),
			protocol.CheckExtraInfo(req.ExtraInfo), checkSDP(req.SDP, protocol.ErrPublishSDPInvalid))
	}); err != nil {
		return err
	}
	if err := c.hub.dir.CheckPublish(c.id, req.RoomID, req.StreamID); err != nil {
		return err
	}
	if c.claims != nil {
		if cl, ok := c.roomClaims[req.RoomID]; !ok || !cl.MayPublish(req.StreamID) {
			return protocol.Errorf(protocol.ErrPublishNoPrivilege, "the token does not allow publishing "+quote(req.StreamID))
		} else if !c.hub.now().Before(cl.ExpiresAt) {
			return protocol.Errorf(protocol.ErrPublishNoPrivilege, "the room's token has expired")
		}
	}
	log := c.log.With("room", req.RoomID, "user", c.userID, "stream", req.StreamID)
	id := room.PublicationID(c.hub.nextPub.Add(1))
	answer, err := c.hub.sfu.Publish(c.ctx, sfu.PublishParams{ID: uint64(id), Label: req.StreamID, Offer: req.SDP,
		Log: log, OnGone: func() { c.hub.publisherGone(id) }})
	if err != nil {
		return err
	}
	err = c.hub.dir.Publish(c.id, room.Publication{ID: id, RoomID: req.RoomID, StreamID: req.StreamID,
		ExtraInfo: req.ExtraInfo, VideoState: req.VideoState, AudioState: req.AudioState}, func() { c.respond(env.ID, protocol.SDPAnswer{SDP: answer}) })
	if err != nil {
		c.hub.sfu.Unpublish(uint64(id))
		return err
	}
	if c.claims != nil && !c.trackPublication(req.RoomID, id) {
		c.hub.apply(c.hub.dir.EndPublication(id, protocol.ErrRoomTokenExpired))
	}
	log.Info("publish")
	return nil
}

func (c *conn) unpublish(env protocol.Envelope) error {
	var req protocol.Unpublish
	if err := decodeChecked(env, &req, func() error { return protocol.CheckStreamID(req.StreamID) }); err != nil {
		return err
	}
	c.hub.apply(c.hub.dir.Unpublish(c.id, req.StreamID))
	c.log.Info("unpublish", "user", c.userID, "stream", req.StreamID)
	c.respond(env.ID, nil)
	return nil
}

func (c *conn) play(env protocol.Envelope) error {
	var req protocol.Play
	if err := decodeChecked(env, &req, func() error {
		return firstErr(protocol.CheckStreamID(req.StreamID), checkSDP(req.SDP, protocol.ErrPlaySDPInvalid))
	}); err != nil {
		return err
	}
	pub, err := c.hub.dir.Stream(c.id, req.StreamID)
	if err != nil {
		return err
	}
	log := c.log.With("user", c.userID, "stream", req.StreamID)
	answer, err := c.hub.sfu.Play(c.ctx, sfu.PlayParams{Publication: uint64(pub), Subscriber: uint64(c.id),
		Offer: req.SDP, Log: log, OnGone: func() { c.hub.subscriberGone(c.id, pub) }})
	if err != nil {
		return err
	}
	if err := c.hub.dir.Play(c.id, req.StreamID, pub, func() {
		c.respond(env.ID, protocol.SDPAnswer{SDP: answer})
	}); err != nil {
		c.hub.sfu.StopPlay(uint64(pub), uint64(c.id))
		return err
	}
	log.Info("play")
	return nil
}

func (c *conn) stopPlay(env protocol.Envelope) error {
	var req protocol.StopPlay
	if err := decodeChecked(env, &req, func() error { return protocol.CheckStreamID(req.StreamID) }); err != nil {
		return err
	}
	c.hub.apply(c.hub.dir.StopPlay(c.id, req.StreamID))
	c.log.Info("stop play", "user", c.userID, "stream", req.StreamID)
	c.respond(env.ID, nil)
	return nil
}

// decodeChecked decodes a request's data and runs its field checks.
func decodeChecked(env protocol.Envelope, v any, check func() error) error {
	if err := protocol.DecodeData(env, v); err != nil {
		return err
	}
	return check()
}

// checkSDP refuses an SDP the server will not even parse.
func checkSDP(sdp string, code protocol.Code) error {
	if sdp == "" {
		return protocol.Errorf(code, "missing sdp")
	}
	if len(sdp) > protocol.MaxSDPBytes {
		return protocol.Errorf(code, "SDP larger than 32 KiB")
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// quote shows a client-supplied string in an error message, cut short.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return `"` + s + `"`
}

func (c *conn) streamState(env protocol.Envelope) error {
	var req protocol.StreamState
	if err := decodeChecked(env, &req, func() error {
		if !req.VideoState.Valid() || !req.AudioState.Valid() {
			return protocol.Errorf(protocol.ErrProtocol, "stream_state: unknown device state")
		}
		return protocol.CheckStreamID(req.StreamID)
	}); err != nil {
		return err
	}
	return c.hub.dir.SetStreamState(c.id, req, func() { c.respond(env.ID, nil) })
}
