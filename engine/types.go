package engine

// Channel is a publish channel (parley_publish_channel): a user may publish
// two streams at once, the camera on MAIN and a game view on AUX.
type Channel int32

const (
	ChannelMain Channel = 0
	ChannelAux  Channel = 1
	numChannels         = 2
)

func (c Channel) valid() bool { return c >= 0 && c < numChannels }

// Scenario matches parley_scenario; it picks the default video and audio
// settings (see docs/scenarios.md).
type Scenario int32

const (
	ScenarioDefault              Scenario = 3
	ScenarioStandardVideoCall    Scenario = 4
	ScenarioHighQualityVideoCall Scenario = 5
	ScenarioStandardChatroom     Scenario = 6
	ScenarioHighQualityChatroom  Scenario = 7
	ScenarioBroadcast            Scenario = 8
	ScenarioKaraoke              Scenario = 9
	ScenarioStandardVoiceCall    Scenario = 10
)

func (s Scenario) valid() bool { return s >= ScenarioDefault && s <= ScenarioStandardVoiceCall }

// VideoSource matches parley_video_source.
type VideoSource int32

const (
	VideoSourceCamera      VideoSource = 0
	VideoSourceTestPattern VideoSource = 1
	VideoSourceCustom      VideoSource = 2
)

// AudioSource matches parley_audio_source.
type AudioSource int32

const (
	AudioSourceMicrophone AudioSource = 0
	AudioSourceTestTone   AudioSource = 1
	AudioSourceCustom     AudioSource = 2
)

// VideoCodec matches parley_video_codec.
type VideoCodec int32

const (
	CodecVP8  VideoCodec = 0
	CodecH264 VideoCodec = 1
)

// VideoConfig is the capture and encode setup of one channel. Zero fields
// keep the scenario's default.
type VideoConfig struct {
	CaptureWidth, CaptureHeight int
	EncodeWidth, EncodeHeight   int
	FPS                         int
	BitrateKbps                 int
	Codec                       VideoCodec
}

// scenarioVideo returns the defaults a scenario picks; docs/scenarios.md
// holds the same table.
func scenarioVideo(s Scenario) VideoConfig {
	switch s {
	case ScenarioHighQualityVideoCall, ScenarioBroadcast:
		return VideoConfig{1280, 720, 1280, 720, 30, 1500, CodecVP8}
	case ScenarioStandardChatroom, ScenarioHighQualityChatroom, ScenarioKaraoke, ScenarioStandardVoiceCall:
		return VideoConfig{320, 180, 320, 180, 15, 150, CodecVP8}
	default:
		return VideoConfig{640, 360, 640, 360, 30, 800, CodecVP8}
	}
}

// scenarioAudioKbps is the Opus bitrate a scenario picks.
func scenarioAudioKbps(s Scenario) int {
	switch s {
	case ScenarioHighQualityVideoCall, ScenarioHighQualityChatroom, ScenarioKaraoke, ScenarioBroadcast:
		return 64
	default:
		return 32
	}
}

// User is a room member as the host names it.
type User struct {
	UserID   string
	UserName string
}

// RoomConfig matches parley_room_config.
type RoomConfig struct {
	MaxMemberCount     uint32
	IsUserStatusNotify bool
	Token              string
}
