package engine

import (
	"context"
	"errors"
	"time"

	"github.com/parley-rtc/parley/engine/signal"
	"github.com/parley-rtc/parley/server/protocol"
)

// Reconnection (docs/reconnection.md). When the signaling connection is
// lost, every room the engine is in goes RECONNECTING; the engine dials
// again with backoff and logs in to each room again as the same user. A
// server that still holds the session (it lost the connection less than its
// grace period ago) resumes it: streams and plays go on untouched. Otherwise
// (a restarted server, a longer outage) the engine publishes and plays
// everything again. Each room then reports RECONNECTED, with user and
// stream updates for what changed meanwhile; a room that cannot come back
// within Config.ReconnectWindow ends with RECONNECT_FAILED.

// DefaultReconnectWindow is how long an engine tries to reconnect.
const DefaultReconnectWindow = 2 * time.Minute

const (
	reconnectFirstDelay = 200 * time.Millisecond
	reconnectMaxDelay   = 5 * time.Second
)

// onConnClosed runs when the server or the network ended the connection.
func (e *Engine) onConnClosed(c *connection, err error) {
	if errors.Is(err, signal.ErrLocalClose) {
		return
	}
	e.mu.Lock()
	if e.conn != c || e.destroyed {
		e.mu.Unlock()
		return
	}
	e.conn = nil
	var rooms []*room
	for _, id := range e.roomOrder {
		r := e.rooms[id]
		if !r.logined {
			continue // a login under way fails by itself (LOGIN_FAILED)
		}
		r.logined = false
		r.held = nil
		r.loginDone = make(chan struct{})
		stopTokenTimer(r)
		rooms = append(rooms, r)
		e.emit(Event{Kind: EventRoomStateChanged, RoomID: r.id, Reason: RoomReconnecting,
			Code: protocol.ErrRoomNetwork, Extended: errJSON(err)})
	}
	e.wg.Add(2)
	e.mu.Unlock()
	go func() { defer e.wg.Done(); c.close() }()
	go func() { defer e.wg.Done(); e.reconnect(rooms) }()
}

