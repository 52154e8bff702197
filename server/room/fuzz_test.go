package room

import (
	"fmt"
	"testing"

	"github.com/parley-rtc/parley/server/protocol"
)

// FuzzDirectory drives the in-memory directory with arbitrary sequences of
// session operations (connect, login, logout, publish, unpublish, state,
// play, stop, end, disconnect) over four sessions of two apps, three rooms,
// users and streams, and checks after every step that the state holds
// together: one session per user ID and one publication per stream ID in an
// app, no empty rooms, every publication in its owner's room, and every
// error a Parley code. CI runs it for 60 s (make fuzz).
func FuzzDirectory(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 0, 3, 0, 0, 0, 1, 0, 1, 1, 0, 5, 1, 0, 7, 0, 0})
	f.Add([]byte{0, 0, 0, 0, 2, 0, 1, 0, 1, 1, 2, 1, 3, 2, 1, 9, 0, 1, 4, 2, 1, 7, 2, 0})
	f.Add([]byte{0, 1, 0, 0, 3, 0, 1, 1, 2, 1, 3, 2, 3, 1, 1, 5, 3, 1, 8, 1, 1, 2, 1, 1})
	f.Fuzz(func(t *testing.T, ops []byte) {
		m := NewMemory()
		sinks := make([]*rec, 4)
		apps := []uint32{1, 1, 1, 2}
		var pub PublicationID
		for i := 0; i+2 < len(ops) && i < 3*200; i += 3 {
			op, s, arg := ops[i]%10, int(ops[i+1]%4), int(ops[i+2]%3)
			id := SessionID(s + 1)
			room, user, stream := fmt.Sprint("r", arg), fmt.Sprint("u", (s+arg)%3), fmt.Sprint("s", arg)
			var err error
			switch op {
			case 0:
				if sinks[s] == nil {
					sinks[s] = &rec{}
					m.Connect(apps[s], id, sinks[s])
				}
			case 1:
				_, err = m.Login(id, protocol.Login{RoomID: room, UserID: user, MaxMemberCount: uint32(arg)}, func(protocol.LoginOK) {})
			case 2:
				m.Logout(id, room)
			case 3:
				if err = m.CheckPublish(id, room, stream); err == nil {
					pub++
					err = m.Publish(id, Publication{ID: pub, RoomID: room, StreamID: stream}, func() {})
				}
			case 4:
				m.Unpublish(id, stream)
			case 5:
				var p PublicationID
				if p, err = m.Stream(id, stream); err == nil {
					err = m.Play(id, stream, p, func() {})
				}
			case 6:
				m.StopPlay(id, stream)
			case 7:
				m.Disconnect(id)
				sinks[s] = nil
			case 8:
				err = m.SetStreamState(id, protocol.StreamState{StreamID: stream, VideoState: protocol.DeviceMute}, func() {})
			case 9:
				m.EndPublication(PublicationID(arg+1), protocol.ErrPublishNetwork)
			}
			if err != nil && protocol.CodeOf(err) == protocol.ErrInternal {
				t.Fatalf("op %d: an error without a Parley code: %v", op, err)
			}
			checkInvariants(t, m)
		}
	})
}

func checkInvariants(t *testing.T, m *Memory) {
	t.Helper()
	m.mu.Lock()
	defer m.mu.Unlock()
	for appID, a := range m.apps {
		for name, r := range a.rooms {
			if len(r.members) == 0 {
				t.Fatalf("app %d keeps the empty room %s", appID, name)
			}
			for _, mb := range r.members {
				if mb.s.rooms[name] != r || m.sessions[mb.s.id] != mb.s {
					t.Fatalf("room %s lists a member that is not in it", name)
				}
			}
		}
		for uid, s := range a.users {
			if s.userID != uid || len(s.rooms) == 0 || m.sessions[s.id] != s {
				t.Fatalf("user %s maps to a session that does not hold it", uid)
			}
		}
		for sid, st := range a.streams {
			if st.owner.pubs[sid] != st || st.room.streams[sid] != st || st.room.members[st.owner.id] == nil {
				t.Fatalf("stream %s is not where its owner and room say", sid)
			}
			if m.pubs[st.pub.ID] != st {
				t.Fatalf("stream %s is missing from the publication index", sid)
			}
		}
	}
	for id, st := range m.pubs {
		if st.owner.app.streams[st.pub.StreamID] != st {
			t.Fatalf("publication %d outlived its stream", id)
		}
	}
}
