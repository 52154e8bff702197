package whip

import (
	"errors"
	"net/http"
	"strings"

	"github.com/parley-rtc/parley/server/protocol"
)

// serveSession answers a session's URL: PATCH adds trickled candidates,
// DELETE ends it. The URL's random ID is what authorizes both: only the
// client that created the session learned it, from the Location header.
func (h *Handler) serveSession(k kind, w http.ResponseWriter, r *http.Request) {
	setCORS(w.Header(), sessionMethods)
	switch r.Method {
	case http.MethodOptions:
		answerOptions(w, sessionMethods, "Accept-Patch", sdpfragType)
		return
	case http.MethodPatch, http.MethodDelete:
	default:
		notAllowed(w, r, sessionMethods)
		return
	}
	if !h.enter() {
		fail(w, http.StatusServiceUnavailable, errClosing)
		return
	}
	defer h.wg.Done()
	h.mu.Lock()
	s := h.sessions[r.PathValue("id")]
	h.mu.Unlock()
	if s == nil || s.kind != k || s.room != r.PathValue("room") || s.stream != r.PathValue("stream") {
		fail(w, http.StatusNotFound, protocol.Errorf(protocol.ErrInvalidArgument, "no such "+k.String()+" session (it has ended)"))
		return
	}
	m := s.m
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, live := m.sessions[s]; !live {
		fail(w, http.StatusNotFound, protocol.Errorf(protocol.ErrInvalidArgument, "no such "+k.String()+" session (it has ended)"))
		return
	}
	if r.Method == http.MethodDelete {
		h.endSession(s, "DELETE")
		h.tidy(m)
		w.WriteHeader(http.StatusOK)
		return
	}
	h.trickle(s, w, r)
}

// trickle applies the ICE candidates of a PATCH (RFC 8840's sdpfrag). The
// server's own candidates were all in its answer, so it answers 204 with
// nothing. ICE restarts (a new ufrag) are not supported: 422.
func (h *Handler) trickle(s *session, w http.ResponseWriter, r *http.Request) {
	if !isType(r.Header.Get("Content-Type"), sdpfragType) {
		fail(w, http.StatusUnsupportedMediaType, protocol.Errorf(protocol.ErrInvalidArgument, "PATCH takes "+sdpfragType))
		return
	}
	if im := r.Header.Get("If-Match"); im != "" && im != "*" && im != s.etag {
		fail(w, http.StatusPreconditionFailed, protocol.Errorf(protocol.ErrInvalidArgument, "If-Match does not name this ICE session"))
		return
	}
	b, err := readBody(w, r, maxFragBytes)
	switch {
	case errors.Is(err, errTooLarge):
		fail(w, http.StatusRequestEntityTooLarge, protocol.Errorf(protocol.ErrInvalidArgument, "sdpfrag larger than 16 KiB"))
		return
	case err != nil:
		fail(w, http.StatusBadRequest, protocol.Errorf(protocol.ErrInvalidArgument, "reading the sdpfrag: "+err.Error()))
		return
	}
	ufrag, cands, err := parseFrag(string(b))
	if err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if ufrag != "" && ufrag != s.ufrag {
		fail(w, http.StatusUnprocessableEntity, protocol.Errorf(protocol.ErrInvalidArgument,
			"ICE restarts are not supported: start a new session"))
		return
	}
	for _, c := range cands {
		if s.kind == publish {
			err = h.sfu.AddPublisherCandidate(uint64(s.pub), c)
		} else {
			err = h.sfu.AddSubscriberCandidate(uint64(s.pub), uint64(s.m.id), c)
		}
		switch {
		case protocol.CodeOf(err) == protocol.ErrInvalidArgument:
			fail(w, http.StatusBadRequest, err)
			return
		case err != nil: // the media ended under the session, which ends with it
			fail(w, http.StatusNotFound, err)
			return
		}
	}
	s.log.Debug("trickled ICE candidates", "count", len(cands))
	w.WriteHeader(http.StatusNoContent)
}

// parseFrag reads an SDP fragment (RFC 8840): its ICE username fragment if
// it names one, and its candidates as "candidate:…" attribute values.
// Media and mid lines only say which m-line a candidate belongs to, which
// does not matter with one bundled transport.
func parseFrag(frag string) (ufrag string, cands []string, err error) {
	for _, line := range strings.Split(frag, "\n") {
		line = strings.TrimRight(line, "\r")
		switch {
		case line == "":
		case len(line) < 2 || line[1] != '=':
			return "", nil, protocol.Errorf(protocol.ErrInvalidArgument, "the body is not an SDP fragment")
		case strings.HasPrefix(line, "a=ice-ufrag:"):
			ufrag = strings.TrimPrefix(line, "a=ice-ufrag:")
		case strings.HasPrefix(line, "a=candidate:"):
			cands = append(cands, strings.TrimPrefix(line, "a="))
		}
	}
	return ufrag, cands, nil
}
