package engine_test

import (
	"context"
	"crypto/tls"
	"strings"
	"testing"

	"github.com/parley-rtc/parley/engine"
	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/devcert"
)

// TestCallOverWSSAndAESGCM holds a call whose signaling runs over wss://
// with a certificate the engines verify, and whose media is DTLS-SRTP with
// AES-GCM.
func TestCallOverWSSAndAESGCM(t *testing.T) {
	cert, err := devcert.Generate()
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Dev()
	cfg.Listen = "127.0.0.1:0"
	s, err := server.New(cfg, server.WithTLS(cert.TLS))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !strings.HasPrefix(s.URL(), "wss://") {
		t.Fatalf("URL %s, want wss://", s.URL())
	}
	tc := &tls.Config{RootCAs: cert.Pool()}
	newTLSEngine := func(r *recorder, trust *tls.Config) *engine.Engine {
		e, err := engine.New(engine.Config{AppID: config.DevAppID, AppSign: config.DevAppSign, ServerURL: s.URL(),
			Handler: r.handle, TLS: trust})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Destroy)
		return e
	}

	// An engine that does not trust the certificate cannot log in.
	rx := newRecorder()
	x := newTLSEngine(rx, nil)
	if err := x.LoginRoom("room-t", engine.User{UserID: "mallory"}, engine.RoomConfig{}); err != nil {
		t.Fatal(err)
	}
	rx.waitFor(t, "LOGIN_FAILED", roomState("room-t", engine.RoomLoginFailed))

	ra, rb := newRecorder(), newRecorder()
	a, b := newTLSEngine(ra, tc), newTLSEngine(rb, tc)
	login(t, a, ra, "room-t", "alice")
	login(t, b, rb, "room-t", "bob")
	if err := a.StartPublishing("s-t", engine.ChannelMain); err != nil {
		t.Fatal(err)
	}
	view, _ := newView(t, 64, 36)
	if err := b.StartPlaying("s-t", view); err != nil {
		t.Fatal(err)
	}
	rb.waitFor(t, "first frame", func(ev engine.Event) bool { return ev.Kind == engine.EventPlayerRenderVideoFirstFrame })
	if c := b.PlayerSRTPCipher("s-t"); !strings.HasPrefix(c, "SRTP_AEAD_AES_") {
		t.Fatalf("SRTP profile %q, want AES-GCM", c)
	}
}
