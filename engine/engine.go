// Package engine is the Parley SDK in Go: an Engine logs in to rooms on a
// Parley server, publishes captured or custom media, plays other users'
// streams into render views, and reports what happens as ordered events.
// It knows nothing of C; capi/ wraps it for the C ABI.
package engine

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parley-rtc/parley/engine/audio"
	"github.com/parley-rtc/parley/render"
	"github.com/parley-rtc/parley/server/protocol"
)

// DefaultServerURL is used when neither Config.ServerURL nor
// $PARLEY_SERVER_URL names a server: the address of `parleyd --dev`.
const DefaultServerURL = "ws://127.0.0.1:7880"

// Config creates an engine (parley_engine_profile).
type Config struct {
	AppID     uint32
	AppSign   string // 64 hex digits; "" when the app logs in with room tokens (RoomConfig.Token)
	Scenario  Scenario
	ServerURL string // ws:// or wss://; "" → $PARLEY_SERVER_URL, else DefaultServerURL
	// PollEvents queues events until Poll is called instead of delivering
	// them on the engine's own goroutine.
	PollEvents bool
	Handler    func(Event)
	// TLS configures wss:// connections; nil verifies the server against
	// the system's roots (which SSL_CERT_FILE and SSL_CERT_DIR extend).
	TLS *tls.Config
	// ReconnectWindow is how long the engine tries to get a lost
	// connection back before its rooms end with RECONNECT_FAILED; 0 means
	// DefaultReconnectWindow.
	ReconnectWindow time.Duration
	// MediaConn, when set, is the one UDP socket all the engine's media
	// goes through (an ICE UDP mux, as the server has): for hosts that must
	// use one port, and for tests that impair the link. The engine closes
	// it when destroyed. nil: a socket per connection, on any free port.
	MediaConn net.PacketConn
	// Without turns weak-network mechanisms off, one at a time, to measure
	// what each gives (make netbench). The zero value, all on, is Parley's
	// setting; apps leave it alone.
	Without Mechanisms
}

// Mechanisms names the weak-network mechanisms Config.Without can turn off
// (docs/media.md, Congestion control; docs/reconnection.md).
type Mechanisms struct {
	// NACK: publishers ignore requests to retransmit lost packets.
	NACK bool
	// CongestionControl: no bandwidth estimate; the encoder runs at the
	// configured bitrate, unpaced, whatever the link takes.
	CongestionControl bool
	// Pacing: the estimate drives the encoder, but packets go out as
	// they are made.
	Pacing bool
	// Adaptation: the encoder follows the estimate with its bitrate only,
	// dropping no frames and keeping its size.
	Adaptation bool
	// CongestionWindow: the estimate is not pushed back while more data
	// is in flight than the network should hold (docs/media.md).
	CongestionWindow bool
	// TemporalLayers: VP8 is published in one layer, every frame a
	// reference for the next.
	TemporalLayers bool
	// AudioRedundancy: each Opus packet is sent once, without a copy of
	// the one before it (RED); a lost packet is concealed.
	AudioRedundancy bool
}

// Engine is one Parley SDK instance. All methods are safe for concurrent
// use and may be called from inside the event handler.
type Engine struct {
	cfg     Config
	appSign []byte // nil: token login
	apis    mediaAPIs
	events  *queue
	mixer   *audio.Mixer

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	destroyed bool
	conn      *connection
	rooms     map[string]*room
	roomOrder []string
	// logouts holds, per room, a channel closed once the server has
	// answered the room's last logout: a new login to it waits for that.
	logouts   map[string]chan struct{}
	userID    string
	dialToken string // token login: the latest login's token, used to authenticate a new connection
	session   string // the server's ID of the last session, offered to take it over on reconnection
	pubs      [numChannels]*publisher
	captures  [numChannels]*videoCapture
	audioCap  *audioCapture
	players   map[string]*player
	videoCfg  [numChannels]VideoConfig
	videoSrc  [numChannels]VideoSource
	audioSrc  AudioSource
	audioKbps int

	sw switches // mutes and mirror modes, read on the media path

	dev devState // device selection and the open speaker (devices.go)

	// encodeSizeSet: the host chose an encode size for the channel, which
	// custom frames then follow too.
	encodeSizeSet [numChannels]atomic.Bool
}

