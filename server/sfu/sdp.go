package sfu

import (
	"strings"

	"github.com/pion/sdp/v3"

	"github.com/parley-rtc/parley/server/protocol"
)

// offerKinds says which m-lines an offer carries.
type offerKinds struct{ video, audio bool }

// checkOffer parses an offer and checks its shape before pion sees it, so a
// bad offer gets a clear message and the right code instead of a half-built
// PeerConnection: at most one video and one audio m-line, at least one of
// them, all with the wanted direction (sendonly to publish, recvonly to
// play), video offering VP8 and audio offering Opus.
func checkOffer(offer string, wantDir string, code protocol.Code) (offerKinds, error) {
	var k offerKinds
	bad := func(msg string) (offerKinds, error) { return offerKinds{}, protocol.Errorf(code, msg) }
	if len(offer) > protocol.MaxSDPBytes {
		return bad("SDP larger than 32 KiB")
	}
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(offer); err != nil {
		return bad("unparsable SDP: " + err.Error())
	}
	for _, md := range sd.MediaDescriptions {
		kind := md.MediaName.Media
		var seen *bool
		var codec string
		switch kind {
		case "video":
			seen, codec = &k.video, "vp8/90000"
		case "audio":
			seen, codec = &k.audio, "opus/48000"
		default:
			return bad("unexpected m-line " + kind + " (only one video and one audio)")
		}
		if *seen {
			return bad("more than one " + kind + " m-line")
		}
		*seen = true
		dir := "sendrecv"
		hasCodec := false
		for _, a := range md.Attributes {
			switch a.Key {
			case "sendonly", "recvonly", "sendrecv", "inactive":
				dir = a.Key
			case "rtpmap":
				if _, enc, ok := strings.Cut(a.Value, " "); ok && strings.HasPrefix(strings.ToLower(enc), codec) {
					hasCodec = true
				}
			}
		}
		if dir != wantDir {
			return bad(kind + " m-line is " + dir + ", want " + wantDir)
		}
		if !hasCodec {
			return bad(kind + " m-line does not offer " + codec)
		}
	}
	if !k.video && !k.audio {
		return bad("no audio or video m-line")
	}
	return k, nil
}
