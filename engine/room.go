package engine

import (
	"encoding/json"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
)

// room is one room the engine is in or logging in to.
type room struct {
	id      string
	user    User
	cfg     RoomConfig
	logined bool
	streams map[string]protocol.Stream // everyone else's streams, by stream ID
	// tokenTimer raises EventRoomTokenWillExpire (token login); under e.mu.
	tokenTimer *time.Timer
	// afterLogout, when not nil, is closed once an earlier logout of this
	// room was answered; the login is sent after it.
	afterLogout chan struct{}
	// loginDone is closed when the login ended, in or not (logined says);
	// a reconnection replaces it with one closed when the room is back.
	loginDone chan struct{}
	// users are the other members (kept for reconnection's reconcile).
	users map[string]protocol.User
	// held are the room's user and stream updates that arrived while its
	// login was being answered: the server sends them after the login's
	// snapshot, and they apply after it, in order (heldUpdate).
	held []heldUpdate
}

// heldUpdate is a user or a stream update held for after a login.
type heldUpdate struct {
	users   *protocol.UserUpdate
	streams *protocol.StreamUpdate
}

// holdLocked keeps an update for a room whose login is under way and
// reports whether it did.
func (e *Engine) holdLocked(roomID string, h heldUpdate) bool {
	r := e.rooms[roomID]
	if r == nil || r.logined {
		return false
	}
	r.held = append(r.held, h)
	return true
}

// replayHeldLocked applies, in arrival order, the updates held while r's
// login was answered; the caller has just applied the login's snapshot.
func (e *Engine) replayHeldLocked(r *room) {
	held := r.held
	r.held = nil
	for _, h := range held {
		if h.users != nil {
			e.onUserUpdateLocked(*h.users)
		} else {
			e.onStreamUpdateLocked(*h.streams)
		}
	}
}

// LoginRoom validates its arguments, then logs in asynchronously: the
// outcome arrives as RoomStateChanged LOGINING → LOGINED or LOGIN_FAILED.
func (e *Engine) LoginRoom(roomID string, user User, cfg RoomConfig) error {
	return e.loginRoom(roomID, user, cfg)
}

