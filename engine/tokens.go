package engine

import (
	"time"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

// TokenWarning is how long before a room token's expiry
// EventRoomTokenWillExpire arrives.
const TokenWarning = 30 * time.Second

// armTokenWarningLocked schedules EventRoomTokenWillExpire for r's token
// (token login only): TokenWarning before its expiry, or at once when less
// is left. e.mu is held.
func (e *Engine) armTokenWarningLocked(r *room) {
	stopTokenTimer(r)
	if e.appSign != nil {
		return
	}
	exp, err := token.ExpiryUnverified(r.cfg.Token)
	if err != nil {
		return // the server accepted it, so this does not happen
	}
	r.tokenTimer = time.AfterFunc(time.Until(exp)-TokenWarning, func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		if e.destroyed || e.rooms[r.id] != r {
			return
		}
		remain := int32(time.Until(exp).Round(time.Second) / time.Second)
		if remain < 0 {
			remain = 0
		}
		e.emit(Event{Kind: EventRoomTokenWillExpire, RoomID: r.id, State: remain})
	})
}

func stopTokenTimer(r *room) {
	if r.tokenTimer != nil {
		r.tokenTimer.Stop()
		r.tokenTimer = nil
	}
}

// RenewToken gives a room of a token-login engine a fresh token: the
// server checks it and applies its expiry and privileges from then on.
// Refusals by the server arrive as EventDebugError with the code.
func (e *Engine) RenewToken(roomID, tok string) error {
	if err := protocol.CheckRoomID(roomID); err != nil {
		return err
	}
	if tok == "" {
		return protocol.Errorf(protocol.ErrRoomTokenInvalid, "empty token")
	}
	if e.appSign == nil {
		if _, err := token.ExpiryUnverified(tok); err != nil {
			return err
		}
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	if e.appSign != nil {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrInvalidArgument, "this engine logs in with its app sign, not with tokens")
	}
	r := e.rooms[roomID]
	if r == nil || !r.logined {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrNotLoggedIn, "not logged in to room "+roomID)
	}
	r.cfg.Token = tok
	e.dialToken = tok
	e.armTokenWarningLocked(r)
	conn := e.conn
	e.wg.Add(1)
	e.mu.Unlock()
	go func() {
		defer e.wg.Done()
		if conn == nil {
			return
		}
		select {
		case <-conn.ready:
		case <-e.ctx.Done():
			return
		}
		if conn.err != nil {
			return
		}
		if err := conn.request(e.ctx, protocol.TypeRenewToken, protocol.RenewToken{RoomID: roomID, Token: tok}, nil); err != nil {
			e.EmitDebugError(protocol.CodeOf(err), "parley_renew_token", err.Error())
		}
	}()
	return nil
}
