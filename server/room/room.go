// Package room keeps who is where: the rooms, users, streams and plays of each
// app ID, and the events those changes produce. It knows nothing about
// networks or media: the signaling layer calls it and applies the returned
// Changes to the media layer. The state sits behind the Directory interface so
// a Redis-backed directory can replace the in-memory one when parleyd runs as
// a cluster.
package room

import "github.com/parley-rtc/parley/server/protocol"

// SessionID names one signaling connection (one engine) inside a server.
type SessionID uint64

// PublicationID names one publish of a stream. A stream ID can be published
// again after it ended; each publish gets a fresh PublicationID, so the media
// layer never confuses the old publication with the new one.
type PublicationID uint64

// Event is one server→client message produced by a change: Type is one of
// protocol.TypeUserUpdate, TypeStreamUpdate, TypeKicked, TypePlayStopped and
// Data the matching protocol struct (protocol.UserUpdate, ...). Data is never
// modified after delivery, so one value may go to many sinks.
type Event struct {
	Type string
	Data any
}

// Sink receives the events of one session. Deliver is called with the
// directory's lock held, in the order the changes happened: it must not block
// and must not call back into the Directory (queue the event and return).
type Sink interface {
	Deliver(Event)
}

// Publication describes one publish request.
type Publication struct {
	ID         PublicationID
	RoomID     string
	StreamID   string
	ExtraInfo  string
	VideoState protocol.DeviceState
	AudioState protocol.DeviceState
}

// PlayRef is one session playing one publication.
type PlayRef struct {
	Session     SessionID
	Publication PublicationID
	StreamID    string
}

// Changes lists what the media layer must tear down after a call. Ending a
// publication ends all its plays too, so EndedPlays only lists plays whose
// publication goes on.
type Changes struct {
	EndedPublications []Publication
	EndedPlays        []PlayRef
}

// Empty reports whether there is nothing to tear down.
func (c Changes) Empty() bool { return len(c.EndedPublications) == 0 && len(c.EndedPlays) == 0 }

// Directory is the room state of a server (or of a cluster). All methods are
// safe for concurrent use. Methods that take a reply function call it, on
// success only, before any event produced by a later change reaches the
// session's sink: a client therefore always sees its response before the
// events that follow it (a login snapshot is never overtaken by an update).
type Directory interface {
	// Connect registers a session of an app. Events for it go to sink.
	Connect(app uint32, s SessionID, sink Sink)
	// Disconnect ends a session: it leaves every room (its streams end) and
	// stops every play.
	Disconnect(s SessionID) Changes
	// SetSink gives a session's events to another sink: nil drops them
	// while the session has no connection (its grace period), a new
	// connection takes the session over. False if the session is unknown.
	SetSink(s SessionID, sink Sink) bool
	// Rejoin answers a login to a room the session is already in, after its
	// connection was taken over: reply gets the snapshot with Resumed set.
	// Errors: ErrNotLoggedIn when the session is not in the room.
	Rejoin(s SessionID, roomID string, reply func(protocol.LoginOK)) error

	// Login puts the session into a room, creating the room on first login
	// (with req.MaxMemberCount; 0 = unlimited). reply gets the snapshot: the
	// other users and every stream of the room. A user ID is logged in on one
	// session per app: a session that held it is kicked out of all its rooms.
	// Errors: ErrRoomAlreadyLoggedIn, ErrRoomUserIDMismatch, ErrRoomUserLimit.
	Login(s SessionID, req protocol.Login, reply func(protocol.LoginOK)) (Changes, error)
	// Logout leaves a room (no-op when not in it). Leaving the last room
	// also stops the session's plays and frees its user ID.
	Logout(s SessionID, roomID string) Changes

	// CheckPublish tells whether Publish would succeed now, so the caller
	// can refuse before setting up media. Errors: ErrNotLoggedIn,
	// ErrPublishAlreadyPublishing, ErrPublishStreamIDInUse.
	CheckPublish(s SessionID, roomID, streamID string) error
	// Publish records a stream once its media is ready and tells the rest
	// of the room. Same errors as CheckPublish (a race may have changed the
	// answer).
	Publish(s SessionID, p Publication, reply func()) error
	// SetStreamState records a stream's camera and microphone state and tells
	// the room (but the publisher) and the stream's players. Errors:
	// ErrInvalidStreamID when the session does not publish streamID.
	SetStreamState(s SessionID, st protocol.StreamState, reply func()) error
	// Unpublish ends a stream of this session (no-op when not publishing it).
	Unpublish(s SessionID, streamID string) Changes

	// Stream finds the publication a play would attach to. Errors:
	// ErrNotLoggedIn (the session is in no room), ErrPlayStreamNotFound.
	Stream(s SessionID, streamID string) (PublicationID, error)
	// Play records that the session plays a publication (found with Stream;
	// ErrPlayStreamNotFound if it has ended since). When the stream ends the
	// session gets a play_stopped event.
	Play(s SessionID, streamID string, pub PublicationID, reply func()) error
	// StopPlay forgets a play (no-op when not playing).
	StopPlay(s SessionID, streamID string) Changes
	// Media finds the publication behind one of the session's own
	// publications (play false) or plays (play true), for an ICE restart.
	// Errors: ErrInvalidStreamID (no such publication), ErrPlayStreamNotFound
	// (no such play).
	Media(s SessionID, streamID string, play bool) (PublicationID, error)

	// EndPublication ends a publication whose media is gone (its
	// connection failed, or the client closed it without unpublishing), if
	// it is still live: the room and the players hear of it as of an
	// unpublish, and the publisher gets publish_stopped with code.
	EndPublication(pub PublicationID, code protocol.Code) Changes
	// EndPlay ends the session's play of pub whose media is gone, if the
	// session still plays it, and tells it play_stopped with code.
	EndPlay(s SessionID, pub PublicationID, code protocol.Code) Changes

	// Counts tells how much the directory holds now, for metrics.
	Counts() Counts
}

// Counts is the size of a directory at one moment: connected sessions, rooms
// with at least one member, and live publications, over every app.
type Counts struct {
	Sessions, Rooms, Publications int
	Participants                  int // room memberships: a session in three rooms counts three times
}
