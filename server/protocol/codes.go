// Package protocol defines Parley's signaling protocol: message types, the
// error codes every layer reports, identifier rules and the app-sign
// challenge. The server and the engine both build on it, so the wire and the
// C ABI cannot drift apart. docs/protocol.md describes the same thing for
// people.
package protocol

// Code is a Parley error code. The numeric values are part of the C ABI
// (include/parley.h) and of the wire protocol; they never change and are never
// reused.
type Code int32

// The code list. Keep it in the same order and with the same values as the
// PARLEY_ERROR_LIST X-macro in include/parley.h; a test compares the two.
const (
	OK Code = 0

	ErrEngineNotCreated   Code = 1000001
	ErrInvalidArgument    Code = 1000002
	ErrInvalidHandle      Code = 1000003
	ErrInvalidStructSize  Code = 1000004
	ErrInvalidAppSign     Code = 1000005
	ErrInvalidRoomID      Code = 1000006
	ErrInvalidUserID      Code = 1000007
	ErrInvalidStreamID    Code = 1000008
	ErrNotLoggedIn        Code = 1000009
	ErrInternal           Code = 1000010
	ErrBufferTooSmall     Code = 1000011
	ErrInvalidUserName    Code = 1000012
	ErrViewInUse          Code = 1000013
	ErrProtocol           Code = 1000014
	ErrInvalidChannel     Code = 1000015
	ErrInvalidExtraInfo   Code = 1000016
	ErrEngineDestroyed    Code = 1000017
	ErrInvalidServerURL   Code = 1000018
	ErrUnsupportedVersion Code = 1000019
	ErrMessageTooLarge    Code = 1000020
	ErrRateLimited        Code = 1000021

	ErrRoomCountExceeded   Code = 1002001
	ErrRoomAlreadyLoggedIn Code = 1002002
	ErrRoomUserIDMismatch  Code = 1002003
	ErrRoomNetwork         Code = 1002030
	ErrRoomAuthFailed      Code = 1002033
	ErrRoomUserLimit       Code = 1002034
	ErrLoginRateLimited    Code = 1002035
	ErrConnectionLimit     Code = 1002036
	ErrRoomKickedOut       Code = 1002050
	ErrRoomTokenInvalid    Code = 1002067
	ErrRoomTokenExpired    Code = 1002078

	ErrPublishAlreadyPublishing Code = 1003002
	ErrPublishNoPrivilege       Code = 1003023
	ErrPublishNetwork           Code = 1003025
	ErrPublishStreamIDInUse     Code = 1003028
	ErrPublishStreamLimit       Code = 1003030
	ErrPublishSDPInvalid        Code = 1003040

	ErrPlayNoPrivilege    Code = 1004023
	ErrPlayStreamNotFound Code = 1004025
	ErrPlayNetwork        Code = 1004030
	ErrPlaySDPInvalid     Code = 1004040

	ErrDeviceNotFound          Code = 1005001
	ErrCodecUnsupported        Code = 1005002
	ErrCustomCaptureNotEnabled Code = 1005003

	ErrServerListenFailed  Code = 1006001
	ErrServerConfigInvalid Code = 1006002
)

type codeInfo struct {
	name    string
	message string
}

