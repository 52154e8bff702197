package room

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/parley-rtc/parley/server/protocol"
)

// Memory is the in-process Directory of a single parleyd. One mutex guards
// everything: signaling changes are rare and short next to media, and one
// lock makes the event order the order of the changes.
type Memory struct {
	mu       sync.Mutex
	seq      uint64 // join/publish order, for stable snapshots
	apps     map[uint32]*app
	sessions map[SessionID]*session
	pubs     map[PublicationID]*stream // every live publication
	limits   Limits
}

// Limits bound what one session can hold; a field <= 0 is no bound.
type Limits struct {
	MaxRoomMembers    int // caps every room, whatever its max_member_count (ROOM_USER_LIMIT)
	RoomsPerSession   int // rooms logged in at once (ROOM_COUNT_EXCEEDED)
	StreamsPerSession int // streams published at once (PUBLISH_STREAM_LIMIT)
}

// SetLimits sets the limits later logins and publishes are held to.
func (m *Memory) SetLimits(l Limits) {
	m.mu.Lock()
	m.limits = l
	m.mu.Unlock()
}

var _ Directory = (*Memory)(nil)

type app struct {
	id       uint32
	sessions int
	rooms    map[string]*room
	users    map[string]*session // user ID → the one session logged in with it
	streams  map[string]*stream  // stream ID → the one live publication of it
}

type session struct {
	id     SessionID
	app    *app
	sink   Sink
	userID string // "" while in no room
	rooms  map[string]*room
	pubs   map[string]*stream       // by stream ID
	plays  map[string]PublicationID // stream ID → publication played
}

type room struct {
	id      string
	max     uint32
	members map[SessionID]*member
	streams map[string]*stream
}

type member struct {
	s      *session
	seq    uint64
	user   protocol.User
	notify bool
}

type stream struct {
	seq     uint64
	pub     Publication
	owner   *session
	room    *room
	info    protocol.Stream
	players map[SessionID]*session
}

// NewMemory returns an empty in-memory directory.
func NewMemory() *Memory {
	return &Memory{apps: map[uint32]*app{}, sessions: map[SessionID]*session{}, pubs: map[PublicationID]*stream{}}
}

// Connect implements Directory.
func (m *Memory) Connect(appID uint32, id SessionID, sink Sink) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a := m.apps[appID]
	if a == nil {
		a = &app{id: appID, rooms: map[string]*room{}, users: map[string]*session{}, streams: map[string]*stream{}}
		m.apps[appID] = a
	}
	a.sessions++
	m.sessions[id] = &session{id: id, app: a, sink: sink, rooms: map[string]*room{},
		pubs: map[string]*stream{}, plays: map[string]PublicationID{}}
}

// SetSink implements Directory.
func (m *Memory) SetSink(id SessionID, sink Sink) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil {
		return false
	}
	if sink == nil {
		sink = dropSink{}
	}
	s.sink = sink
	return true
}

// dropSink drops the events of a session that has no connection.
type dropSink struct{}

func (dropSink) Deliver(Event) {}

// Rejoin implements Directory.
func (m *Memory) Rejoin(id SessionID, roomID string, reply func(protocol.LoginOK)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil || s.rooms[roomID] == nil {
		return protocol.Errorf(protocol.ErrNotLoggedIn, "not in room "+roomID)
	}
	ok := snapshot(s.rooms[roomID], s)
	ok.Resumed = true
	reply(ok)
	return nil
}

// Disconnect implements Directory.
func (m *Memory) Disconnect(id SessionID) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil {
		return Changes{}
	}
	var ch Changes
	m.leaveAll(s, false, &ch)
	delete(m.sessions, id)
	if s.app.sessions--; s.app.sessions == 0 {
		delete(m.apps, s.app.id) // nothing of the app is left: its rooms went with its sessions
	}
	return ch
}

