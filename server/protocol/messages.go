package protocol

import (
	"encoding/json"
	"errors"
)

// Version is the signaling protocol version spoken by this build. A hello
// with another version is answered with ErrUnsupportedVersion.
const Version = 1

// Limits of the wire format.
const (
	MaxMessageBytes = 64 << 10 // one websocket message, SDP included
	MaxSDPBytes     = 32 << 10
)

// Message types. Requests go from client to server and carry an ID; the
// server answers each with exactly one TypeResponse or TypeError carrying the
// same ID. Events go from server to client and carry no ID.
const (
	// handshake
	TypeHello     = "hello"     // client → server: Hello
	TypeChallenge = "challenge" // server → client: Challenge
	TypeAuth      = "auth"      // client → server request: Auth → AuthOK

	// requests (client → server)
	TypeLogin     = "login"     // Login → LoginOK
	TypeLogout    = "logout"    // Logout → (empty)
	TypePublish   = "publish"   // Publish → SDPAnswer
	TypeUnpublish = "unpublish" // Unpublish → (empty)
	TypePlay      = "play"      // Play → SDPAnswer
	TypeStopPlay  = "stop_play" // StopPlay → (empty)
	// StreamState → (empty): the publisher's camera or microphone changed.
	TypeStreamState = "stream_state"
	// RenewToken → (empty): a fresh token for a room of a token session.
	TypeRenewToken = "renew_token"
	// RestartICE → SDPAnswer: new ICE credentials and candidates for a
	// publication's or a play's media connection whose path changed.
	TypeRestartICE = "restart_ice"

	// answers (server → client)
	TypeResponse = "response" // Data depends on the request
	TypeError    = "error"    // ErrorBody; ID 0 for errors not tied to a request

	// events (server → client)
	TypeUserUpdate   = "user_update"   // UserUpdate
	TypeStreamUpdate = "stream_update" // StreamUpdate
	TypeKicked       = "kicked"        // Kicked
	TypePlayStopped  = "play_stopped"  // PlayStopped
	// StreamStateUpdate: a stream's camera or microphone state changed.
	TypeStreamStateUpdate = "stream_state_update"

	// TypePublishStopped tells a publisher the server ended one of its
	// streams without being asked: its media connection failed or was
	// closed by the client. The stream ID is free to publish again.
	TypePublishStopped = "publish_stopped" // PublishStopped
)

