package engine

import (
	"github.com/parley-rtc/parley/server/protocol"
)

// EventKind names an event; the values follow the order of the callbacks in
// parley_event_handler.
type EventKind int

const (
	EventDebugError EventKind = iota
	EventRoomStateChanged
	EventRoomUserUpdate
	EventRoomStreamUpdate
	EventRoomTokenWillExpire
	EventPublisherStateUpdate
	EventPublisherQualityUpdate
	EventPublisherCapturedVideoFirstFrame
	EventPlayerStateUpdate
	EventPlayerQualityUpdate
	EventPlayerMediaEvent
	EventPlayerRecvVideoFirstFrame
	EventPlayerRenderVideoFirstFrame
	EventPlayerVideoSizeChanged
	// Appended callbacks: a remote stream's camera or microphone state
	// (State holds a protocol.DeviceState).
	EventRemoteCameraStateUpdate
	EventRemoteMicStateUpdate
	// Every 2 s: UserID ("" = this engine's user), Upstream, Downstream.
	EventNetworkQuality
)

// Event is one notification to the host. Which fields are set depends on
// Kind; the field comments name the kinds that use them.
type Event struct {
	Kind EventKind

	RoomID   string // room events
	StreamID string // publisher and player events

	// DebugError: Code, FuncName, Info.
	FuncName string
	Info     string

	// RoomStateChanged: Reason, Code, Extended. Publisher/PlayerStateUpdate:
	// State, Code, Extended. PlayerMediaEvent: State holds the media event.
	Reason   RoomStateReason
	State    int32
	Code     protocol.Code
	Extended string

	// RoomUserUpdate / RoomStreamUpdate.
	UpdateType protocol.UpdateType
	Users      []protocol.User
	Streams    []protocol.Stream

	// PublisherCapturedVideoFirstFrame.
	Channel Channel

	// PlayerVideoSizeChanged.
	Width, Height int

	PublishQuality *PublishQuality
	PlayQuality    *PlayQuality

	// NetworkQuality.
	UserID               string
	Upstream, Downstream QualityLevel
}

// isQuality reports whether the event may be dropped when the poll queue is
// full: quality updates go first, state changes never.
func (ev *Event) isQuality() bool {
	return ev.Kind == EventPublisherQualityUpdate || ev.Kind == EventPlayerQualityUpdate || ev.Kind == EventNetworkQuality
}

// RoomStateReason matches parley_room_state_reason.
type RoomStateReason int32

const (
	RoomLogining RoomStateReason = iota
	RoomLogined
	RoomLoginFailed
	RoomReconnecting
	RoomReconnected
	RoomReconnectFailed
	RoomKickOut
	RoomLogout
	RoomLogoutFailed
)

// PublisherState matches parley_publisher_state.
const (
	PublisherNoPublish         int32 = 0
	PublisherPublishRequesting int32 = 1
	PublisherPublishing        int32 = 2
)

// PlayerState matches parley_player_state.
const (
	PlayerNoPlay         int32 = 0
	PlayerPlayRequesting int32 = 1
	PlayerPlaying        int32 = 2
)

// Player media events match parley_player_media_event.
const (
	MediaAudioBreakOccur  int32 = 0
	MediaAudioBreakResume int32 = 1
	MediaVideoBreakOccur  int32 = 2
	MediaVideoBreakResume int32 = 3
)

// QualityLevel matches parley_quality_level.
type QualityLevel int32

const (
	QualityExcellent QualityLevel = iota
	QualityGood
	QualityMedium
	QualityBad
	QualityDie
	QualityUnknown
)

// PublishQuality is measured over the last quality interval.
type PublishQuality struct {
	VideoCaptureFPS, VideoEncodeFPS, VideoSendFPS float64
	VideoKbps, AudioKbps                          float64
	RTTMs                                         int32
	PacketLossRate                                float64
	Level                                         QualityLevel
}

// PlayQuality is measured over the last quality interval.
type PlayQuality struct {
	VideoRecvFPS, VideoDecodeFPS, VideoRenderFPS float64
	VideoKbps, AudioKbps                         float64
	RTTMs                                        int32
	PacketLossRate                               float64
	DelayMs                                      int32
	VideoBreakRate                               float64
	Width, Height                                int32
	Level                                        QualityLevel
}

// qualityLevel grades a connection the way players perceive it.
func qualityLevel(rttMs int32, loss float64) QualityLevel {
	switch {
	case rttMs < 0:
		return QualityUnknown
	case loss < 0.01 && rttMs < 100:
		return QualityExcellent
	case loss < 0.03 && rttMs < 200:
		return QualityGood
	case loss < 0.10 && rttMs < 400:
		return QualityMedium
	case loss < 0.30 && rttMs < 1000:
		return QualityBad
	default:
		return QualityDie
	}
}
