// Package gather makes non-trickle offers: an offer whose SDP carries every
// ICE candidate, as Parley's signaling exchanges them (docs/protocol.md).
// The engine, the server's test peers and the load generator share it.
package gather

import (
	"context"
	"errors"
	"time"

	"github.com/pion/webrtc/v4"
)

// Timeout bounds ICE gathering.
const Timeout = 5 * time.Second

// ErrTimeout is returned when gathering did not complete within Timeout.
var ErrTimeout = errors.New("gather: ICE gathering timed out")

// Offer creates an offer on pc (with opts, which may be nil), sets it as
// the local description and returns its SDP once ICE gathering completed.
// It returns ctx's error if ctx ends first.
func Offer(ctx context.Context, pc *webrtc.PeerConnection, opts *webrtc.OfferOptions) (string, error) {
	o, err := pc.CreateOffer(opts)
	if err != nil {
		return "", err
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(o); err != nil {
		return "", err
	}
	t := time.NewTimer(Timeout)
	defer t.Stop()
	select {
	case <-done:
	case <-ctx.Done():
		return "", ctx.Err()
	case <-t.C:
		return "", ErrTimeout
	}
	return pc.LocalDescription().SDP, nil
}
