package sfu

import (
	"slices"
	"strings"

	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/parley-rtc/parley/server/protocol"
)

// offerKinds says which m-lines an offer carries, and the video codecs it
// offers that the server speaks, in the offer's order of preference.
type offerKinds struct {
	video, audio bool
	videoCodecs  []string // webrtc.MimeTypeVP8 and/or webrtc.MimeTypeH264
}

// offersVideo reports whether the offer's video m-line offers mime.
func (k offerKinds) offersVideo(mime string) bool {
	for _, c := range k.videoCodecs {
		if strings.EqualFold(c, mime) {
			return true
		}
	}
	return false
}

// checkOffer parses an offer and checks its shape before pion sees it, so a
// bad offer gets a clear message and the right code instead of a half-built
// PeerConnection: at most one video and one audio m-line, at least one of
// them, all with the wanted direction (sendonly to publish, recvonly to
// play), video offering VP8 or H.264 and audio offering Opus.
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
			seen, codec = &k.video, "vp8/90000 or h264/90000"
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
		videoPT := map[string]string{}
		for _, a := range md.Attributes {
			switch a.Key {
			case "sendonly", "recvonly", "sendrecv", "inactive":
				dir = a.Key
			case "rtpmap":
				pt, enc, ok := strings.Cut(a.Value, " ")
				enc = strings.ToLower(enc)
				switch {
				case !ok:
				case kind == "audio" && strings.HasPrefix(enc, codec):
					hasCodec = true
				case kind == "video" && strings.HasPrefix(enc, "vp8/90000"):
					hasCodec, videoPT[pt] = true, webrtc.MimeTypeVP8
				case kind == "video" && strings.HasPrefix(enc, "h264/90000"):
					hasCodec, videoPT[pt] = true, webrtc.MimeTypeH264
				}
			}
		}
		if dir != wantDir {
			return bad(kind + " m-line is " + dir + ", want " + wantDir)
		}
		if !hasCodec {
			return bad(kind + " m-line does not offer " + codec)
		}
		for _, pt := range md.MediaName.Formats { // the offerer's order of preference
			if mime, ok := videoPT[pt]; ok && !slices.Contains(k.videoCodecs, mime) {
				k.videoCodecs = append(k.videoCodecs, mime)
			}
		}
		if kind == "video" && len(k.videoCodecs) == 0 {
			return bad("video m-line lists none of its rtpmap payload types")
		}
	}
	if !k.video && !k.audio {
		return bad("no audio or video m-line")
	}
	return k, nil
}