// Envelope is one websocket text message.
type Envelope struct {
	Type string          `json:"type"`
	ID   uint64          `json:"id,omitempty"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Hello opens a connection.
type Hello struct {
	Version int    `json:"version"`
	AppID   uint32 `json:"app_id"`
	SDK     string `json:"sdk,omitempty"`
}

// Challenge carries the server's one-time nonce (base64, 32 random bytes).
type Challenge struct {
	Version int    `json:"version"`
	Nonce   string `json:"nonce"`
}

// Auth answers the challenge: Signature is AppSignature(appSign, appID,
// nonce), or, for an app that logs in with tokens, Token is a room token
// (server/token) signed with the app's server_secret. Exactly one is set.
type Auth struct {
	Signature string `json:"signature,omitempty"`
	Token     string `json:"token,omitempty"`
	// Resume is the session ID an earlier connection of this client got:
	// the new connection takes that session over (its rooms, streams and
	// plays) if the server still holds it. A secret: never logged.
	Resume string `json:"resume,omitempty"`
}

// AuthOK accepts the connection.
type AuthOK struct {
	SessionID string `json:"session_id"`
}

// User is a room member.
type User struct {
	UserID   string `json:"user_id"`
	UserName string `json:"user_name,omitempty"`
}

// Stream is a published stream.
type Stream struct {
	UserID     string      `json:"user_id"`
	UserName   string      `json:"user_name,omitempty"`
	StreamID   string      `json:"stream_id"`
	ExtraInfo  string      `json:"extra_info,omitempty"`
	VideoState DeviceState `json:"video_state,omitempty"`
	AudioState DeviceState `json:"audio_state,omitempty"`
}

// DeviceState is the state of a publisher's camera or microphone as remote
// users see it (parley_remote_device_state; the values are the seed SDK
// family's).
type DeviceState int32

const (
	DeviceOpen    DeviceState = 0
	DeviceDisable DeviceState = 9  // turned off (enable_camera(0))
	DeviceMute    DeviceState = 10 // on, but not sent (mute_publish_stream_*, mute_microphone)
)

// Valid reports whether s is one of the states a publisher may announce.
func (s DeviceState) Valid() bool { return s == DeviceOpen || s == DeviceDisable || s == DeviceMute }

// StreamState announces the publisher's current camera and microphone state.
type StreamState struct {
	StreamID   string      `json:"stream_id"`
	VideoState DeviceState `json:"video_state"`
	AudioState DeviceState `json:"audio_state"`
}

// StreamStateUpdate reaches the room (but the publisher) and the stream's
// players when its camera or microphone state changes.
type StreamStateUpdate struct {
	RoomID     string      `json:"room_id"`
	StreamID   string      `json:"stream_id"`
	UserID     string      `json:"user_id"`
	VideoState DeviceState `json:"video_state"`
	AudioState DeviceState `json:"audio_state"`
}

// Login enters a room, creating it if it does not exist.
type Login struct {
	RoomID           string `json:"room_id"`
	UserID           string `json:"user_id"`
	UserName         string `json:"user_name,omitempty"`
	UserStatusNotify bool   `json:"user_status_notify,omitempty"`
	MaxMemberCount   uint32 `json:"max_member_count,omitempty"`
	// Token, on a connection authenticated with a token, replaces the
	// auth's token for this room (another room's token on one connection).
	Token string `json:"token,omitempty"`
}

// RenewToken replaces the token a room was logged in with.
type RenewToken struct {
	RoomID string `json:"room_id"`
	Token  string `json:"token"`
}

// LoginOK is the room snapshot: everyone else in it and every stream.
type LoginOK struct {
	Users   []User   `json:"users"`
	Streams []Stream `json:"streams"`
	// Resumed is set when the login took over the same user's session that
	// lost its connection less than the grace period ago: its rooms,
	// streams and plays are still there (docs/protocol.md, Reconnection).
	Resumed bool `json:"resumed,omitempty"`
}

// Logout leaves a room; the user's streams in it end.
type Logout struct {
	RoomID string `json:"room_id"`
}

// Publish offers a sendonly PeerConnection (one video and one audio m-line,
// ICE candidates gathered into the SDP) for StreamID in RoomID.
type Publish struct {
	RoomID     string      `json:"room_id"`
	StreamID   string      `json:"stream_id"`
	ExtraInfo  string      `json:"extra_info,omitempty"`
	SDP        string      `json:"sdp"`
	VideoState DeviceState `json:"video_state,omitempty"` // the state at publish time
	AudioState DeviceState `json:"audio_state,omitempty"`
}

// SDPAnswer answers Publish and Play.
type SDPAnswer struct {
	SDP string `json:"sdp"`
}

// Unpublish stops a stream this connection publishes.
type Unpublish struct {
	StreamID string `json:"stream_id"`
}

// Play offers a recvonly PeerConnection for a published stream of the app.
type Play struct {
	StreamID string `json:"stream_id"`
	SDP      string `json:"sdp"`
}

// StopPlay ends a Play.
type StopPlay struct {
	StreamID string `json:"stream_id"`
}

// RestartICE renegotiates the media connection of one of the session's
// publications (Play false) or plays (Play true) with an offer that
// restarts ICE. The connection, its tracks and its encryption stay; only
// the network path is found again.
type RestartICE struct {
	StreamID string `json:"stream_id"`
	Play     bool   `json:"play,omitempty"`
	SDP      string `json:"sdp"`
}

// ErrorBody answers a failed request.
type ErrorBody struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
}

// UpdateType matches parley_update_type.
type UpdateType int32

const (
	UpdateAdd    UpdateType = 0
	UpdateDelete UpdateType = 1
)

// UserUpdate reaches members that logged in with UserStatusNotify.
type UserUpdate struct {
	RoomID     string     `json:"room_id"`
	UpdateType UpdateType `json:"update_type"`
	Users      []User     `json:"users"`
}

// StreamUpdate reaches every member of the room but the publisher.
type StreamUpdate struct {
	RoomID     string     `json:"room_id"`
	UpdateType UpdateType `json:"update_type"`
	Streams    []Stream   `json:"streams"`
}

// Kicked says the server removed this connection from a room.
type Kicked struct {
	RoomID  string `json:"room_id"`
	Code    Code   `json:"code"`
	Message string `json:"message,omitempty"`
}

// PlayStopped says a played stream ended (its publisher stopped or left;
// Code omitted), or that this play's own media connection failed or was
// closed by the client (Code ErrPlayNetwork).
type PlayStopped struct {
	StreamID string `json:"stream_id"`
	Code     Code   `json:"code,omitempty"`
}

// PublishStopped says a stream this connection published has ended on the
// server side; Code is ErrPublishNetwork when its media connection failed or
// was closed.
type PublishStopped struct {
	StreamID string `json:"stream_id"`
	Code     Code   `json:"code,omitempty"`
}

// Encode builds an envelope's bytes.
func Encode(typ string, id uint64, data any) ([]byte, error) {
	env := Envelope{Type: typ, ID: id}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return nil, err
		}
		env.Data = raw
	}
	return json.Marshal(env)
}

// ErrMalformed is returned by Decode for bytes that are not an envelope.
var ErrMalformed = errors.New("protocol: malformed message")

// Decode parses an envelope. Data is left raw for DecodeData.
func Decode(b []byte) (Envelope, error) {
	var env Envelope
	if len(b) > MaxMessageBytes {
		return env, Errorf(ErrProtocol, "message too large")
	}
	if err := json.Unmarshal(b, &env); err != nil || env.Type == "" {
		return env, Errorf(ErrProtocol, "malformed message")
	}
	return env, nil
}

// DecodeData parses an envelope's data into v.
func DecodeData(env Envelope, v any) error {
	if len(env.Data) == 0 {
		return Errorf(ErrProtocol, env.Type+": missing data")
	}
	if err := json.Unmarshal(env.Data, v); err != nil {
		return Errorf(ErrProtocol, env.Type+": malformed data")
	}
	return nil
}

func asError(err error, target **Error) bool { return errors.As(err, target) }