// Login implements Directory.
func (m *Memory) Login(id SessionID, req protocol.Login, reply func(protocol.LoginOK)) (Changes, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil {
		return Changes{}, protocol.Errorf(protocol.ErrProtocol, "session not connected")
	}
	if s.rooms[req.RoomID] != nil {
		return Changes{}, protocol.Errorf(protocol.ErrRoomAlreadyLoggedIn, "already logged in to room "+req.RoomID)
	}
	if s.userID != "" && s.userID != req.UserID {
		return Changes{}, protocol.Errorf(protocol.ErrRoomUserIDMismatch,
			"this connection is logged in as user "+s.userID)
	}
	if l := m.limits.RoomsPerSession; l > 0 && len(s.rooms) >= l {
		return Changes{}, protocol.Errorf(protocol.ErrRoomCountExceeded,
			fmt.Sprintf("a connection may be in %d rooms at once", l))
	}
	a := s.app
	holder := a.users[req.UserID]
	if holder == s {
		holder = nil
	}
	if r := a.rooms[req.RoomID]; r != nil {
		n := len(r.members)
		if holder != nil && holder.rooms[r.id] != nil {
			n-- // the kicked session's seat goes to this login
		}
		if n >= m.roomCap(r) {
			return Changes{}, protocol.Errorf(protocol.ErrRoomUserLimit, "room "+r.id+" is full")
		}
	}

	var ch Changes
	if holder != nil {
		m.leaveAll(holder, true, &ch)
	}
	r := a.rooms[req.RoomID]
	if r == nil {
		r = &room{id: req.RoomID, max: req.MaxMemberCount, members: map[SessionID]*member{}, streams: map[string]*stream{}}
		a.rooms[r.id] = r
	}
	reply(snapshot(r, s))

	m.seq++
	me := &member{s: s, seq: m.seq, user: protocol.User{UserID: req.UserID, UserName: req.UserName},
		notify: req.UserStatusNotify}
	r.members[s.id] = me
	s.rooms[r.id] = r
	s.userID = req.UserID
	a.users[req.UserID] = s
	notifyUsers(r, protocol.UpdateAdd, me)
	return ch, nil
}

// roomCap is how many members r may hold: its max_member_count, within the
// server's limit.
func (m *Memory) roomCap(r *room) int {
	n := m.limits.MaxRoomMembers
	if r.max > 0 && (n <= 0 || int(r.max) < n) {
		n = int(r.max)
	}
	if n <= 0 {
		return math.MaxInt
	}
	return n
}

// Logout implements Directory.
func (m *Memory) Logout(id SessionID, roomID string) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch Changes
	if s := m.sessions[id]; s != nil {
		if r := s.rooms[roomID]; r != nil {
			m.leave(s, r, false, &ch)
		}
	}
	return ch
}

// CheckPublish implements Directory.
func (m *Memory) CheckPublish(id SessionID, roomID, streamID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, err := m.checkPublish(id, roomID, streamID)
	return err
}

func (m *Memory) checkPublish(id SessionID, roomID, streamID string) (*session, error) {
	s := m.sessions[id]
	if s == nil || s.rooms[roomID] == nil {
		return nil, protocol.Errorf(protocol.ErrNotLoggedIn, "not logged in to room "+roomID)
	}
	if st := s.app.streams[streamID]; st != nil {
		if st.owner == s {
			return nil, protocol.Errorf(protocol.ErrPublishAlreadyPublishing, "already publishing stream "+streamID)
		}
		return nil, protocol.Errorf(protocol.ErrPublishStreamIDInUse, "stream "+streamID+" is published by another user")
	}
	if l := m.limits.StreamsPerSession; l > 0 && len(s.pubs) >= l {
		return nil, protocol.Errorf(protocol.ErrPublishStreamLimit, fmt.Sprintf("a connection may publish %d streams at once", l))
	}
	return s, nil
}

// Publish implements Directory.
func (m *Memory) Publish(id SessionID, p Publication, reply func()) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, err := m.checkPublish(id, p.RoomID, p.StreamID)
	if err != nil {
		return err
	}
	r := s.rooms[p.RoomID]
	m.seq++
	st := &stream{seq: m.seq, pub: p, owner: s, room: r, players: map[SessionID]*session{},
		info: protocol.Stream{UserID: s.userID, UserName: r.members[s.id].user.UserName,
			StreamID: p.StreamID, ExtraInfo: p.ExtraInfo, VideoState: p.VideoState, AudioState: p.AudioState}}
	s.app.streams[p.StreamID] = st
	r.streams[p.StreamID] = st
	s.pubs[p.StreamID] = st
	m.pubs[p.ID] = st
	reply()
	notifyStreams(r, protocol.UpdateAdd, st)
	return nil
}

