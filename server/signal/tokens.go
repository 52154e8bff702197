package signal

import (
	"time"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/token"
)

// tokenRoom is the expiry watch of one room of a token session: when the
// room's token expires unrenewed, the streams the session published there
// end with publish_stopped ErrRoomTokenExpired.
type tokenRoom struct {
	timer   *time.Timer
	expired bool
	pubs    []room.PublicationID
}

// armToken (re)starts the expiry watch of roomID for claims cl. Read
// goroutine; the timer fires on its own goroutine.
func (c *conn) armToken(roomID string, cl token.Claims) {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	if c.tokRooms == nil {
		c.tokRooms = map[string]*tokenRoom{}
	}
	tr := &tokenRoom{}
	if old := c.tokRooms[roomID]; old != nil {
		old.timer.Stop()
		if !old.expired {
			tr.pubs = old.pubs // a renewal keeps the streams
		}
	}
	c.tokRooms[roomID] = tr
	tr.timer = time.AfterFunc(cl.ExpiresAt.Sub(c.hub.now()), func() { c.tokenExpired(roomID, tr) })
}

func (c *conn) tokenExpired(roomID string, tr *tokenRoom) {
	c.tokMu.Lock()
	if c.tokRooms[roomID] != tr || c.tokEnded {
		c.tokMu.Unlock()
		return
	}
	tr.expired = true
	pubs := tr.pubs
	tr.pubs = nil
	c.tokMu.Unlock()
	c.base.Info("token expired", "room", roomID, "streams", len(pubs))
	c.hub.spawn(func() {
		for _, p := range pubs {
			c.hub.apply(c.hub.dir.EndPublication(p, protocol.ErrRoomTokenExpired))
		}
	})
}

// trackPublication puts a new publication under its room's watch; false
// when the token expired meanwhile (the caller ends the publication).
func (c *conn) trackPublication(roomID string, id room.PublicationID) bool {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	tr := c.tokRooms[roomID]
	if tr == nil || tr.expired {
		return false
	}
	tr.pubs = append(tr.pubs, id)
	return true
}

// stopTokens ends every watch (the session is over).
func (c *conn) stopTokens() {
	c.tokMu.Lock()
	defer c.tokMu.Unlock()
	c.tokEnded = true
	for _, tr := range c.tokRooms {
		tr.timer.Stop()
	}
}

// renewToken replaces a room's token with a fresh one for the same user.
func (c *conn) renewToken(env protocol.Envelope) error {
	var req protocol.RenewToken
	if err := decodeChecked(env, &req, func() error { return protocol.CheckRoomID(req.RoomID) }); err != nil {
		return err
	}
	if c.claims == nil {
		return protocol.Errorf(protocol.ErrProtocol, "renew_token: this connection authenticated with the app sign")
	}
	old, ok := c.roomClaims[req.RoomID]
	if !ok {
		return protocol.Errorf(protocol.ErrNotLoggedIn, "not in room "+quote(req.RoomID))
	}
	cl, err := c.verifyToken(req.Token)
	if err != nil {
		return err
	}
	switch {
	case !cl.Privileges.LoginRoom:
		return protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token grants no login_room privilege")
	case cl.UserID != old.UserID:
		return protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token is for another user")
	case cl.RoomID != "" && cl.RoomID != req.RoomID:
		return protocol.Errorf(protocol.ErrRoomTokenInvalid, "the token is for another room")
	}
	c.roomClaims[req.RoomID] = cl
	c.armToken(req.RoomID, cl)
	c.log.Info("token renewed", "room", req.RoomID, "user", c.userID)
	c.respond(env.ID, nil)
	return nil
}
