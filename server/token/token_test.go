package token

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/parley-rtc/parley/server/protocol"
)

const secret = "a-test-server-secret-of-32-chars-or-more"

var now = time.Unix(1_800_000_000, 0)

func mint(t *testing.T, c Claims) string {
	t.Helper()
	tok, err := Mint(secret, c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func wantCode(t *testing.T, err error, code protocol.Code) {
	t.Helper()
	if got := protocol.CodeOf(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got.Name(), code.Name())
	}
}

func TestRoundTrip(t *testing.T) {
	in := Claims{AppID: 7, UserID: "alice", RoomID: "lobby", Privileges: Privileges{LoginRoom: true, PublishStream: true},
		StreamIDs: []string{"alice-main", "alice-aux"}, ExpiresAt: now.Add(10 * time.Minute)}
	out, err := Verify(secret, mint(t, in), now)
	if err != nil {
		t.Fatal(err)
	}
	if out.AppID != 7 || out.UserID != "alice" || out.RoomID != "lobby" || out.Privileges != in.Privileges ||
		len(out.StreamIDs) != 2 || !out.ExpiresAt.Equal(in.ExpiresAt) {
		t.Fatalf("claims %+v", out)
	}
	if !out.MayPublish("alice-aux") || out.MayPublish("bob-main") {
		t.Fatal("allowlist")
	}
	out.StreamIDs = nil
	if !out.MayPublish("anything") {
		t.Fatal("no allowlist = any stream")
	}
	out.Privileges.PublishStream = false
	if out.MayPublish("anything") {
		t.Fatal("no publish privilege")
	}
}

func TestExpired(t *testing.T) {
	tok := mint(t, Claims{AppID: 1, UserID: "u", Privileges: Privileges{LoginRoom: true}, ExpiresAt: now.Add(-time.Second)})
	_, err := Verify(secret, tok, now)
	wantCode(t, err, protocol.ErrRoomTokenExpired)
	if _, err := Verify(secret, tok, now.Add(-2*time.Second)); err != nil {
		t.Fatalf("before expiry: %v", err)
	}
	// An expired token with a bad signature is a bad signature.
	_, err = Verify("another-secret-another-secret-xxxx", tok, now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)
}

func TestWrongSecret(t *testing.T) {
	tok := mint(t, Claims{AppID: 1, UserID: "u", ExpiresAt: now.Add(time.Hour)})
	_, err := Verify("another-secret-another-secret-xxxx", tok, now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)
}

func TestTampered(t *testing.T) {
	tok := mint(t, Claims{AppID: 1, UserID: "alice", ExpiresAt: now.Add(time.Hour)})
	parts := strings.Split(tok, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(string(payload), `"alice"`, `"mallory"`, -1)
	forged = strings.Replace(forged, `"publish_stream":false`, `"publish_stream":true`, 1)
	parts[1] = base64.RawURLEncoding.EncodeToString([]byte(forged))
	_, err = Verify(secret, strings.Join(parts, "."), now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)

	// A flipped signature byte.
	sig := []byte(strings.Split(tok, ".")[2])
	sig[3] ^= 1
	if sig[3] == '.' {
		sig[3] = 'A'
	}
	_, err = Verify(secret, strings.Join(append(strings.Split(tok, ".")[:2], string(sig)), "."), now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)

	for _, bad := range []string{"", "x", "a.b.c", tok + "x", strings.Repeat("A", 5000)} {
		_, err = Verify(secret, bad, now)
		wantCode(t, err, protocol.ErrRoomAuthFailed)
	}
}

func TestAlgNoneAndOthersRejected(t *testing.T) {
	jc := jwtClaims{AppID: 1, UserID: "alice", Privileges: Privileges{LoginRoom: true, PublishStream: true},
		RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, jc).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Verify(secret, none, now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)

	hs512, err := jwt.NewWithClaims(jwt.SigningMethodHS512, jc).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Verify(secret, hs512, now)
	wantCode(t, err, protocol.ErrRoomAuthFailed)
}

func TestBadClaims(t *testing.T) {
	// Well signed, but no expiry or no usable user ID.
	for _, jc := range []jwtClaims{
		{AppID: 1, UserID: "alice"},
		{AppID: 1, UserID: "", RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}},
		{AppID: 1, UserID: "a b", RegisteredClaims: jwt.RegisteredClaims{ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}},
	} {
		tok, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jc).SignedString([]byte(secret))
		_, err := Verify(secret, tok, now)
		wantCode(t, err, protocol.ErrRoomTokenInvalid)
	}
}

func TestMintRefuses(t *testing.T) {
	exp := now.Add(time.Hour)
	for _, c := range []Claims{
		{AppID: 0, UserID: "u", ExpiresAt: exp},
		{AppID: 1, UserID: "", ExpiresAt: exp},
		{AppID: 1, UserID: "u", RoomID: "bad room", ExpiresAt: exp},
		{AppID: 1, UserID: "u", StreamIDs: []string{"bad/stream"}, ExpiresAt: exp},
		{AppID: 1, UserID: "u"},
	} {
		if _, err := Mint(secret, c); err == nil {
			t.Errorf("Mint(%+v) succeeded", c)
		}
	}
	if _, err := Mint("", Claims{AppID: 1, UserID: "u", ExpiresAt: exp}); err == nil {
		t.Error("empty secret")
	}
}

func TestExpiryUnverified(t *testing.T) {
	exp := now.Add(90 * time.Second)
	got, err := ExpiryUnverified(mint(t, Claims{AppID: 1, UserID: "u", ExpiresAt: exp}))
	if err != nil || !got.Equal(exp) {
		t.Fatalf("%v %v", got, err)
	}
	_, err = ExpiryUnverified("garbage")
	wantCode(t, err, protocol.ErrRoomTokenInvalid)
}