// SetStreamState implements Directory.
func (m *Memory) SetStreamState(id SessionID, req protocol.StreamState, reply func()) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if s == nil || s.pubs[req.StreamID] == nil {
		return protocol.Errorf(protocol.ErrInvalidStreamID, "this session does not publish "+req.StreamID)
	}
	st := s.pubs[req.StreamID]
	st.info.VideoState, st.info.AudioState = req.VideoState, req.AudioState
	reply()
	ev := Event{Type: protocol.TypeStreamStateUpdate, Data: protocol.StreamStateUpdate{RoomID: st.room.id,
		StreamID: req.StreamID, UserID: s.userID, VideoState: req.VideoState, AudioState: req.AudioState}}
	told := map[SessionID]bool{s.id: true}
	for _, mb := range st.room.members {
		if !told[mb.s.id] {
			told[mb.s.id] = true
			mb.s.sink.Deliver(ev)
		}
	}
	for pid, p := range st.players {
		if !told[pid] {
			told[pid] = true
			p.sink.Deliver(ev)
		}
	}
	return nil
}

// Unpublish implements Directory.
func (m *Memory) Unpublish(id SessionID, streamID string) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch Changes
	if s := m.sessions[id]; s != nil {
		if st := s.pubs[streamID]; st != nil {
			m.endStream(st, &ch)
		}
	}
	return ch
}

// Stream implements Directory.
func (m *Memory) Stream(id SessionID, streamID string) (PublicationID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, err := m.playable(id, streamID)
	if err != nil {
		return 0, err
	}
	return st.pub.ID, nil
}

func (m *Memory) playable(id SessionID, streamID string) (*stream, error) {
	s := m.sessions[id]
	if s == nil || len(s.rooms) == 0 {
		return nil, protocol.Errorf(protocol.ErrNotLoggedIn, "log in to a room before playing")
	}
	st := s.app.streams[streamID]
	if st == nil {
		return nil, protocol.Errorf(protocol.ErrPlayStreamNotFound, "nobody publishes stream "+streamID)
	}
	return st, nil
}

// Media implements Directory.
func (m *Memory) Media(id SessionID, streamID string, play bool) (PublicationID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.sessions[id]
	if play {
		if pub, ok := s.playing(streamID); ok {
			return pub, nil
		}
		return 0, protocol.Errorf(protocol.ErrPlayStreamNotFound, "not playing stream "+streamID)
	}
	if s != nil && s.pubs[streamID] != nil {
		return s.pubs[streamID].pub.ID, nil
	}
	return 0, protocol.Errorf(protocol.ErrInvalidStreamID, "not publishing stream "+streamID)
}

// playing is the publication s plays as streamID; s may be nil.
func (s *session) playing(streamID string) (PublicationID, bool) {
	if s == nil {
		return 0, false
	}
	pub, ok := s.plays[streamID]
	return pub, ok
}

// Play implements Directory.
func (m *Memory) Play(id SessionID, streamID string, pub PublicationID, reply func()) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, err := m.playable(id, streamID)
	if err != nil {
		return err
	}
	if st.pub.ID != pub {
		return protocol.Errorf(protocol.ErrPlayStreamNotFound, "stream "+streamID+" was republished; play again")
	}
	s := m.sessions[id]
	st.players[id] = s
	s.plays[streamID] = pub
	reply()
	return nil
}

// StopPlay implements Directory.
func (m *Memory) StopPlay(id SessionID, streamID string) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch Changes
	if s := m.sessions[id]; s != nil {
		stopPlay(s, streamID, &ch)
	}
	return ch
}

// EndPublication implements Directory.
func (m *Memory) EndPublication(pub PublicationID, code protocol.Code) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch Changes
	if st := m.pubs[pub]; st != nil {
		m.endStream(st, &ch)
		st.owner.sink.Deliver(Event{Type: protocol.TypePublishStopped,
			Data: protocol.PublishStopped{StreamID: st.pub.StreamID, Code: code}})
	}
	return ch
}

// EndPlay implements Directory.
func (m *Memory) EndPlay(id SessionID, pub PublicationID, code protocol.Code) Changes {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ch Changes
	s := m.sessions[id]
	if s == nil {
		return ch
	}
	for streamID, p := range s.plays {
		if p == pub {
			stopPlay(s, streamID, &ch)
			s.sink.Deliver(Event{Type: protocol.TypePlayStopped, Data: protocol.PlayStopped{StreamID: streamID, Code: code}})
			break
		}
	}
	return ch
}

// leaveAll takes s out of every room; kicked sessions are told why.
func (m *Memory) leaveAll(s *session, kicked bool, ch *Changes) {
	for _, r := range sortedRooms(s.rooms) {
		m.leave(s, r, kicked, ch)
	}
}

