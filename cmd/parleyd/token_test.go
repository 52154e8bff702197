package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/token"
)

func TestTokenCommand(t *testing.T) {
	var out, errs strings.Builder
	code := runToken([]string{"--dev", "--app-id", "1", "--user-id", "alice", "--room-id", "lobby", "--publish",
		"--stream-id", "a", "--stream-id", "b", "--ttl", "10m"}, &out, &errs)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	cl, err := token.Verify(config.DevServerSecret, strings.TrimSpace(out.String()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if cl.AppID != 1 || cl.UserID != "alice" || cl.RoomID != "lobby" || !cl.Privileges.LoginRoom ||
		!cl.Privileges.PublishStream || strings.Join(cl.StreamIDs, ",") != "a,b" {
		t.Fatalf("claims %+v", cl)
	}
	if left := time.Until(cl.ExpiresAt); left < 9*time.Minute || left > 10*time.Minute+time.Second {
		t.Fatalf("expires in %v", left)
	}

	// The secret comes from the config.
	dir := t.TempDir()
	path := filepath.Join(dir, "p.json")
	secret := strings.Repeat("s", 40)
	if err := os.WriteFile(path, []byte(`{"apps":[{"app_id":9,"app_sign":"`+config.DevAppSign+`","server_secret":"`+secret+`"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := runToken([]string{"--config", path, "--app-id", "9", "--user-id", "bob", "--ttl", "1m"}, &out, &errs); code != exitOK {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
	cl, err = token.Verify(secret, strings.TrimSpace(out.String()), time.Now())
	if err != nil || cl.AppID != 9 || cl.Privileges.PublishStream || cl.RoomID != "" {
		t.Fatalf("%+v %v", cl, err)
	}
}

func TestTokenCommandUsage(t *testing.T) {
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no mode":        {[]string{"--app-id", "1", "--user-id", "u", "--ttl", "1m"}, "exactly one of"},
		"no app":         {[]string{"--dev", "--user-id", "u", "--ttl", "1m"}, "--app-id"},
		"unknown app":    {[]string{"--dev", "--app-id", "5", "--user-id", "u", "--ttl", "1m"}, "no app 5"},
		"no ttl":         {[]string{"--dev", "--app-id", "1", "--user-id", "u"}, "--ttl"},
		"bad user":       {[]string{"--dev", "--app-id", "1", "--user-id", "a b", "--ttl", "1m"}, "USER_ID"},
		"stream no pub":  {[]string{"--dev", "--app-id", "1", "--user-id", "u", "--stream-id", "s", "--ttl", "1m"}, "--publish"},
		"extra argument": {[]string{"--dev", "--app-id", "1", "--user-id", "u", "--ttl", "1m", "x"}, "unexpected"},
	} {
		var out, errs strings.Builder
		if code := runToken(tc.args, &out, &errs); code != exitUsage {
			t.Errorf("%s: exit %d", name, code)
		}
		if !strings.Contains(errs.String(), tc.want) || out.Len() != 0 {
			t.Errorf("%s: stderr %q stdout %q", name, errs.String(), out.String())
		}
	}
}