func (e *Engine) loginRoom(roomID string, user User, cfg RoomConfig) error {
	if err := protocol.CheckRoomID(roomID); err != nil {
		return err
	}
	if err := protocol.CheckUserID(user.UserID); err != nil {
		return err
	}
	if err := protocol.CheckUserName(user.UserName); err != nil {
		return err
	}
	if e.appSign == nil && cfg.Token == "" {
		return protocol.Errorf(protocol.ErrRoomTokenInvalid, "an engine created without an app sign logs in with a token")
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	defer e.mu.Unlock()
	if _, ok := e.rooms[roomID]; ok {
		return protocol.Errorf(protocol.ErrRoomAlreadyLoggedIn, "already in room "+roomID)
	}
	if len(e.rooms) > 0 && e.userID != user.UserID {
		return protocol.Errorf(protocol.ErrRoomUserIDMismatch, "this engine is logged in as "+e.userID)
	}
	r := &room{id: roomID, user: user, cfg: cfg, streams: map[string]protocol.Stream{}, afterLogout: e.logouts[roomID],
		loginDone: make(chan struct{}), users: map[string]protocol.User{}}
	e.rooms[roomID] = r
	e.roomOrder = append(e.roomOrder, roomID)
	e.userID = user.UserID
	if e.appSign == nil {
		e.dialToken = cfg.Token
	}
	e.emit(Event{Kind: EventRoomStateChanged, RoomID: roomID, Reason: RoomLogining, Extended: "{}"})
	e.wg.Add(1)
	go e.doLogin(r)
	return nil
}

func (e *Engine) doLogin(r *room) {
	defer e.wg.Done()
	defer close(r.loginDone) // the first login's channel: only a reconnection replaces it, after LOGINED
	var ok protocol.LoginOK
	if r.afterLogout != nil {
		select { // the server must see the logout first
		case <-r.afterLogout:
		case <-e.ctx.Done():
		}
	}
	c, err := e.getConn(e.ctx)
	if err == nil {
		req := protocol.Login{
			RoomID: r.id, UserID: r.user.UserID, UserName: r.user.UserName,
			UserStatusNotify: r.cfg.IsUserStatusNotify, MaxMemberCount: r.cfg.MaxMemberCount,
		}
		if e.appSign == nil {
			req.Token = r.cfg.Token // each room's own token (the auth carried the dialling login's)
		}
		err = c.request(e.ctx, protocol.TypeLogin, req, &ok)
	}
	e.mu.Lock()
	if e.destroyed || e.rooms[r.id] != r {
		e.mu.Unlock()
		return // logged out or destroyed while logging in
	}
	if err != nil {
		e.removeRoomLocked(r.id)
		e.mu.Unlock()
		code := protocol.CodeOf(err)
		e.emit(Event{Kind: EventRoomStateChanged, RoomID: r.id, Reason: RoomLoginFailed, Code: code, Extended: errJSON(err)})
		return
	}
	r.logined = true
	e.armTokenWarningLocked(r)
	for _, u := range ok.Users {
		r.users[u.UserID] = u
	}
	for _, s := range ok.Streams {
		r.streams[s.StreamID] = protocol.Stream{UserID: s.UserID, UserName: s.UserName, StreamID: s.StreamID, ExtraInfo: s.ExtraInfo}
	}
	e.emit(Event{Kind: EventRoomStateChanged, RoomID: r.id, Reason: RoomLogined, Extended: "{}"})
	if r.cfg.IsUserStatusNotify && len(ok.Users) > 0 {
		e.emit(Event{Kind: EventRoomUserUpdate, RoomID: r.id, UpdateType: protocol.UpdateAdd, Users: ok.Users})
	}
	if len(ok.Streams) > 0 {
		e.emit(Event{Kind: EventRoomStreamUpdate, RoomID: r.id, UpdateType: protocol.UpdateAdd, Streams: ok.Streams, Extended: "{}"})
		for _, s := range ok.Streams {
			e.applyStreamStateLocked(s.StreamID, s.VideoState, s.AudioState)
		}
	}
	e.replayHeldLocked(r)
	e.startWaitingPlayersLocked()
	e.mu.Unlock()
}

// LogoutRoom leaves one room ("" leaves every room). Publishing in a room
// stops with it; LOGOUT follows for each room left.
func (e *Engine) LogoutRoom(roomID string) error {
	return e.logoutRoom(roomID)
}

func (e *Engine) logoutRoom(roomID string) error {
	if roomID != "" {
		if err := protocol.CheckRoomID(roomID); err != nil {
			return err
		}
	}
	if err := e.lockLive(); err != nil {
		return err
	}
	var ids []string
	if roomID == "" {
		ids = append(ids, e.roomOrder...)
	} else if _, ok := e.rooms[roomID]; ok {
		ids = []string{roomID}
	} else {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrNotLoggedIn, "not in room "+roomID)
	}
	conn := e.conn
	var pubs []*publisher
	done := make(chan struct{})
	for _, id := range ids {
		pubs = append(pubs, e.stopPublishersInRoomLocked(id)...)
		e.removeRoomLocked(id)
		e.emit(Event{Kind: EventRoomStateChanged, RoomID: id, Reason: RoomLogout, Extended: "{}"})
		if conn != nil {
			e.logouts[id] = done
		}
	}
	e.mu.Unlock()
	for _, p := range pubs {
		p.close()
	}
	if conn != nil {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			defer e.logoutDone(ids, done)
			select {
			case <-conn.ready:
			case <-e.ctx.Done():
				return
			}
			if conn.err != nil {
				return
			}
			for _, id := range ids {
				conn.request(e.ctx, protocol.TypeLogout, protocol.Logout{RoomID: id}, nil)
			}
		}()
	}
	e.afterRoomsGone()
	return nil
}

// logoutDone releases logins that wait for the logout of ids.
func (e *Engine) logoutDone(ids []string, done chan struct{}) {
	e.mu.Lock()
	for _, id := range ids {
		if e.logouts[id] == done {
			delete(e.logouts, id)
		}
	}
	e.mu.Unlock()
	close(done)
}

func (e *Engine) removeRoomLocked(id string) {
	if r := e.rooms[id]; r != nil {
		stopTokenTimer(r)
	}
	delete(e.rooms, id)
	for i, r := range e.roomOrder {
		if r == id {
			e.roomOrder = append(e.roomOrder[:i], e.roomOrder[i+1:]...)
			break
		}
	}
}

