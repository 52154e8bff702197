// Package server is Parley's server: signaling over websockets, rooms, and
// RTP forwarding, on one TCP port (HTTP) and one UDP port (all media). The
// parleyd binary and the embedded server of the C library
// (parley_server_start) both run this.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/metrics"
	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
	"github.com/parley-rtc/parley/server/signal"
	"github.com/parley-rtc/parley/server/whip"
)

// Option changes how New builds a Server.
type Option func(*Server)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithTLS serves https and wss:// with cert, whatever the config's tls
// says (parleyd --dev-tls passes a generated one, server/devcert).
func WithTLS(cert tls.Certificate) Option { return func(s *Server) { s.cert = &cert } }

// WithDirectory replaces the in-memory room directory (a cluster passes a
// shared one).
func WithDirectory(d room.Directory) Option { return func(s *Server) { s.dir = d } }

// Server is one running parleyd.
type Server struct {
	cfg config.Config
	log *slog.Logger
	dir room.Directory
	// headerTimeout bounds how long a client may take to send its HTTP
	// request headers (a slow-loris connection is closed after it).
	headerTimeout time.Duration
	// handshakeTimeout and pongWait are the signaling hub's (0: its
	// defaults); tests of hostile clients shorten them.
	handshakeTimeout, pongWait time.Duration
	grace                      time.Duration    // a vanished client's session waits this long (0: 10 s)
	cert                       *tls.Certificate // nil: plain ws:// unless the config names files
	devTokens                  bool             // serve /dev/token (WithDevTokens)

	mu      sync.Mutex
	started bool
	closed  bool
	url     string
	udpAddr net.Addr
	http    *http.Server
	sfu     *sfu.SFU
	hub     *signal.Hub
	whip    *whip.Handler // WHIP and WHEP (docs/whip-whep.md)
	serving chan struct{} // closed when the HTTP serve loop has returned
}

// New checks cfg and prepares a server; nothing listens until Start.
func New(cfg config.Config, opts ...Option) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.Limits = cfg.Limits.WithDefaults()
	s := &Server{cfg: cfg, log: slog.Default(), headerTimeout: 10 * time.Second}
	for _, o := range opts {
		o(s)
	}
	if s.dir == nil {
		m := room.NewMemory()
		m.SetLimits(room.Limits{MaxRoomMembers: cfg.Limits.MaxRoomMembers,
			RoomsPerSession: cfg.Limits.RoomsPerSession, StreamsPerSession: cfg.Limits.StreamsPerSession})
		s.dir = m
	}
	return s, nil
}

// Start listens on cfg.Listen (TCP) and on the media UDP port, then serves
// in the background. ctx bounds the start only; Close stops the server.
// Listen errors carry protocol.ErrServerListenFailed.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started || s.closed {
		return protocol.Errorf(protocol.ErrInternal, "server already started or closed")
	}
	tlsCfg, err := s.tlsConfig()
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return protocol.Errorf(protocol.ErrServerListenFailed, "listen "+s.cfg.Listen+": "+err.Error())
	}
	tcp := ln.Addr().(*net.TCPAddr)
	scheme := "ws://"
	if tlsCfg != nil {
		ln = tls.NewListener(ln, tlsCfg)
		scheme = "wss://"
	}
	udp, err := listenUDP(ctx, s.cfg, tcp)
	if err != nil {
		_ = ln.Close()
		return err
	}
	media, err := sfu.New(sfu.Config{Conn: udp, PublicIPs: s.cfg.PublicIPs, Logger: s.log,
		NoDownlinkEstimate: s.cfg.NoDownlinkEstimate})
	if err != nil {
		_ = ln.Close()
		_ = udp.Close()
		return err
	}
	s.started = true
	s.sfu = media
	s.udpAddr = udp.LocalAddr()
	s.hub = signal.NewHub(signal.Config{Apps: s.cfg.Apps, Directory: s.dir, SFU: media, Logger: s.log, Limits: s.cfg.Limits,
		HandshakeTimeout: s.handshakeTimeout, PongWait: s.pongWait, Grace: s.grace})
	s.whip = whip.New(whip.Config{Apps: s.cfg.Apps, Directory: s.dir, SFU: media, IDs: s.hub, Logger: s.log})
	s.http = &http.Server{Handler: s.routes(), ReadHeaderTimeout: s.headerTimeout,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	s.url = scheme + net.JoinHostPort(clientHost(tcp.IP), strconv.Itoa(tcp.Port))
	s.serving = make(chan struct{})
	go func() {
		defer close(s.serving)
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("HTTP server stopped", "err", err)
		}
	}()

	s.log.Info("Parley server started", "url", s.url, "udp", s.udpAddr.String(), "apps", len(s.cfg.Apps))
	for _, a := range s.cfg.Apps {
		if a.IsDev() {
			s.log.Warn("development app — do not use in production: its app sign is public", "app", a.AppID)
		}
	}
	return nil
}

