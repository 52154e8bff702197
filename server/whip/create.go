package whip

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pion/sdp/v3"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/server/room"
	"github.com/parley-rtc/parley/server/sfu"
	"github.com/parley-rtc/parley/server/token"
)

// serveEndpoint answers /whip/{room}/{stream} and /whep/{room}/{stream}.
func (h *Handler) serveEndpoint(k kind, w http.ResponseWriter, r *http.Request) {
	setCORS(w.Header(), endpointMethods)
	switch r.Method {
	case http.MethodOptions:
		answerOptions(w, endpointMethods, "Accept-Post", sdpType)
	case http.MethodPost:
		if !h.enter() {
			fail(w, http.StatusServiceUnavailable, errClosing)
			return
		}
		defer h.wg.Done()
		h.create(k, w, r)
	default:
		notAllowed(w, r, endpointMethods)
	}
}

// create starts a WHIP or WHEP session from a POSTed offer. Every check that
// needs no state comes first; a refusal after the member logged in undoes
// what it did (tidy), so nothing half-made stays in the directory or SFU.
func (h *Handler) create(k kind, w http.ResponseWriter, r *http.Request) {
	roomID, streamID := r.PathValue("room"), r.PathValue("stream")
	if err := protocol.CheckRoomID(roomID); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	if err := protocol.CheckStreamID(streamID); err != nil {
		fail(w, http.StatusBadRequest, err)
		return
	}
	cl, status, err := h.authorize(k, r, roomID, streamID)
	if err != nil {
		fail(w, status, err)
		return
	}
	if !isType(r.Header.Get("Content-Type"), sdpType) {
		fail(w, http.StatusUnsupportedMediaType, protocol.Errorf(k.sdpCode(), "the offer's Content-Type must be "+sdpType))
		return
	}
	offer, status, err := readOffer(k, w, r)
	if err != nil {
		fail(w, status, err)
		return
	}
	log := h.log.With("app", cl.AppID, "room", roomID, "user", cl.UserID, "stream", streamID)
	s := &session{id: randomHex(16), kind: k, room: roomID, stream: streamID, etag: `"` + randomHex(8) + `"`,
		ufrag: offer.ufrag, log: log}
	answer, err := h.open(r.Context(), s, offer, cl)
	if err != nil {
		log.Info(k.String()+" refused", "code", int32(protocol.CodeOf(err)), "err", err)
		fail(w, statusOf(err), err)
		return
	}
	log.Info(k.String() + " session")
	hd := w.Header()
	hd.Set("Content-Type", sdpType)
	hd.Set("Location", k.prefix()+roomID+"/"+streamID+"/"+s.id)
	hd.Set("ETag", s.etag)
	hd.Set("Accept-Patch", sdpfragType)
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, answer)
}

// open makes s, for the token's user, and returns the SDP answer; on an
// error nothing of it is left.
func (h *Handler) open(ctx context.Context, s *session, o offer, cl token.Claims) (string, error) {
	m, err := h.lockMember(cl.AppID, cl.UserID)
	if err != nil {
		return "", err
	}
	defer m.mu.Unlock()
	s.m = m
	var answer string
	if s.kind == publish {
		answer, err = h.publish(ctx, s, o, cl)
	} else {
		answer, err = h.play(ctx, s, o)
	}
	if err == nil && !h.register(s) {
		h.endSession(s, "the server is shutting down")
		err = errClosing
	}
	if err != nil {
		h.tidy(m)
		return "", err
	}
	return answer, nil
}

// authorize checks the bearer token: 401 without a valid one, 403 when it
// does not grant this room, or publishing this stream.
func (h *Handler) authorize(k kind, r *http.Request, roomID, streamID string) (token.Claims, int, error) {
	denied := func(msg string) (token.Claims, int, error) {
		return token.Claims{}, http.StatusUnauthorized, protocol.Errorf(protocol.ErrRoomAuthFailed, msg)
	}
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	tok = strings.TrimSpace(tok)
	switch {
	case !strings.EqualFold(scheme, "Bearer") || tok == "":
		return denied("an Authorization: Bearer header with a Parley room token is required")
	case len(tok) > maxTokenBytes:
		return denied("authentication failed")
	}
	app, err := token.AppIDUnverified(tok)
	if err != nil {
		return token.Claims{}, http.StatusUnauthorized, err
	}
	secret, ok := h.secrets[app]
	if !ok {
		return denied("authentication failed")
	}
	cl, err := token.Verify(secret, tok, h.now())
	if err != nil {
		return token.Claims{}, http.StatusUnauthorized, err
	}
	forbidden := func(code protocol.Code, msg string) (token.Claims, int, error) {
		return token.Claims{}, http.StatusForbidden, protocol.Errorf(code, msg)
	}
	switch {
	case !cl.Privileges.LoginRoom:
		return forbidden(protocol.ErrRoomTokenInvalid, "the token grants no login_room privilege")
	case cl.RoomID != "" && cl.RoomID != roomID:
		return forbidden(protocol.ErrRoomTokenInvalid, "the token is for another room")
	case k == publish && !cl.MayPublish(streamID):
		return forbidden(protocol.ErrPublishNoPrivilege, "the token does not allow publishing "+streamID)
	}
	return cl, 0, nil
}

// offer is a POSTed SDP offer and what the session needs from it.
type offer struct {
	sdp          string
	ufrag        string
	video, audio bool
}