// reconnect dials until every room is back or has failed.
func (e *Engine) reconnect(rooms []*room) {
	deadline := time.Now().Add(e.cfg.ReconnectWindow)
	delay := reconnectFirstDelay
	for len(rooms) > 0 {
		t := time.NewTimer(delay)
		select {
		case <-e.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(delay*2, reconnectMaxDelay)
		ctx, cancel := context.WithDeadline(e.ctx, deadline)
		c, err := e.connect(ctx, true)
		cancel()
		if protocol.CodeOf(err) == protocol.ErrRoomNetwork {
			// The server was not reached: the dialer paces its own
			// connects, so the next try comes soon, and a link that
			// returns is used at once.
			delay = reconnectFirstDelay
		}
		if err == nil {
			rooms = e.relogin(c, rooms)
			if len(rooms) == 0 {
				return
			}
			err = protocol.Errorf(protocol.ErrRoomNetwork, "the connection was lost again")
		}
		if !retryable(err) || !time.Now().Before(deadline) {
			e.failRooms(rooms, err)
			return
		}
	}
}

// retryable reports whether a failed reconnection attempt may be tried
// again: network trouble, not a refusal (a bad sign, an expired token).
func retryable(err error) bool {
	switch protocol.CodeOf(err) {
	case protocol.ErrRoomNetwork, protocol.ErrLoginRateLimited, protocol.ErrConnectionLimit, protocol.ErrRateLimited:
		return true
	}
	return false
}

// relogin logs in to each room again over c and returns the rooms still
// waiting (the connection failed under them).
func (e *Engine) relogin(c *connection, rooms []*room) []*room {
	for i, r := range rooms {
		e.mu.Lock()
		live := e.rooms[r.id] == r && !e.destroyed
		e.mu.Unlock()
		if !live {
			continue // logged out meanwhile
		}
		req := protocol.Login{RoomID: r.id, UserID: r.user.UserID, UserName: r.user.UserName,
			UserStatusNotify: r.cfg.IsUserStatusNotify, MaxMemberCount: r.cfg.MaxMemberCount}
		if e.appSign == nil {
			req.Token = r.cfg.Token
		}
		var ok protocol.LoginOK
		if err := c.request(e.ctx, protocol.TypeLogin, req, &ok); err != nil {
			if retryable(err) {
				return rooms[i:]
			}
			e.failRooms([]*room{r}, err)
			continue
		}
		e.roomBack(r, ok)
	}
	return nil
}

// roomBack brings r back after a successful login: RECONNECTED, what
// changed meanwhile, and the media again unless the server resumed it.
func (e *Engine) roomBack(r *room, ok protocol.LoginOK) {
	e.mu.Lock()
	if e.rooms[r.id] != r || e.destroyed {
		e.mu.Unlock()
		return
	}
	r.logined = true
	close(r.loginDone)
	e.armTokenWarningLocked(r)
	e.emit(Event{Kind: EventRoomStateChanged, RoomID: r.id, Reason: RoomReconnected, Extended: "{}"})
	e.reconcileLocked(r, ok)
	e.replayHeldLocked(r)
	var restart []*publisher
	if !ok.Resumed {
		for ch, p := range e.pubs {
			if p != nil && p.roomID == r.id {
				e.pubs[ch] = nil
				if c := e.detachPublisherLocked(p); c != nil {
					e.wg.Add(1)
					go func() { defer e.wg.Done(); c.stop() }()
				}
				restart = append(restart, p)
				e.launchPublisherLocked(p.streamID, Channel(ch), r)
			}
		}
		// The server knows none of this engine's plays: play them again.
		for _, p := range e.players {
			p.streamGone()
		}
		e.startWaitingPlayersLocked()
	}
	e.mu.Unlock()
	for _, p := range restart {
		e.wg.Add(1)
		go func() { defer e.wg.Done(); p.close() }()
	}
}

// reconcileLocked reports the users and streams that came or went while
// the room was away, as the server's snapshot shows them.
func (e *Engine) reconcileLocked(r *room, ok protocol.LoginOK) {
	now := map[string]protocol.User{}
	for _, u := range ok.Users {
		now[u.UserID] = u
	}
	var gone, came []protocol.User
	for id, u := range r.users {
		if _, ok := now[id]; !ok {
			gone = append(gone, u)
		}
	}
	for id, u := range now {
		if _, ok := r.users[id]; !ok {
			came = append(came, u)
		}
	}
	r.users = now
	if r.cfg.IsUserStatusNotify {
		if len(gone) > 0 {
			e.emit(Event{Kind: EventRoomUserUpdate, RoomID: r.id, UpdateType: protocol.UpdateDelete, Users: gone})
		}
		if len(came) > 0 {
			e.emit(Event{Kind: EventRoomUserUpdate, RoomID: r.id, UpdateType: protocol.UpdateAdd, Users: came})
		}
	}
	streams := map[string]protocol.Stream{}
	for _, s := range ok.Streams {
		streams[s.StreamID] = s
	}
	var ended, started []protocol.Stream
	for id, s := range r.streams {
		if _, ok := streams[id]; !ok {
			ended = append(ended, s)
			delete(r.streams, id)
			if p := e.players[id]; p != nil {
				p.streamGone()
			}
		}
	}
	for id, s := range streams {
		if _, ok := r.streams[id]; !ok {
			started = append(started, s)
			r.streams[id] = protocol.Stream{UserID: s.UserID, UserName: s.UserName, StreamID: s.StreamID, ExtraInfo: s.ExtraInfo}
		}
	}
	if len(ended) > 0 {
		e.emit(Event{Kind: EventRoomStreamUpdate, RoomID: r.id, UpdateType: protocol.UpdateDelete, Streams: ended, Extended: "{}"})
	}
	if len(started) > 0 {
		e.emit(Event{Kind: EventRoomStreamUpdate, RoomID: r.id, UpdateType: protocol.UpdateAdd, Streams: started, Extended: "{}"})
		for _, s := range started {
			e.applyStreamStateLocked(s.StreamID, s.VideoState, s.AudioState)
		}
	}
	e.startWaitingPlayersLocked()
}

// failRooms ends rooms that could not come back: RECONNECT_FAILED, and
// their publishers (and, with no room left, the players) stop.
func (e *Engine) failRooms(rooms []*room, err error) {
	code := protocol.CodeOf(err)
	if code == protocol.OK {
		code = protocol.ErrRoomNetwork
	}
	e.mu.Lock()
	var pubs []*publisher
	for _, r := range rooms {
		if e.rooms[r.id] != r {
			continue
		}
		pubs = append(pubs, e.stopPublishersInRoomLocked(r.id)...)
		e.removeRoomLocked(r.id)
		close(r.loginDone)
		e.emit(Event{Kind: EventRoomStateChanged, RoomID: r.id, Reason: RoomReconnectFailed, Code: code, Extended: errJSON(err)})
	}
	e.mu.Unlock()
	for _, p := range pubs {
		p.close()
	}
	e.afterRoomsGone()
}