// takeRoomsLocked forgets every room and returns them in login order.
func (e *Engine) takeRoomsLocked() []*room {
	var out []*room
	for _, id := range e.roomOrder {
		stopTokenTimer(e.rooms[id])
		out = append(out, e.rooms[id])
	}
	e.rooms = map[string]*room{}
	e.roomOrder = nil
	return out
}

// afterRoomsGone stops what cannot go on without a room: publishers whose
// room is gone, and players when no room is left.
func (e *Engine) afterRoomsGone() {
	e.mu.Lock()
	var pubs []*publisher
	for _, p := range e.pubs {
		if p != nil && e.rooms[p.roomID] == nil {
			pubs = append(pubs, e.stopPublishersInRoomLocked(p.roomID)...)
		}
	}
	var players []*player
	if len(e.rooms) == 0 {
		for id, p := range e.players {
			players = append(players, p)
			delete(e.players, id)
			e.emit(Event{Kind: EventPlayerStateUpdate, StreamID: id, State: PlayerNoPlay, Extended: "{}"})
		}
	}
	e.mu.Unlock()
	for _, p := range pubs {
		p.close()
	}
	for _, p := range players {
		p.close()
	}
}

// onServerEvent handles server events in arrival order (signal read goroutine).
func (e *Engine) onServerEvent(env protocol.Envelope) {
	switch env.Type {
	case protocol.TypeUserUpdate:
		var u protocol.UserUpdate
		if protocol.DecodeData(env, &u) != nil {
			return
		}
		e.mu.Lock()
		if !e.holdLocked(u.RoomID, heldUpdate{users: &u}) {
			e.onUserUpdateLocked(u)
		}
		e.mu.Unlock()
	case protocol.TypeStreamUpdate:
		var u protocol.StreamUpdate
		if protocol.DecodeData(env, &u) != nil {
			return
		}
		e.onStreamUpdate(u)
	case protocol.TypeKicked:
		var k protocol.Kicked
		if protocol.DecodeData(env, &k) != nil {
			return
		}
		e.mu.Lock()
		if _, ok := e.rooms[k.RoomID]; !ok {
			e.mu.Unlock()
			return
		}
		pubs := e.stopPublishersInRoomLocked(k.RoomID)
		e.removeRoomLocked(k.RoomID)
		code := k.Code
		if code == 0 {
			code = protocol.ErrRoomKickedOut
		}
		e.emit(Event{Kind: EventRoomStateChanged, RoomID: k.RoomID, Reason: RoomKickOut, Code: code, Extended: "{}"})
		e.mu.Unlock()
		for _, p := range pubs {
			p.close()
		}
		e.afterRoomsGone()
	case protocol.TypePublishStopped:
		var ps protocol.PublishStopped
		if protocol.DecodeData(env, &ps) != nil {
			return
		}
		e.mu.Lock()
		var stopped *publisher
		var capture *videoCapture
		for ch, p := range e.pubs {
			if p != nil && p.streamID == ps.StreamID {
				e.pubs[ch] = nil
				capture = e.detachPublisherLocked(p)
				stopped = p
				if r := e.rooms[p.roomID]; ps.Code == protocol.ErrPublishNetwork && r != nil {
					// The media connection failed, not the right to publish:
					// publish again (PUBLISH_REQUESTING, then PUBLISHING).
					e.launchPublisherLocked(p.streamID, Channel(ch), r)
					continue
				}
				e.emit(Event{Kind: EventPublisherStateUpdate, StreamID: p.streamID, State: PublisherNoPublish, Code: ps.Code, Extended: "{}"})
			}
		}
		e.mu.Unlock()
		if stopped != nil {
			e.wg.Add(1)
			go func() {
				defer e.wg.Done()
				stopped.close()
				if capture != nil {
					capture.stop()
				}
			}()
		}
	case protocol.TypeStreamStateUpdate:
		var u protocol.StreamStateUpdate
		if protocol.DecodeData(env, &u) != nil {
			return
		}
		e.onStreamState(u.StreamID, u.VideoState, u.AudioState)
	case protocol.TypePlayStopped:
		var ps protocol.PlayStopped
		if protocol.DecodeData(env, &ps) != nil {
			return
		}
		e.mu.Lock()
		if p := e.players[ps.StreamID]; p != nil {
			p.streamGone()
			if ps.Code == protocol.ErrPlayNetwork && e.knownStreamLocked(ps.StreamID) {
				p.startAfterLocked(500 * time.Millisecond) // the media connection failed: play again
			}
		}
		e.mu.Unlock()
	}
}

