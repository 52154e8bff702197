package server

import (
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/token"
	"github.com/parley-rtc/parley/web"
)

// WithDevTokens serves GET /dev/token, which mints short-lived room tokens
// for development apps, so the debug page can log in without a backend.
// Only parleyd --dev sets it. A development app's sign is public, so such a
// token grants nothing its holder could not already do.
func WithDevTokens() Option { return func(s *Server) { s.devTokens = true } }

// DevTokenTTL is how long a /dev/token token lasts.
const DevTokenTTL = 10 * time.Minute

// pageCSP keeps the page to its own files; media comes from getUserMedia
// and WebRTC, signaling from a websocket (any host: the server field).
const pageCSP = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; " +
	"media-src 'self' blob: mediastream:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

// servePage serves the browser debug page (web/) for plain GETs: index.html
// at /, its files by name, 404 for anything else (no directory listings).
func servePage(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	st, err := fs.Stat(web.FS(), name)
	if err != nil || st.IsDir() || name == "index.html" && r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeFileFS(w, r, web.FS(), name)
}

// DevToken is the JSON answer of GET /dev/token.
type DevToken struct {
	Token     string `json:"token"`
	ExpiresAt int64  `json:"expires_at"` // Unix seconds
}

// serveDevToken answers GET /dev/token?app_id=A&user_id=U[&room_id=R] with a
// token for user U (and only room R when given) of development app A,
// granting login and publishing for DevTokenTTL. Errors are JSON
// protocol.ErrorBody: 400 for bad parameters (the ID's own code), 403 for
// an app that is not a development app.
func (s *Server) serveDevToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		devTokenError(w, http.StatusMethodNotAllowed, protocol.Errorf(protocol.ErrInvalidArgument, "GET only"))
		return
	}
	q := r.URL.Query()
	id, err := strconv.ParseUint(q.Get("app_id"), 10, 32)
	if err != nil {
		devTokenError(w, http.StatusBadRequest, protocol.Errorf(protocol.ErrInvalidArgument, "app_id: want a number"))
		return
	}
	app, ok := s.cfg.App(uint32(id))
	if !ok || !app.IsDev() {
		devTokenError(w, http.StatusForbidden, protocol.Errorf(protocol.ErrRoomAuthFailed, "not a development app"))
		return
	}
	exp := time.Now().Add(DevTokenTTL)
	tok, err := token.Mint(app.ServerSecret, token.Claims{AppID: app.AppID, UserID: q.Get("user_id"), RoomID: q.Get("room_id"),
		Privileges: token.Privileges{LoginRoom: true, PublishStream: true}, ExpiresAt: exp})
	if err != nil {
		devTokenError(w, http.StatusBadRequest, err)
		return
	}
	s.log.Debug("development token minted", "app", app.AppID, "user", q.Get("user_id"), "room", q.Get("room_id"))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(DevToken{Token: tok, ExpiresAt: exp.Unix()})
}

func devTokenError(w http.ResponseWriter, status int, err error) {
	msg := protocol.CodeOf(err).Message()
	if pe := (*protocol.Error)(nil); errors.As(err, &pe) && pe.Detail != "" {
		msg = pe.Detail
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Code: protocol.CodeOf(err), Message: msg})
}
