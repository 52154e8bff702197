package protocol

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestHeaderListMatchesCodes keeps include/parley.h's PARLEY_ERROR_LIST and
// this package's table identical: same names, values and messages, and
// nothing on one side only.
func TestHeaderListMatchesCodes(t *testing.T) {
	b, err := os.ReadFile("../../include/parley.h")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`X\((PARLEY_\w+),\s*(\d+),\s*"((?:[^"\\]|\\.)*)"\)`)
	seen := map[Code]bool{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		v, _ := strconv.Atoi(m[2])
		c := Code(v)
		if c.Name() != m[1] {
			t.Errorf("header %s = %d, Go names %d %q", m[1], v, v, c.Name())
		}
		if c.Message() != m[3] {
			t.Errorf("%s: header message %q, Go message %q", m[1], m[3], c.Message())
		}
		seen[c] = true
	}
	for _, c := range Codes() {
		if !seen[c] {
			t.Errorf("%s (%d) is missing from PARLEY_ERROR_LIST", c.Name(), c)
		}
	}
	if len(seen) < 40 {
		t.Fatalf("parsed only %d codes from the header", len(seen))
	}
}

func TestIdentifierRules(t *testing.T) {
	long := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = 'a'
		}
		return string(b)
	}
	ok := []string{"a", "Room-1_x.y~z", long(128)}
	bad := []string{"", "a b", "é", "a/b", "a\x00", long(129)}
	for _, s := range ok {
		if CheckRoomID(s) != nil {
			t.Errorf("room ID %q refused", s)
		}
	}
	for _, s := range bad {
		if CodeOf(CheckRoomID(s)) != ErrInvalidRoomID {
			t.Errorf("room ID %q accepted", s)
		}
	}
	if CheckUserID(long(64)) != nil || CodeOf(CheckUserID(long(65))) != ErrInvalidUserID {
		t.Error("user ID length limit is not 64")
	}
	if CheckStreamID(long(256)) != nil || CodeOf(CheckStreamID(long(257))) != ErrInvalidStreamID {
		t.Error("stream ID length limit is not 256")
	}
	if CheckUserName("玩家一") != nil || CodeOf(CheckUserName(string([]byte{0xff}))) != ErrInvalidUserName {
		t.Error("user names are UTF-8")
	}
}

func TestAppSignatureIsBoundToNonceAndApp(t *testing.T) {
	key, err := ParseAppSign("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
	if err != nil {
		t.Fatal(err)
	}
	sig := AppSignature(key, 1, "nonce-1")
	if !CheckAppSignature(key, 1, "nonce-1", sig) {
		t.Fatal("own signature refused")
	}
	if CheckAppSignature(key, 1, "nonce-2", sig) || CheckAppSignature(key, 2, "nonce-1", sig) {
		t.Fatal("signature accepted for another nonce or app")
	}
	if _, err := ParseAppSign("00zz"); CodeOf(err) != ErrInvalidAppSign {
		t.Fatalf("bad sign: %v", err)
	}
}