// onUserUpdateLocked applies a user update to a logged-in room.
func (e *Engine) onUserUpdateLocked(u protocol.UserUpdate) {
	r := e.rooms[u.RoomID]
	if r == nil || !r.logined || len(u.Users) == 0 {
		return
	}
	for _, x := range u.Users {
		if u.UpdateType == protocol.UpdateAdd {
			r.users[x.UserID] = x
		} else {
			delete(r.users, x.UserID)
		}
	}
	if r.cfg.IsUserStatusNotify {
		e.emit(Event{Kind: EventRoomUserUpdate, RoomID: u.RoomID, UpdateType: u.UpdateType, Users: u.Users})
	}
}

func (e *Engine) onStreamUpdate(u protocol.StreamUpdate) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.holdLocked(u.RoomID, heldUpdate{streams: &u}) {
		e.onStreamUpdateLocked(u)
	}
}

// onStreamUpdateLocked applies a stream update to a logged-in room.
func (e *Engine) onStreamUpdateLocked(u protocol.StreamUpdate) {
	r := e.rooms[u.RoomID]
	if r == nil || !r.logined || len(u.Streams) == 0 {
		return
	}
	for _, s := range u.Streams {
		if u.UpdateType == protocol.UpdateAdd {
			r.streams[s.StreamID] = protocol.Stream{UserID: s.UserID, UserName: s.UserName, StreamID: s.StreamID, ExtraInfo: s.ExtraInfo}
		} else {
			delete(r.streams, s.StreamID)
			if p := e.players[s.StreamID]; p != nil {
				p.streamGone()
			}
		}
	}
	e.emit(Event{Kind: EventRoomStreamUpdate, RoomID: u.RoomID, UpdateType: u.UpdateType, Streams: u.Streams, Extended: "{}"})
	if u.UpdateType == protocol.UpdateAdd {
		for _, s := range u.Streams {
			e.applyStreamStateLocked(s.StreamID, s.VideoState, s.AudioState)
		}
		e.startWaitingPlayersLocked()
	}
}

// onStreamState handles a publisher's camera or microphone change.
func (e *Engine) onStreamState(streamID string, video, audio protocol.DeviceState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.knownStreamLocked(streamID) || e.players[streamID] != nil {
		e.applyStreamStateLocked(streamID, video, audio)
	}
}

// applyStreamStateLocked records a stream's remote device state, reports
// what changed (a stream appears with both open, so only closed states are
// news then) and tells its player what media to expect.
func (e *Engine) applyStreamStateLocked(streamID string, video, audio protocol.DeviceState) {
	for _, r := range e.rooms {
		s, ok := r.streams[streamID]
		if !ok {
			continue
		}
		if s.VideoState != video {
			e.emit(Event{Kind: EventRemoteCameraStateUpdate, StreamID: streamID, State: int32(video)})
		}
		if s.AudioState != audio {
			e.emit(Event{Kind: EventRemoteMicStateUpdate, StreamID: streamID, State: int32(audio)})
		}
		s.VideoState, s.AudioState = video, audio
		r.streams[streamID] = s
		break
	}
	if p := e.players[streamID]; p != nil {
		p.remoteVideoOff.Store(video != protocol.DeviceOpen)
		p.remoteAudioOff.Store(audio != protocol.DeviceOpen)
		p.updateBreakWatch()
	}
}

// knownStreamLocked reports whether any room the engine is in has the stream.
func (e *Engine) knownStreamLocked(streamID string) bool {
	for _, r := range e.rooms {
		if _, ok := r.streams[streamID]; ok {
			return true
		}
	}
	return false
}

// publishRoomLocked is the room publishing goes to: the first room logged
// in, else the first still logging in; nil without rooms.
func (e *Engine) publishRoomLocked() *room {
	for _, id := range e.roomOrder {
		if r := e.rooms[id]; r.logined {
			return r
		}
	}
	if len(e.roomOrder) > 0 {
		return e.rooms[e.roomOrder[0]]
	}
	return nil
}

func errJSON(err error) string {
	b, _ := json.Marshal(map[string]string{"message": err.Error()})
	return string(b)
}