// readOffer reads and parses the request's offer: 400 when it is empty or
// not SDP, 413 when larger than the protocol's SDP limit.
func readOffer(k kind, w http.ResponseWriter, r *http.Request) (offer, int, error) {
	b, err := readBody(w, r, protocol.MaxSDPBytes)
	switch {
	case errors.Is(err, errTooLarge):
		return offer{}, http.StatusRequestEntityTooLarge, protocol.Errorf(k.sdpCode(), "SDP larger than 32 KiB")
	case err != nil:
		return offer{}, http.StatusBadRequest, protocol.Errorf(k.sdpCode(), "reading the offer: "+err.Error())
	case len(b) == 0:
		return offer{}, http.StatusBadRequest, protocol.Errorf(k.sdpCode(), "no SDP offer in the body")
	}
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(string(b)); err != nil {
		return offer{}, http.StatusBadRequest, protocol.Errorf(k.sdpCode(), "unparsable SDP: "+err.Error())
	}
	o := offer{sdp: string(b)}
	o.ufrag, _ = sd.Attribute("ice-ufrag")
	for _, md := range sd.MediaDescriptions {
		if u, ok := md.Attribute("ice-ufrag"); ok && o.ufrag == "" {
			o.ufrag = u
		}
		o.video = o.video || md.MediaName.Media == "video"
		o.audio = o.audio || md.MediaName.Media == "audio"
	}
	return o, 0, nil
}

// join logs m in to roomID unless it is there, and returns the room's
// snapshot (its other users and streams).
func (h *Handler) join(m *member, roomID string) (protocol.LoginOK, error) {
	var snap protocol.LoginOK
	reply := func(ok protocol.LoginOK) { snap = ok }
	if m.rooms[roomID] && h.dir.Rejoin(m.id, roomID, reply) == nil {
		return snap, nil
	}
	ch, err := h.dir.Login(m.id, protocol.Login{RoomID: roomID, UserID: m.key.user}, reply)
	h.apply(ch) // the streams of a session that held the user ID
	if err != nil {
		return snap, err
	}
	m.rooms[roomID] = true
	return snap, nil
}

// publish logs the member in and publishes the offer's stream, as an
// engine's publish does. The token's expiry ends the publication, as for an
// engine that does not renew its token.
func (h *Handler) publish(ctx context.Context, s *session, o offer, cl token.Claims) (string, error) {
	m := s.m
	if _, err := h.join(m, s.room); err != nil {
		return "", err
	}
	if err := h.dir.CheckPublish(m.id, s.room, s.stream); err != nil {
		return "", err
	}
	id := h.ids.NewPublicationID()
	answer, err := h.sfu.Publish(ctx, sfu.PublishParams{ID: uint64(id), Label: s.stream, Offer: o.sdp, Log: s.log,
		OnGone: func() { h.publisherGone(id) }})
	if err != nil {
		return "", err
	}
	state := func(has bool) protocol.DeviceState {
		if has {
			return protocol.DeviceOpen
		}
		return protocol.DeviceDisable
	}
	err = h.dir.Publish(m.id, room.Publication{ID: id, RoomID: s.room, StreamID: s.stream,
		VideoState: state(o.video), AudioState: state(o.audio)}, func() { s.seq = m.seq.Add(1) })
	if err != nil {
		h.sfu.Unpublish(uint64(id))
		return "", err
	}
	s.pub = id
	s.expiry = time.AfterFunc(cl.ExpiresAt.Sub(h.now()), func() {
		h.spawn(func() { h.apply(h.dir.EndPublication(id, protocol.ErrRoomTokenExpired)) })
	})
	m.sessions[s] = struct{}{}
	return answer, nil
}

// play logs the member in and plays the stream, which must be in the room.
// A member plays a stream once: a second WHEP session for it replaces the
// first, as an engine's second play does.
func (h *Handler) play(ctx context.Context, s *session, o offer) (string, error) {
	m := s.m
	if old := m.find(play, s.stream); old != nil {
		h.endSession(old, "a new WHEP session of the user for the stream")
	}
	snap, err := h.join(m, s.room)
	if err != nil {
		return "", err
	}
	own := m.find(publish, s.stream)
	inRoom := own != nil && own.room == s.room
	for _, st := range snap.Streams {
		inRoom = inRoom || st.StreamID == s.stream
	}
	if !inRoom {
		return "", protocol.Errorf(protocol.ErrPlayStreamNotFound, "no stream "+s.stream+" in room "+s.room)
	}
	pub, err := h.dir.Stream(m.id, s.stream)
	if err != nil {
		return "", err
	}
	answer, err := h.sfu.Play(ctx, sfu.PlayParams{Publication: uint64(pub), Subscriber: uint64(m.id), Offer: o.sdp,
		Log: s.log, OnGone: func() { h.playerGone(m.id, pub) }})
	if err != nil {
		return "", err
	}
	if err := h.dir.Play(m.id, s.stream, pub, func() { s.seq = m.seq.Add(1) }); err != nil {
		h.sfu.StopPlay(uint64(pub), uint64(m.id))
		return "", err
	}
	s.pub = pub
	m.sessions[s] = struct{}{}
	return answer, nil
}

// register makes a session reachable at its URL; false once the handler is
// closed (the caller ends the session).
func (h *Handler) register(s *session) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.sessions[s.id] = s
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
