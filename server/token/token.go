// Package token mints and verifies Parley room tokens: JWTs signed with
// HS256 and an app's server_secret. An app backend mints a token for one
// user (optionally one room, optionally a stream-ID allowlist) and hands it
// to its client, which logs in with it instead of holding the app sign.
// docs/protocol.md describes the claims on the wire.
package token

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/parley-rtc/parley/server/protocol"
)

// Privileges say what a token's holder may do.
type Privileges struct {
	LoginRoom     bool `json:"login_room"`
	PublishStream bool `json:"publish_stream"`
}

// Claims are what a token grants.
type Claims struct {
	AppID      uint32
	UserID     string
	RoomID     string // "" = any room
	Privileges Privileges
	StreamIDs  []string // publish allowlist; empty = any stream ID
	ExpiresAt  time.Time
}

// MayPublish reports whether the claims allow publishing streamID.
func (c Claims) MayPublish(streamID string) bool {
	if !c.Privileges.PublishStream {
		return false
	}
	if len(c.StreamIDs) == 0 {
		return true
	}
	for _, s := range c.StreamIDs {
		if s == streamID {
			return true
		}
	}
	return false
}

// jwtClaims is the JSON form: registered claims plus Parley's.
type jwtClaims struct {
	AppID      uint32     `json:"app_id"`
	UserID     string     `json:"user_id"`
	RoomID     string     `json:"room_id,omitempty"`
	Privileges Privileges `json:"privileges"`
	StreamIDs  []string   `json:"stream_ids,omitempty"`
	jwt.RegisteredClaims
}

// Mint signs claims with secret. The user ID (and room and stream IDs when
// given) must follow the identifier rules, and ExpiresAt must be set.
func Mint(secret string, c Claims) (string, error) {
	if secret == "" {
		return "", errors.New("token: empty secret")
	}
	if c.AppID == 0 {
		return "", errors.New("token: app ID must be non-zero")
	}
	if err := protocol.CheckUserID(c.UserID); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	if c.RoomID != "" {
		if err := protocol.CheckRoomID(c.RoomID); err != nil {
			return "", fmt.Errorf("token: %w", err)
		}
	}
	for _, s := range c.StreamIDs {
		if err := protocol.CheckStreamID(s); err != nil {
			return "", fmt.Errorf("token: %w", err)
		}
	}
	if c.ExpiresAt.IsZero() {
		return "", errors.New("token: expiry required")
	}
	jc := jwtClaims{AppID: c.AppID, UserID: c.UserID, RoomID: c.RoomID, Privileges: c.Privileges,
		StreamIDs: c.StreamIDs, RegisteredClaims: jwt.RegisteredClaims{
			Subject:   c.UserID,
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			IssuedAt:  jwt.NewNumericDate(time.Now()),
		}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jc).SignedString([]byte(secret))
}

// Verify checks a token's signature (HS256 only) and expiry at now and
// returns its claims. A malformed token or a bad signature is
// protocol.ErrRoomAuthFailed; an expired one protocol.ErrRoomTokenExpired;
// a well-signed token whose claims are unusable (no user ID, no expiry)
// protocol.ErrRoomTokenInvalid.
func Verify(secret, tok string, now time.Time) (Claims, error) {
	var jc jwtClaims
	_, err := jwt.ParseWithClaims(tok, &jc, func(*jwt.Token) (any, error) { return []byte(secret), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithTimeFunc(func() time.Time { return now }),
		jwt.WithExpirationRequired())
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return Claims{}, protocol.Errorf(protocol.ErrRoomTokenExpired, "token expired")
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing), errors.Is(err, jwt.ErrTokenInvalidClaims):
		return Claims{}, protocol.Errorf(protocol.ErrRoomTokenInvalid, "token claims invalid")
	default:
		return Claims{}, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed")
	}
	if protocol.CheckUserID(jc.UserID) != nil || (jc.RoomID != "" && protocol.CheckRoomID(jc.RoomID) != nil) {
		return Claims{}, protocol.Errorf(protocol.ErrRoomTokenInvalid, "token user or room ID invalid")
	}
	return Claims{AppID: jc.AppID, UserID: jc.UserID, RoomID: jc.RoomID, Privileges: jc.Privileges,
		StreamIDs: jc.StreamIDs, ExpiresAt: jc.ExpiresAt.Time}, nil
}

// String is for logs: never the token itself.
func (c Claims) String() string {
	return "app " + strconv.FormatUint(uint64(c.AppID), 10) + " user " + c.UserID
}

// ExpiryUnverified reads a token's expiry without checking its signature:
// for clients, which do not hold the secret, to know when to renew. Never
// base an access decision on it.
func ExpiryUnverified(tok string) (time.Time, error) {
	var rc jwt.RegisteredClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &rc); err != nil {
		return time.Time{}, protocol.Errorf(protocol.ErrRoomTokenInvalid, "token malformed")
	}
	if rc.ExpiresAt == nil {
		return time.Time{}, protocol.Errorf(protocol.ErrRoomTokenInvalid, "token has no expiry")
	}
	return rc.ExpiresAt.Time, nil
}

// AppIDUnverified reads a token's app ID without checking its signature: for
// a server that serves several apps and is handed a bare token (WHIP, WHEP),
// to pick the secret to Verify it with. Never base an access decision on it.
func AppIDUnverified(tok string) (uint32, error) {
	var jc jwtClaims
	if _, _, err := jwt.NewParser().ParseUnverified(tok, &jc); err != nil || jc.AppID == 0 {
		return 0, protocol.Errorf(protocol.ErrRoomAuthFailed, "authentication failed")
	}
	return jc.AppID, nil
}
