package protocol

import "unicode/utf8"

// Identifier limits, enforced by the engine before anything is sent and by
// the server again on receipt.
const (
	MaxRoomIDLen    = 128
	MaxUserIDLen    = 64
	MaxStreamIDLen  = 256
	MaxUserNameLen  = 256
	MaxExtraInfoLen = 1024
)

// validID reports whether s is 1..max bytes of the URL-unreserved alphabet of
// RFC 3986: ASCII letters, digits and - _ . ~.
func validID(s string, max int) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
		default:
			return false
		}
	}
	return true
}

// CheckRoomID returns nil or an *Error with ErrInvalidRoomID.
func CheckRoomID(s string) error {
	if !validID(s, MaxRoomIDLen) {
		return Errorf(ErrInvalidRoomID, "invalid room ID "+quoteShort(s))
	}
	return nil
}

// CheckUserID returns nil or an *Error with ErrInvalidUserID.
func CheckUserID(s string) error {
	if !validID(s, MaxUserIDLen) {
		return Errorf(ErrInvalidUserID, "invalid user ID "+quoteShort(s))
	}
	return nil
}

// CheckStreamID returns nil or an *Error with ErrInvalidStreamID.
func CheckStreamID(s string) error {
	if !validID(s, MaxStreamIDLen) {
		return Errorf(ErrInvalidStreamID, "invalid stream ID "+quoteShort(s))
	}
	return nil
}

// CheckUserName returns nil or an *Error with ErrInvalidUserName.
func CheckUserName(s string) error {
	if len(s) > MaxUserNameLen || !utf8.ValidString(s) {
		return Errorf(ErrInvalidUserName, "user name must be 0-256 bytes of UTF-8")
	}
	return nil
}

// CheckExtraInfo returns nil or an *Error with ErrInvalidExtraInfo.
func CheckExtraInfo(s string) error {
	if len(s) > MaxExtraInfoLen || !utf8.ValidString(s) {
		return Errorf(ErrInvalidExtraInfo, "extra info must be 0-1024 bytes of UTF-8")
	}
	return nil
}

func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	if !utf8.ValidString(s) {
		return "(not UTF-8)"
	}
	return "\"" + s + "\""
}
