package server

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/protocol"
)

// Hostile clients get an error or a close, and nobody else notices.

// A signature answers one nonce: replayed on another connection (a new
// nonce) it fails; a second auth on a connection is out of order.
func TestReplayedSignatureIsRefused(t *testing.T) {
	s := startServer(t)
	key, _ := protocol.ParseAppSign(config.DevAppSign)
	first := dial(t, s)
	var ch protocol.Challenge
	if err := first.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: 1}, &ch); err != nil {
		t.Fatal(err)
	}
	sig := protocol.AppSignature(key, 1, ch.Nonce)
	if err := first.Call(protocol.TypeAuth, protocol.Auth{Signature: sig}, nil); err != nil {
		t.Fatal(err)
	}
	wantCode(t, first.Call(protocol.TypeAuth, protocol.Auth{Signature: sig}, nil), protocol.ErrProtocol)
	login(t, first, "r", "first", true)

	replay := dial(t, s)
	var ch2 protocol.Challenge
	if err := replay.Call(protocol.TypeHello, protocol.Hello{Version: protocol.Version, AppID: 1}, &ch2); err != nil {
		t.Fatal(err)
	}
	if ch2.Nonce == ch.Nonce {
		t.Fatal("two connections got the same nonce")
	}
	wantCode(t, replay.Call(protocol.TypeAuth, protocol.Auth{Signature: sig}, nil), protocol.ErrRoomAuthFailed)
	waitClosed(t, replay)
	noEvent(t, first)
}

// A client whose end vanished without a close (a half-open TCP connection:
// it neither reads nor answers pings) is dropped after the pong wait, and
// once its session's grace period is over its room sees it leave.
func TestHalfOpenConnectionIsDropped(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { s.pongWait, s.grace = 300*time.Millisecond, 300*time.Millisecond })
	watcher := authed(t, s, 1)
	login(t, watcher, "r", "watcher", true)

	conn, br := rawUpgrade(t, s)
	defer conn.Close()
	writeFrame(t, conn, `{"type":"hello","id":1,"data":{"version":1,"app_id":1}}`)
	nonce := readChallenge(t, br)
	key, _ := protocol.ParseAppSign(config.DevAppSign)
	writeFrame(t, conn, `{"type":"auth","id":2,"data":{"signature":"`+protocol.AppSignature(key, 1, nonce)+`"}}`)
	writeFrame(t, conn, `{"type":"login","id":3,"data":{"room_id":"r","user_id":"ghost"}}`)
	// From here on the client reads nothing and answers no ping.
	up := event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if up.UpdateType != protocol.UpdateAdd || up.Users[0].UserID != "ghost" {
		t.Fatalf("got %+v, want ghost added", up)
	}
	start := time.Now()
	up = event[protocol.UserUpdate](t, watcher, protocol.TypeUserUpdate)
	if up.UpdateType != protocol.UpdateDelete || up.Users[0].UserID != "ghost" {
		t.Fatalf("got %+v, want ghost removed", up)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("the half-open client stayed %v", d)
	}
}

// A client that trickles one frame a byte at a time never completes a
// message: it is closed when its read deadline passes, however busy it
// looks.
func TestSlowFrameIsCutOff(t *testing.T) {
	s := startServerTuned(t, nil, func(s *Server) { s.handshakeTimeout = 300 * time.Millisecond })
	conn, _ := rawUpgrade(t, s)
	defer conn.Close()
	frame := maskedFrame(`{"type":"hello","id":1,"data":{"version":1,"app_id":1}}`)
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		_, _ = io.Copy(io.Discard, conn)
	}()
	deadline := time.After(5 * time.Second)
	for i := 0; ; i = (i + 1) % (len(frame) - 1) { // never the last byte
		select {
		case <-closed:
			login(t, authed(t, s, 1), "r", "u", false) // the server is fine
			return
		case <-deadline:
			t.Fatal("a client trickling bytes kept its connection for 5 s")
		case <-time.After(20 * time.Millisecond):
		}
		if _, err := conn.Write(frame[i : i+1]); err != nil {
			<-closed
			return
		}
	}
}

// A client that sends its HTTP request headers slowly is cut off after the
// header timeout, before any websocket exists.
func TestSlowHeadersAreCutOff(t *testing.T) {
	short := startServerTuned(t, nil, func(s *Server) { s.headerTimeout = 300 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(short.URL(), "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("GET /ws HTTP/1.1\r\nHost: x\r\n"))
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("cut off after %v", d)
	}
}

// rawUpgrade opens a websocket by hand, so the test controls every byte.
func rawUpgrade(t *testing.T, s *Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.URL(), "ws://"))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Write([]byte("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"))
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil || !strings.Contains(status, "101") {
		t.Fatalf("upgrade: %q %v", status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		if line == "\r\n" {
			return conn, br
		}
	}
}

// maskedFrame is one client text frame (clients must mask).
func maskedFrame(text string) []byte {
	n := len(text)
	b := []byte{0x81}
	switch {
	case n < 126:
		b = append(b, 0x80|byte(n))
	default:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	}
	mask := []byte{1, 2, 3, 4}
	b = append(b, mask...)
	for i := range n {
		b = append(b, text[i]^mask[i%4])
	}
	return b
}

func writeFrame(t *testing.T, conn net.Conn, text string) {
	t.Helper()
	if _, err := conn.Write(maskedFrame(text)); err != nil {
		t.Fatal(err)
	}
}

// readChallenge reads the server's first frame and returns its nonce.
func readChallenge(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	h := make([]byte, 2)
	if _, err := io.ReadFull(br, h); err != nil {
		t.Fatal(err)
	}
	n := int(h[1] & 0x7f)
	if n == 126 {
		ext := make([]byte, 2)
		_, _ = io.ReadFull(br, ext)
		n = int(ext[0])<<8 | int(ext[1])
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	env, err := protocol.Decode(body)
	if err != nil || env.Type != protocol.TypeChallenge {
		t.Fatalf("first frame %s: %v", body, err)
	}
	var ch protocol.Challenge
	if err := protocol.DecodeData(env, &ch); err != nil {
		t.Fatal(err)
	}
	return ch.Nonce
}
