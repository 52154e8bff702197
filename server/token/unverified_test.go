package token

import (
	"testing"

	"github.com/parley-rtc/parley/server/protocol"
)

// The app ID of a token is readable before its secret is known; garbage
// and a token without one are ROOM_AUTH_FAILED, as Verify answers them.
func TestAppIDUnverified(t *testing.T) {
	tok := mint(t, Claims{AppID: 7, UserID: "u", ExpiresAt: now.Add(-1)}) // expired: still readable
	if id, err := AppIDUnverified(tok); err != nil || id != 7 {
		t.Fatalf("got app %d, %v; want 7", id, err)
	}
	for _, bad := range []string{"", "not-a-token", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.sig"} {
		_, err := AppIDUnverified(bad)
		wantCode(t, err, protocol.ErrRoomAuthFailed)
	}
}
