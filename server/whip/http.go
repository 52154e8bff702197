package whip

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/parley-rtc/parley/server/protocol"
)

const (
	sdpType     = "application/sdp"
	sdpfragType = "application/trickle-ice-sdpfrag"
	// maxFragBytes bounds a PATCH body: a few dozen candidates.
	maxFragBytes = 16 << 10
	// maxTokenBytes bounds the token the server will parse, as for logins.
	maxTokenBytes = 4096
	// bodyTimeout bounds the upload of a request's body, so a client that
	// trickles its offer byte by byte does not hold a request open.
	bodyTimeout = 10 * time.Second
)

// Methods of the endpoint and of a session's URL.
const (
	endpointMethods = "OPTIONS, POST"
	sessionMethods  = "OPTIONS, PATCH, DELETE"
)

// setCORS lets browser pages of other origins use the endpoints. Requests
// carry a bearer token, never a cookie, so no origin gains anything by it
// that its token does not already grant.
func setCORS(h http.Header, methods string) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", methods)
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-Match")
	h.Set("Access-Control-Expose-Headers", "Location, ETag, Link, Accept-Patch, Accept-Post")
}

// answerOptions answers OPTIONS on a URL that takes methods and whose
// POST or PATCH takes contentType (acceptHeader: Accept-Post or
// Accept-Patch).
func answerOptions(w http.ResponseWriter, methods, acceptHeader, contentType string) {
	w.Header().Set("Allow", methods)
	w.Header().Set(acceptHeader, contentType)
	w.WriteHeader(http.StatusOK)
}

// notAllowed answers 405 to a method the URL does not take.
func notAllowed(w http.ResponseWriter, r *http.Request, methods string) {
	w.Header().Set("Allow", methods)
	fail(w, http.StatusMethodNotAllowed, protocol.Errorf(protocol.ErrInvalidArgument, r.Method+" is not one of "+methods))
}

// readBody reads at most limit bytes of the request's body within
// bodyTimeout; more than limit is errTooLarge.
func readBody(w http.ResponseWriter, r *http.Request, limit int) ([]byte, error) {
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyTimeout))
	b, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err == nil && len(b) > limit {
		err = errTooLarge
	}
	return b, err
}

var errTooLarge = errors.New("request body too large")

// isType reports whether a Content-Type header names media type want
// (parameters such as charset are allowed).
func isType(header, want string) bool {
	mt, _, err := mime.ParseMediaType(header)
	return err == nil && strings.EqualFold(mt, want)
}

// fail answers with status and Parley's error body, {"code":…,"message":…}.
func fail(w http.ResponseWriter, status int, err error) {
	code := protocol.CodeOf(err)
	msg := code.Message()
	if pe := (*protocol.Error)(nil); errors.As(err, &pe) && pe.Detail != "" {
		msg = pe.Detail
	}
	h := w.Header()
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="parley"`)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(protocol.ErrorBody{Code: code, Message: msg})
}

// statusOf is the HTTP status of a refusal by the directory or the SFU.
func statusOf(err error) int {
	switch protocol.CodeOf(err) {
	case protocol.ErrRoomAuthFailed, protocol.ErrRoomTokenExpired:
		return http.StatusUnauthorized
	case protocol.ErrRoomTokenInvalid, protocol.ErrPublishNoPrivilege, protocol.ErrRoomUserLimit,
		protocol.ErrRoomCountExceeded, protocol.ErrPublishStreamLimit:
		return http.StatusForbidden
	case protocol.ErrPlayStreamNotFound:
		return http.StatusNotFound
	case protocol.ErrPublishStreamIDInUse, protocol.ErrPublishAlreadyPublishing, protocol.ErrNotLoggedIn:
		return http.StatusConflict
	case protocol.ErrInvalidRoomID, protocol.ErrInvalidStreamID, protocol.ErrInvalidArgument:
		return http.StatusBadRequest
	case protocol.ErrPublishSDPInvalid, protocol.ErrPlaySDPInvalid:
		// The offer parsed (create checks that first) but asks for what
		// the server does not do: no VP8, H.264 or Opus, or the wrong
		// direction.
		return http.StatusUnprocessableEntity
	case protocol.ErrPublishNetwork, protocol.ErrPlayNetwork, protocol.ErrRoomNetwork:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
