// Package config is the parleyd configuration: the JSON schema shared by the
// parleyd binary and the embedded server (parley_server_start), its defaults
// and its validation. Every validation error carries
// protocol.ErrServerConfigInvalid so the C caller sees one code.
package config

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"

	"github.com/parley-rtc/parley/server/protocol"
)

// DefaultListen is where parleyd and the dev config listen when the config
// names no address; it is also the engine's default server_url.
const DefaultListen = "127.0.0.1:7880"

// MinServerSecretLen is the shortest accepted server_secret. The secret will
// sign room tokens, so it must resist guessing.
const MinServerSecretLen = 32

// Dev app: the app every development build knows (PARLEY_DEV_APP_ID and
// PARLEY_DEV_APP_SIGN in include/parley.h). Never use it in production: its
// sign is public.
const (
	DevAppID        uint32 = 1
	DevAppSign             = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	DevServerSecret        = "parley-dev-server-secret-do-not-use-in-production"
)

// App is one tenant: clients authenticate with AppID and AppSign; apps never
// see each other's rooms, users or streams.
type App struct {
	AppID        uint32 `json:"app_id"`
	AppSign      string `json:"app_sign"`      // 64 hex digits; never sent on the wire
	ServerSecret string `json:"server_secret"` // signs room tokens (server/token)
}

// IsDev reports whether the app uses the public development sign.
func (a App) IsDev() bool { return a.AppSign == DevAppSign }

// SignKey returns the app sign's 32 bytes (the HMAC key of the challenge).
// It is only meaningful on a validated config.
func (a App) SignKey() []byte {
	b, _ := hex.DecodeString(a.AppSign)
	return b
}

// Config is the whole server configuration.
type Config struct {
	// Listen is the TCP address of the HTTP/websocket listener.
	Listen string `json:"listen"`
	// UDPPort is the one UDP port all media uses. 0: the TCP listener's port
	// number if free, else any free port.
	UDPPort int `json:"udp_port"`
	// PublicIPs are advertised as ICE host candidates in addition to the
	// local addresses, for a server behind a 1:1 NAT (cloud VMs).
	PublicIPs []string `json:"public_ips"`
	Apps      []App    `json:"apps"`
	// Limits bound each client; 0 fields take DefaultLimits' values.
	Limits Limits `json:"limits"`
	// TLS, when set, makes the listener serve https and wss:// only.
	TLS *TLS `json:"tls,omitempty"`
	// NoDownlinkEstimate turns off the estimate of each player's
	// downlink and the publishers' cap from it (docs/media.md, Players'
	// downlinks): about 15 % less CPU per packet at large fan-outs, and a
	// player on a link narrower than the stream loses much of it.
	NoDownlinkEstimate bool `json:"no_downlink_estimate,omitempty"`
}

// TLS names the PEM files of the server's certificate (chain) and key.
type TLS struct {
	CertFile string `json:"cert_file"`
	KeyFile  string `json:"key_file"`
}

// App returns the app with the given ID.
func (c Config) App(id uint32) (App, bool) {
	for _, a := range c.Apps {
		if a.AppID == id {
			return a, true
		}
	}
	return App{}, false
}

// Dev returns the development config: the dev app on DefaultListen.
func Dev() Config {
	return Config{
		Listen: DefaultListen,
		Apps:   []App{{AppID: DevAppID, AppSign: DevAppSign, ServerSecret: DevServerSecret}},
		Limits: DefaultLimits(),
	}
}

// Load reads and parses a config file.
func Load(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, invalid(fmt.Sprintf("read %s: %v", path, err))
	}
	c, err := Parse(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a JSON config, fills defaults and validates it. Unknown fields
// are errors: a misspelt key must not silently fall back to a default.
func Parse(b []byte) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, invalid("config JSON: " + err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, invalid("config JSON: trailing data after the object")
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	c.Limits = c.Limits.WithDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate checks every field and returns the first problem found.
func (c Config) Validate() error {
	if _, port, err := net.SplitHostPort(c.Listen); err != nil {
		return invalid(fmt.Sprintf("listen %q: want host:port", c.Listen))
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return invalid(fmt.Sprintf("listen %q: bad port", c.Listen))
	}
	if c.UDPPort < 0 || c.UDPPort > 65535 {
		return invalid(fmt.Sprintf("udp_port %d: want 0-65535", c.UDPPort))
	}
	for _, ip := range c.PublicIPs {
		if net.ParseIP(ip) == nil {
			return invalid(fmt.Sprintf("public_ips: %q is not an IP address", ip))
		}
	}
	if len(c.Apps) == 0 {
		return invalid("apps: at least one app is required")
	}
	if err := c.Limits.WithDefaults().Validate(); err != nil {
		return err
	}
	if c.TLS != nil && (c.TLS.CertFile == "" || c.TLS.KeyFile == "") {
		return invalid("tls: cert_file and key_file are both required")
	}
	seen := make(map[uint32]bool, len(c.Apps))
	for i, a := range c.Apps {
		where := fmt.Sprintf("apps[%d] (app_id %d)", i, a.AppID)
		if a.AppID == 0 {
			return invalid(fmt.Sprintf("apps[%d]: app_id must be 1-4294967295", i))
		}
		if seen[a.AppID] {
			return invalid(where + ": duplicate app_id")
		}
		seen[a.AppID] = true
		if _, err := protocol.ParseAppSign(a.AppSign); err != nil {
			return invalid(where + ": app_sign must be 64 hex digits")
		}
		if len(a.ServerSecret) < MinServerSecretLen {
			return invalid(fmt.Sprintf("%s: server_secret must be at least %d characters", where, MinServerSecretLen))
		}
	}
	return nil
}

func invalid(msg string) error { return protocol.Errorf(protocol.ErrServerConfigInvalid, msg) }