// listenUDP opens the one media socket: udp_port if set, else the TCP
// port number if free (one number to open in a firewall), else any port.
func listenUDP(ctx context.Context, cfg config.Config, tcp *net.TCPAddr) (net.PacketConn, error) {
	host, _, _ := net.SplitHostPort(cfg.Listen)
	var lc net.ListenConfig
	try := func(port int) (net.PacketConn, error) {
		return lc.ListenPacket(ctx, "udp", net.JoinHostPort(host, strconv.Itoa(port)))
	}
	if cfg.UDPPort != 0 {
		c, err := try(cfg.UDPPort)
		if err != nil {
			return nil, protocol.Errorf(protocol.ErrServerListenFailed, "udp_port: "+err.Error())
		}
		return c, nil
	}
	if c, err := try(tcp.Port); err == nil {
		return c, nil
	}
	c, err := try(0)
	if err != nil {
		return nil, protocol.Errorf(protocol.ErrServerListenFailed, "udp: "+err.Error())
	}
	return c, nil
}

// clientHost is the host a client on this machine dials: the listen IP, or
// loopback when the server listens on every address.
func clientHost(ip net.IP) string {
	if ip == nil || ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return ip.String()
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/ws", s.hub)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.Handle("/metrics", metrics.Handler(s.dir, s.sfu))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// Engines pass the bare ws://host:port, so the root upgrades too.
		if websocket.IsWebSocketUpgrade(r) {
			s.hub.ServeHTTP(w, r)
			return
		}
		servePage(w, r) // the browser debug page (web/)
	})
	if s.devTokens {
		mux.HandleFunc("/dev/token", s.serveDevToken)
	}
	s.whip.Register(mux)
	return mux
}

// URL is the signaling URL clients pass as server_url ("ws://host:port"),
// or "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.url
}

// UDPAddr is the media socket's address, or nil before Start.
func (s *Server) UDPAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.udpAddr
}

// Close stops the server and waits for every goroutine it started: media
// first (every PeerConnection), then the HTTP listener and every signaling
// connection (each ends its session), then the UDP socket.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	started := s.started
	s.mu.Unlock()
	if !started {
		return nil
	}
	s.sfu.ClosePeers()
	err := s.http.Close() // listener and plain HTTP connections; websockets are the hub's
	s.hub.Close()
	s.whip.Close()
	<-s.serving
	if e := s.sfu.Close(); err == nil {
		err = e
	}
	s.log.Info("Parley server stopped", "url", s.url)
	return err
}

// tlsConfig is the listener's TLS, or nil for plain ws://. TLS 1.2 at
// least; Go's default cipher suites (AEAD only for TLS 1.3, ECDHE for 1.2).
func (s *Server) tlsConfig() (*tls.Config, error) {
	cert := s.cert
	if cert == nil && s.cfg.TLS != nil {
		c, err := tls.LoadX509KeyPair(s.cfg.TLS.CertFile, s.cfg.TLS.KeyFile)
		if err != nil {
			return nil, protocol.Errorf(protocol.ErrServerConfigInvalid, "tls: "+err.Error())
		}
		cert = &c
	}
	if cert == nil {
		return nil, nil
	}
	return &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}, nil
}
