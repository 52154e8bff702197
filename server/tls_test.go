package server

import (
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/devcert"
	"github.com/parley-rtc/parley/server/internal/testkit"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
)

func TestWSSWithCertificateFiles(t *testing.T) {
	cert, err := devcert.Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if os.WriteFile(certFile, cert.PEM, 0o600) != nil || os.WriteFile(keyFile, cert.KeyPEM, 0o600) != nil {
		t.Fatal("write PEM files")
	}
	s := startServerWith(t, func(c *config.Config) { c.TLS = &config.TLS{CertFile: certFile, KeyFile: keyFile} })
	if !strings.HasPrefix(s.URL(), "wss://") {
		t.Fatalf("URL %s, want wss://", s.URL())
	}
	c, err := testkit.DialTLS(s.URL(), &tls.Config{RootCAs: cert.Pool()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Handshake(1, config.DevAppSign); err != nil {
		t.Fatal(err)
	}
	login(t, c, "r", "u", false)
	// Not without trusting the certificate, and not in plain text.
	if _, err := testkit.DialTLS(s.URL(), nil); err == nil {
		t.Fatal("a client that does not trust the certificate connected")
	}
	if _, err := testkit.Dial(strings.Replace(s.URL(), "wss://", "ws://", 1)); err == nil {
		t.Fatal("a plain ws:// client connected to the TLS port")
	}
}

func TestBadCertificateFilesFailTheStart(t *testing.T) {
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	cfg.TLS = &config.TLS{CertFile: filepath.Join(t.TempDir(), "missing.pem"), KeyFile: "missing.key"}
	s, err := New(cfg, WithLogger(testLogger()))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start(t.Context())
	wantCode(t, err, protocol.ErrServerConfigInvalid)
	_ = s.Close()
}

// TestLogsHoldNoSecrets runs app-sign and token sessions, a call, a renewal
// and failed attempts with the server logging at debug level, then looks
// for every secret in the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	var buf lockedBuffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	s, err := New(cfg, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })

	secrets := []string{config.DevAppSign, config.DevServerSecret}
	key, _ := hex.DecodeString(config.DevAppSign)
	secrets = append(secrets, string(key))

	// An app-sign session: its signature is a secret too.
	a := dial(t, s)
	var ch protocol.Challenge
	if err := a.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: 1}, &ch); err != nil {
		t.Fatal(err)
	}
	sig := protocol.AppSignature(key, 1, ch.Nonce)
	secrets = append(secrets, sig)
	if err := a.Call(protocol.TypeAuth, protocol.Auth{Signature: sig}, nil); err != nil {
		t.Fatal(err)
	}
	login(t, a, "lobby", "alice", true)

	// Token sessions: good, renewed, forged, expired.
	tok := devToken(t, "bob", "lobby", true, time.Minute)
	renewed := devToken(t, "bob", "lobby", true, time.Hour)
	forged, _ := token.Mint("another-secret-another-secret-another", token.Claims{AppID: 1, UserID: "eve",
		Privileges: token.Privileges{LoginRoom: true}, ExpiresAt: time.Now().Add(time.Minute)})
	expired := devToken(t, "carol", "", false, -time.Second)
	secrets = append(secrets, tok, renewed, forged, expired)
	b := tokenAuthed(t, s, tok)
	login(t, b, "lobby", "bob", false)
	pubOffer, _ := offers(t)
	if err := publish(b, "lobby", "bob-main", pubOffer); err != nil {
		t.Fatal(err)
	}
	if err := b.Call(protocol.TypeRenewToken, protocol.RenewToken{RoomID: "lobby", Token: renewed}, nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{forged, expired} {
		c := dial(t, s)
		if _, err := c.HandshakeToken(1, bad); err == nil {
			t.Fatal("a bad token was accepted")
		}
	}
	bad := dial(t, s)
	if _, err := bad.Handshake(1, strings.Repeat("ab", 32)); err == nil {
		t.Fatal("a wrong sign was accepted")
	}
	waitClosed(t, bad)
	_ = s.Close()

	logged := buf.String()
	if !strings.Contains(logged, "login") || !strings.Contains(logged, "publish") {
		t.Fatalf("the log does not show the session; the test looked at nothing:\n%s", logged)
	}
	for _, sec := range secrets {
		if strings.Contains(logged, sec) {
			t.Errorf("the log holds a secret (%.12s…)", sec)
		}
		// A token's signature part alone is a secret too.
		if parts := strings.Split(sec, "."); len(parts) == 3 && strings.Contains(logged, parts[2]) {
			t.Errorf("the log holds a token signature (%.12s…)", parts[2])
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
