package engine

import (
	"context"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// ICE restart (docs/reconnection.md). A media connection whose network
// path went away — the host moved to another network, its address changed,
// a NAT forgot the mapping — receives nothing; after iceDisconnected its
// ICE state is disconnected. If it has not come back by itself within
// iceRestartAfter and signaling works, the engine restarts ICE: a new offer
// with new credentials and the host's current candidates, answered by the
// server (restart_ice). The connection keeps its tracks, encryption and
// session: nobody sees the stream end or start again. A connection that
// stays unreachable fails after pion's failed timeout (25 s) and is
// published or played again from scratch.
const (
	iceDisconnected = 3 * time.Second
	iceKeepalive    = time.Second
	iceFailed       = 25 * time.Second
	iceRestartAfter = time.Second
	iceRestartRetry = 5 * time.Second
)

// watchICE restarts ICE on pc whenever it stays disconnected, until ctx
// ends. streamID and play name the connection to the server.
func (e *Engine) watchICE(ctx context.Context, pc *webrtc.PeerConnection, streamID string, play bool) {
	changed := make(chan struct{}, 1)
	pc.OnICEConnectionStateChange(func(webrtc.ICEConnectionState) {
		select {
		case changed <- struct{}{}:
		default:
		}
	})
	disconnected := func() bool { return pc.ICEConnectionState() == webrtc.ICEConnectionStateDisconnected }
	wait := time.NewTimer(time.Hour)
	defer wait.Stop()
	for {
		// Sleep until the path is lost and has stayed lost a moment.
		for !disconnected() {
			select {
			case <-ctx.Done():
				return
			case <-changed:
			}
		}
		wait.Reset(iceRestartAfter)
		select {
		case <-ctx.Done():
			return
		case <-wait.C:
		}
		if !disconnected() {
			continue
		}
		next := iceRestartRetry
		if c := e.liveConn(); c != nil {
			_ = restartICE(ctx, c, pc, streamID, play)
		} else {
			next = iceRestartAfter // signaling is away too: try again when it is back
		}
		// Give the new path time to connect before another restart.
		wait.Reset(next)
		for done := false; !done; {
			select {
			case <-ctx.Done():
				return
			case <-changed:
				done = !disconnected()
			case <-wait.C:
				done = true
			}
		}
	}
}

// restartICE renegotiates pc with new ICE credentials.
func restartICE(ctx context.Context, c *connection, pc *webrtc.PeerConnection, streamID string, play bool) error {
	ctx, cancel := context.WithTimeout(ctx, iceRestartRetry)
	defer cancel()
	sdp, err := offerGathered(ctx, pc, &webrtc.OfferOptions{ICERestart: true})
	if err != nil {
		return err
	}
	var ans protocol.SDPAnswer
	if err := c.request(ctx, protocol.TypeRestartICE, protocol.RestartICE{StreamID: streamID, Play: play, SDP: sdp}, &ans); err != nil {
		// Back to the last agreed description, so a later restart can offer.
		_ = pc.SetLocalDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeRollback})
		return err
	}
	return pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: ans.SDP})
}

// liveConn is the signaling connection if one is up, without dialling.
func (e *Engine) liveConn() *connection {
	e.mu.Lock()
	c := e.conn
	e.mu.Unlock()
	if c == nil {
		return nil
	}
	select {
	case <-c.ready:
	default:
		return nil
	}
	if c.err != nil || c.cli == nil {
		return nil
	}
	return c
}