// New validates cfg and creates an engine. It does not connect: the first
// LoginRoom does.
func New(cfg Config) (*Engine, error) {
	if cfg.AppID == 0 {
		return nil, protocol.Errorf(protocol.ErrInvalidArgument, "app ID must not be 0")
	}
	var sign []byte
	if cfg.AppSign != "" {
		var err error
		if sign, err = protocol.ParseAppSign(cfg.AppSign); err != nil {
			return nil, err
		}
	}
	if cfg.Scenario == 0 {
		cfg.Scenario = ScenarioDefault
	}
	if !cfg.Scenario.valid() {
		return nil, protocol.Errorf(protocol.ErrInvalidArgument, "unknown scenario")
	}
	if cfg.ServerURL == "" {
		cfg.ServerURL = os.Getenv("PARLEY_SERVER_URL")
	}
	if cfg.ServerURL == "" {
		cfg.ServerURL = DefaultServerURL
	}
	if cfg.ReconnectWindow <= 0 {
		cfg.ReconnectWindow = DefaultReconnectWindow
	}
	if !strings.HasPrefix(cfg.ServerURL, "ws://") && !strings.HasPrefix(cfg.ServerURL, "wss://") {
		return nil, protocol.Errorf(protocol.ErrInvalidServerURL, "server URL must start with ws:// or wss://")
	}
	apis, err := newAPIs(cfg.MediaConn, cfg.Without)
	if err != nil {
		return nil, protocol.Errorf(protocol.ErrInternal, err.Error())
	}
	e := &Engine{
		cfg:       cfg,
		appSign:   sign,
		apis:      apis,
		mixer:     audio.NewMixer(audio.MixerOptions{}),
		rooms:     make(map[string]*room),
		logouts:   make(map[string]chan struct{}),
		players:   make(map[string]*player),
		audioSrc:  AudioSourceTestTone,
		audioKbps: scenarioAudioKbps(cfg.Scenario),
	}
	for ch := range e.videoCfg {
		e.videoCfg[ch] = scenarioVideo(cfg.Scenario)
		e.videoSrc[ch] = VideoSourceTestPattern
	}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.events = newQueue(cfg.PollEvents, cfg.Handler)
	e.wg.Add(1)
	go e.qualityLoop()
	return e, nil
}

// SetHandler replaces the event handler.
func (e *Engine) SetHandler(h func(Event)) { e.events.setHandler(h) }

// Poll dispatches up to max queued events on the caller's goroutine (0: all
// queued now). It is an error on an engine created without PollEvents.
func (e *Engine) Poll(max int) (int, error) {
	if !e.cfg.PollEvents {
		return 0, protocol.Errorf(protocol.ErrInvalidArgument, "engine was not created with PollEvents")
	}
	return e.events.pollEvents(max), nil
}

func (e *Engine) emit(ev Event) { e.events.push(ev) }

// EmitDebugError queues an EventDebugError in order with the engine's other
// events. The C layer reports every failed call this way, as the seed's SDK
// family reports API misuse through onDebugError.
func (e *Engine) EmitDebugError(code protocol.Code, fn, info string) {
	e.emit(Event{Kind: EventDebugError, Code: code, FuncName: fn, Info: info})
}

// lockLive locks e.mu and fails if the engine is being destroyed.
func (e *Engine) lockLive() error {
	e.mu.Lock()
	if e.destroyed {
		e.mu.Unlock()
		return protocol.Errorf(protocol.ErrEngineDestroyed, "")
	}
	return nil
}

// Destroy logs out, stops everything and waits until no goroutine of the
// engine runs. No event is delivered after it returns (a callback already
// running on the event goroutine finishes first, unless Destroy is called
// from inside it). It is idempotent.
func (e *Engine) Destroy() {
	e.mu.Lock()
	if e.destroyed {
		e.mu.Unlock()
		return
	}
	e.destroyed = true
	e.events.close()
	pubs := e.pubs
	e.pubs = [numChannels]*publisher{}
	players := e.players
	e.players = map[string]*player{}
	caps := e.captures
	e.captures = [numChannels]*videoCapture{}
	acap := e.audioCap
	e.audioCap = nil
	conn := e.conn
	e.conn = nil
	for _, r := range e.rooms {
		stopTokenTimer(r)
	}
	e.rooms = map[string]*room{}
	e.mu.Unlock()

	e.cancel()
	e.closeDevices()
	// PeerConnections close before the media pipelines feeding them.
	for _, p := range players {
		p.close()
	}
	for _, p := range pubs {
		if p != nil {
			p.close()
		}
	}
	for _, c := range caps {
		if c != nil {
			c.stop()
		}
	}
	if acap != nil {
		acap.stop()
	}
	if conn != nil {
		conn.close()
	}
	e.wg.Wait()
	if e.apis.mux != nil {
		e.apis.mux.Close() // after every PeerConnection on it
	}
}

// ReleaseView forgets a view's attachment so that it can be used elsewhere;
// the C layer calls it when a view is destroyed.
func ReleaseView(v *render.View) { viewOwners.Delete(v) }

// viewOwners records which preview or player a view is attached to; a view
// serves at most one at a time, across all engines.
var viewOwners sync.Map

func attachView(v *render.View, owner any) error {
	if v == nil {
		return nil
	}
	if cur, loaded := viewOwners.LoadOrStore(v, owner); loaded && cur != owner {
		return protocol.Errorf(protocol.ErrViewInUse, "")
	}
	return nil
}

func detachView(v *render.View, owner any) {
	if v != nil {
		viewOwners.CompareAndDelete(v, owner)
	}
}