func (m *Memory) leave(s *session, r *room, kicked bool, ch *Changes) {
	for _, st := range s.pubs {
		if st.room == r {
			m.endStream(st, ch)
		}
	}
	me := r.members[s.id]
	delete(r.members, s.id)
	delete(s.rooms, r.id)
	notifyUsers(r, protocol.UpdateDelete, me)
	if kicked {
		s.sink.Deliver(Event{Type: protocol.TypeKicked, Data: protocol.Kicked{RoomID: r.id,
			Code: protocol.ErrRoomKickedOut, Message: "user " + s.userID + " logged in elsewhere"}})
	}
	if len(r.members) == 0 {
		delete(s.app.rooms, r.id)
	}
	if len(s.rooms) == 0 {
		for streamID := range s.plays {
			stopPlay(s, streamID, ch)
		}
		if s.app.users[s.userID] == s {
			delete(s.app.users, s.userID)
		}
		s.userID = ""
	}
}

// endStream removes a publication, tells the room and stops its players.
func (m *Memory) endStream(st *stream, ch *Changes) {
	s := st.owner
	delete(m.pubs, st.pub.ID)
	delete(s.app.streams, st.pub.StreamID)
	delete(st.room.streams, st.pub.StreamID)
	delete(s.pubs, st.pub.StreamID)
	notifyStreams(st.room, protocol.UpdateDelete, st)
	for _, p := range sortedSessions(st.players) {
		delete(p.plays, st.pub.StreamID)
		p.sink.Deliver(Event{Type: protocol.TypePlayStopped, Data: protocol.PlayStopped{StreamID: st.pub.StreamID}})
	}
	ch.EndedPublications = append(ch.EndedPublications, st.pub)
}

func stopPlay(s *session, streamID string, ch *Changes) {
	pub, ok := s.plays[streamID]
	if !ok {
		return
	}
	delete(s.plays, streamID)
	if st := s.app.streams[streamID]; st != nil {
		delete(st.players, s.id)
	}
	ch.EndedPlays = append(ch.EndedPlays, PlayRef{Session: s.id, Publication: pub, StreamID: streamID})
}

// notifyUsers tells the members that asked for user updates, never the user
// itself (who is, or is no longer, a member of r when this runs).
func notifyUsers(r *room, t protocol.UpdateType, who *member) {
	var ev Event
	for _, m := range r.members {
		if !m.notify || m == who {
			continue
		}
		if ev.Data == nil {
			ev = Event{Type: protocol.TypeUserUpdate, Data: protocol.UserUpdate{RoomID: r.id, UpdateType: t,
				Users: []protocol.User{who.user}}}
		}
		m.s.sink.Deliver(ev)
	}
}

// notifyStreams tells every member but the publisher.
func notifyStreams(r *room, t protocol.UpdateType, st *stream) {
	ev := Event{Type: protocol.TypeStreamUpdate, Data: protocol.StreamUpdate{RoomID: r.id, UpdateType: t,
		Streams: []protocol.Stream{st.info}}}
	for _, m := range r.members {
		if m.s != st.owner {
			m.s.sink.Deliver(ev)
		}
	}
}

// snapshot is what a login to r sees: the other members and their streams.
func snapshot(r *room, self *session) protocol.LoginOK {
	ms := make([]*member, 0, len(r.members))
	for _, m := range r.members {
		if m.s != self {
			ms = append(ms, m)
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].seq < ms[j].seq })
	sts := make([]*stream, 0, len(r.streams))
	for _, st := range r.streams {
		if st.owner != self {
			sts = append(sts, st)
		}
	}
	sort.Slice(sts, func(i, j int) bool { return sts[i].seq < sts[j].seq })
	out := protocol.LoginOK{Users: make([]protocol.User, len(ms)), Streams: make([]protocol.Stream, len(sts))}
	for i, m := range ms {
		out.Users[i] = m.user
	}
	for i, st := range sts {
		out.Streams[i] = st.info
	}
	return out
}

func sortedRooms(rs map[string]*room) []*room {
	out := make([]*room, 0, len(rs))
	for _, r := range rs {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func sortedSessions(ss map[SessionID]*session) []*session {
	out := make([]*session, 0, len(ss))
	for _, s := range ss {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Counts implements Directory.
func (m *Memory) Counts() Counts {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := Counts{Sessions: len(m.sessions), Publications: len(m.pubs)}
	for _, a := range m.apps {
		c.Rooms += len(a.rooms)
		for _, r := range a.rooms {
			c.Participants += len(r.members)
		}
	}
	return c
}
