package config

import (
	"fmt"

	"github.com/parley-rtc/parley/server/protocol"
)

// Limits bound what one client can take from a server (docs/security.md).
// A field left 0 in the config file takes its default; every limit is on,
// there is no "unlimited".
type Limits struct {
	// MaxRoomMembers caps every room's member count, whatever
	// max_member_count its first member asked for (ROOM_USER_LIMIT).
	MaxRoomMembers int `json:"max_room_members"`
	// RoomsPerSession is how many rooms one connection (engine) may be
	// logged in to at once (ROOM_COUNT_EXCEEDED).
	RoomsPerSession int `json:"rooms_per_session"`
	// StreamsPerSession is how many streams one connection may publish at
	// once (PUBLISH_STREAM_LIMIT).
	StreamsPerSession int `json:"streams_per_session"`
	// MessageBytes is the largest signaling message the server reads
	// (MESSAGE_TOO_LARGE, then the connection is closed); at most the
	// protocol's 64 KiB.
	MessageBytes int `json:"message_bytes"`
	// MessagesPerSecond and MessageBurst rate-limit each connection's
	// messages with a token bucket (RATE_LIMITED).
	MessagesPerSecond int `json:"messages_per_second"`
	MessageBurst      int `json:"message_burst"`
	// LoginsPerIPPerSecond and LoginBurst rate-limit the auth and login
	// attempts of one IP address (LOGIN_RATE_LIMITED).
	LoginsPerIPPerSecond int `json:"logins_per_ip_per_second"`
	LoginBurst           int `json:"login_burst"`
	// ConnectionsPerIP caps the open signaling connections of one IP
	// address (CONNECTION_LIMIT, an HTTP 429 before the upgrade).
	ConnectionsPerIP int `json:"connections_per_ip"`
}

// DefaultLimits are the limits a server runs with unless its config says
// otherwise: generous for a game (a lobby of 500, a player in a few rooms
// with a camera and a game view each), tight enough that one client cannot
// exhaust the server.
func DefaultLimits() Limits {
	return Limits{
		MaxRoomMembers:       500,
		RoomsPerSession:      8,
		StreamsPerSession:    8,
		MessageBytes:         protocol.MaxMessageBytes,
		MessagesPerSecond:    50,
		MessageBurst:         100,
		LoginsPerIPPerSecond: 20,
		LoginBurst:           50,
		ConnectionsPerIP:     64,
	}
}

// WithDefaults returns l with every 0 field set to its default.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&l.MaxRoomMembers, d.MaxRoomMembers)
	fill(&l.RoomsPerSession, d.RoomsPerSession)
	fill(&l.StreamsPerSession, d.StreamsPerSession)
	fill(&l.MessageBytes, d.MessageBytes)
	fill(&l.MessagesPerSecond, d.MessagesPerSecond)
	fill(&l.MessageBurst, d.MessageBurst)
	fill(&l.LoginsPerIPPerSecond, d.LoginsPerIPPerSecond)
	fill(&l.LoginBurst, d.LoginBurst)
	fill(&l.ConnectionsPerIP, d.ConnectionsPerIP)
	return l
}

// MinMessageBytes is the smallest message_bytes a server accepts: a login
// with the longest IDs, name, token and extra info, and an SDP, must fit.
const MinMessageBytes = 16 << 10

// Validate checks the limits after defaults were filled.
func (l Limits) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{
		{"max_room_members", l.MaxRoomMembers}, {"rooms_per_session", l.RoomsPerSession},
		{"streams_per_session", l.StreamsPerSession}, {"messages_per_second", l.MessagesPerSecond},
		{"message_burst", l.MessageBurst}, {"logins_per_ip_per_second", l.LoginsPerIPPerSecond},
		{"login_burst", l.LoginBurst}, {"connections_per_ip", l.ConnectionsPerIP},
	} {
		if f.v < 1 {
			return invalid(fmt.Sprintf("limits.%s %d: want at least 1", f.name, f.v))
		}
	}
	if l.MessageBytes < MinMessageBytes || l.MessageBytes > protocol.MaxMessageBytes {
		return invalid(fmt.Sprintf("limits.message_bytes %d: want %d-%d", l.MessageBytes, MinMessageBytes, protocol.MaxMessageBytes))
	}
	return nil
}
