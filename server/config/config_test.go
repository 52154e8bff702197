package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parley-rtc/parley/server/protocol"
)

const goodSecret = "0123456789abcdef0123456789abcdef"

func TestDev(t *testing.T) {
	c := Dev()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:7880" {
		t.Errorf("listen = %q", c.Listen)
	}
	a, ok := c.App(1)
	if !ok || !a.IsDev() {
		t.Fatalf("dev app missing: %+v", c.Apps)
	}
	key := a.SignKey()
	for i, b := range key {
		if int(b) != i {
			t.Fatalf("sign byte %d = %#x", i, b)
		}
	}
	if len(key) != 32 {
		t.Fatalf("sign key %d bytes", len(key))
	}
}

func TestParseGood(t *testing.T) {
	c, err := Parse([]byte(`{"listen":"0.0.0.0:9000","udp_port":9001,"public_ips":["203.0.113.7"],"no_downlink_estimate":true,
		"apps":[{"app_id":7,"app_sign":"` + strings.Repeat("ab", 32) + `","server_secret":"` + goodSecret + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" || c.UDPPort != 9001 || len(c.PublicIPs) != 1 || c.Apps[0].AppID != 7 || !c.NoDownlinkEstimate {
		t.Fatalf("parsed %+v", c)
	}
	if _, ok := c.App(8); ok {
		t.Error("app 8 should not exist")
	}
}

func TestParseDefaultsListen(t *testing.T) {
	c, err := Parse([]byte(`{"apps":[{"app_id":1,"app_sign":"` + DevAppSign + `","server_secret":"` + goodSecret + `"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != DefaultListen {
		t.Errorf("listen = %q", c.Listen)
	}
}

func TestParseBad(t *testing.T) {
	app := func(id, sign, secret string) string {
		return `{"app_id":` + id + `,"app_sign":"` + sign + `","server_secret":"` + secret + `"}`
	}
	good := app("1", DevAppSign, goodSecret)
	cases := map[string]struct{ json, want string }{
		"not json":       {`{`, "config JSON"},
		"trailing":       {`{"apps":[` + good + `]} {}`, "trailing"},
		"unknown field":  {`{"apps":[` + good + `],"listne":"x"}`, "unknown field"},
		"unknown in app": {`{"apps":[{"app_id":1,"app_sign":"` + DevAppSign + `","server_secret":"` + goodSecret + `","x":1}]}`, "unknown field"},
		"no apps":        {`{"apps":[]}`, "at least one app"},
		"dup app":        {`{"apps":[` + good + `,` + good + `]}`, "duplicate app_id"},
		"zero app id":    {`{"apps":[` + app("0", DevAppSign, goodSecret) + `]}`, "app_id must be"},
		"short sign":     {`{"apps":[` + app("1", "00ff", goodSecret) + `]}`, "app_sign"},
		"non-hex sign":   {`{"apps":[` + app("1", strings.Repeat("zz", 32), goodSecret) + `]}`, "app_sign"},
		"short secret":   {`{"apps":[` + app("1", DevAppSign, "short") + `]}`, "server_secret"},
		"bad listen":     {`{"listen":"nowhere","apps":[` + good + `]}`, "listen"},
		"bad port":       {`{"listen":"127.0.0.1:99999","apps":[` + good + `]}`, "listen"},
		"bad udp port":   {`{"udp_port":70000,"apps":[` + good + `]}`, "udp_port"},
		"bad public ip":  {`{"public_ips":["example.com"],"apps":[` + good + `]}`, "public_ips"},
		"wrong type":     {`{"udp_port":"7","apps":[` + good + `]}`, "config JSON"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(tc.json))
			if err == nil {
				t.Fatal("accepted")
			}
			if protocol.CodeOf(err) != protocol.ErrServerConfigInvalid {
				t.Errorf("code %v, want ErrServerConfigInvalid", protocol.CodeOf(err))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "parleyd.json")
	if err := os.WriteFile(p, []byte(`{"apps":[{"app_id":3,"app_sign":"`+DevAppSign+`","server_secret":"`+goodSecret+`"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil || c.Apps[0].AppID != 3 {
		t.Fatalf("Load: %+v, %v", c, err)
	}
	_, err = Load(filepath.Join(dir, "missing.json"))
	if protocol.CodeOf(err) != protocol.ErrServerConfigInvalid {
		t.Errorf("missing file: %v", err)
	}
}