var codeTable = map[Code]codeInfo{
	OK:                    {"PARLEY_OK", "success"},
	ErrEngineNotCreated:   {"PARLEY_ERR_ENGINE_NOT_CREATED", "the engine has not been created"},
	ErrInvalidArgument:    {"PARLEY_ERR_INVALID_ARGUMENT", "an argument is NULL, out of range or malformed"},
	ErrInvalidHandle:      {"PARLEY_ERR_INVALID_HANDLE", "the handle is NULL, destroyed or not one of this library's"},
	ErrInvalidStructSize:  {"PARLEY_ERR_INVALID_STRUCT_SIZE", "struct_size is smaller than the first version of the struct"},
	ErrInvalidAppSign:     {"PARLEY_ERR_INVALID_APP_SIGN", "the app sign must be 64 hex digits"},
	ErrInvalidRoomID:      {"PARLEY_ERR_INVALID_ROOM_ID", "room IDs are 1-128 bytes of A-Z a-z 0-9 - _ . ~"},
	ErrInvalidUserID:      {"PARLEY_ERR_INVALID_USER_ID", "user IDs are 1-64 bytes of A-Z a-z 0-9 - _ . ~"},
	ErrInvalidStreamID:    {"PARLEY_ERR_INVALID_STREAM_ID", "stream IDs are 1-256 bytes of A-Z a-z 0-9 - _ . ~"},
	ErrNotLoggedIn:        {"PARLEY_ERR_NOT_LOGGED_IN", "log in to a room first"},
	ErrInternal:           {"PARLEY_ERR_INTERNAL", "internal error (a bug in Parley; see on_debug_error)"},
	ErrBufferTooSmall:     {"PARLEY_ERR_BUFFER_TOO_SMALL", "the buffer is too small for the result"},
	ErrInvalidUserName:    {"PARLEY_ERR_INVALID_USER_NAME", "user names are 0-256 bytes of UTF-8"},
	ErrViewInUse:          {"PARLEY_ERR_VIEW_IN_USE", "the view is already attached to a preview or player"},
	ErrProtocol:           {"PARLEY_ERR_PROTOCOL", "malformed or out-of-order signaling message"},
	ErrInvalidChannel:     {"PARLEY_ERR_INVALID_CHANNEL", "the publish channel is not MAIN or AUX"},
	ErrInvalidExtraInfo:   {"PARLEY_ERR_INVALID_EXTRA_INFO", "extra info is at most 1024 bytes of UTF-8"},
	ErrEngineDestroyed:    {"PARLEY_ERR_ENGINE_DESTROYED", "the engine is being destroyed"},
	ErrInvalidServerURL:   {"PARLEY_ERR_INVALID_SERVER_URL", "the server URL must be ws:// or wss://"},
	ErrUnsupportedVersion: {"PARLEY_ERR_UNSUPPORTED_VERSION", "the peer speaks an unsupported protocol version"},
	ErrMessageTooLarge:    {"PARLEY_ERR_MESSAGE_TOO_LARGE", "a signaling message exceeds the server's size limit"},
	ErrRateLimited:        {"PARLEY_ERR_RATE_LIMITED", "too many signaling requests; slow down"},

	ErrRoomCountExceeded:   {"PARLEY_ERR_ROOM_COUNT_EXCEEDED", "too many rooms logged in at once"},
	ErrRoomAlreadyLoggedIn: {"PARLEY_ERR_ROOM_ALREADY_LOGGED_IN", "this engine is already logged in to that room"},
	ErrRoomUserIDMismatch:  {"PARLEY_ERR_ROOM_USER_ID_MISMATCH", "an engine logs in to all its rooms with one user ID"},
	ErrRoomNetwork:         {"PARLEY_ERR_ROOM_NETWORK", "cannot reach the server or the connection was lost"},
	ErrRoomAuthFailed:      {"PARLEY_ERR_ROOM_AUTH_FAILED", "authentication failed: wrong app ID or app sign"},
	ErrRoomUserLimit:       {"PARLEY_ERR_ROOM_USER_LIMIT", "the room is full"},
	ErrLoginRateLimited:    {"PARLEY_ERR_LOGIN_RATE_LIMITED", "too many login attempts from this address"},
	ErrConnectionLimit:     {"PARLEY_ERR_CONNECTION_LIMIT", "too many connections from this address"},
	ErrRoomKickedOut:       {"PARLEY_ERR_ROOM_KICKED_OUT", "the same user ID logged in elsewhere"},
	ErrRoomTokenInvalid:    {"PARLEY_ERR_ROOM_TOKEN_INVALID", "the token is malformed or for another room or user"},
	ErrRoomTokenExpired:    {"PARLEY_ERR_ROOM_TOKEN_EXPIRED", "the token has expired"},

	ErrPublishAlreadyPublishing: {"PARLEY_ERR_PUBLISH_ALREADY_PUBLISHING", "this channel is already publishing"},
	ErrPublishNoPrivilege:       {"PARLEY_ERR_PUBLISH_NO_PRIVILEGE", "no privilege to publish this stream"},
	ErrPublishNetwork:           {"PARLEY_ERR_PUBLISH_NETWORK", "the media connection for publishing failed"},
	ErrPublishStreamIDInUse:     {"PARLEY_ERR_PUBLISH_STREAM_ID_IN_USE", "another user publishes this stream ID"},
	ErrPublishStreamLimit:       {"PARLEY_ERR_PUBLISH_STREAM_LIMIT", "this user publishes too many streams"},
	ErrPublishSDPInvalid:        {"PARLEY_ERR_PUBLISH_SDP_INVALID", "the publish offer is not a valid session description"},

	ErrPlayNoPrivilege:    {"PARLEY_ERR_PLAY_NO_PRIVILEGE", "no privilege to play this stream"},
	ErrPlayStreamNotFound: {"PARLEY_ERR_PLAY_STREAM_NOT_FOUND", "nobody publishes this stream ID"},
	ErrPlayNetwork:        {"PARLEY_ERR_PLAY_NETWORK", "the media connection for playing failed"},
	ErrPlaySDPInvalid:     {"PARLEY_ERR_PLAY_SDP_INVALID", "the play offer is not a valid session description"},

	ErrDeviceNotFound:          {"PARLEY_ERR_DEVICE_NOT_FOUND", "no such capture or playback device"},
	ErrCodecUnsupported:        {"PARLEY_ERR_CODEC_UNSUPPORTED", "the codec is not supported by this build"},
	ErrCustomCaptureNotEnabled: {"PARLEY_ERR_CUSTOM_CAPTURE_NOT_ENABLED", "set the source to CUSTOM before sending custom frames"},

	ErrServerListenFailed:  {"PARLEY_ERR_SERVER_LISTEN_FAILED", "the server could not listen on its address"},
	ErrServerConfigInvalid: {"PARLEY_ERR_SERVER_CONFIG_INVALID", "the server configuration is invalid"},
}

// Name returns the C name of the code, such as "PARLEY_ERR_INVALID_ROOM_ID",
// or "PARLEY_ERR_UNKNOWN" for a value Parley never assigned.
func (c Code) Name() string {
	if i, ok := codeTable[c]; ok {
		return i.name
	}
	return "PARLEY_ERR_UNKNOWN"
}

// Message returns a one-line English description of the code.
func (c Code) Message() string {
	if i, ok := codeTable[c]; ok {
		return i.message
	}
	return "unknown error code"
}

// Codes returns every assigned code (for tests and documentation).
func Codes() []Code {
	out := make([]Code, 0, len(codeTable))
	for c := range codeTable {
		out = append(out, c)
	}
	return out
}

// Error is an error that carries the Parley code a caller will see.
type Error struct {
	Code   Code
	Detail string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Code.Name() + ": " + e.Code.Message()
	}
	return e.Code.Name() + ": " + e.Detail
}

// Errorf makes an *Error with a detail message.
func Errorf(c Code, detail string) *Error { return &Error{Code: c, Detail: detail} }

// CodeOf returns the code carried by err, OK for nil, ErrInternal for errors
// that carry none.
func CodeOf(err error) Code {
	if err == nil {
		return OK
	}
	var pe *Error
	if asError(err, &pe) {
		return pe.Code
	}
	return ErrInternal
}
