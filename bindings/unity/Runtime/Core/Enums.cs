// Enums.cs — the ABI's enums with the values of include/parley.h (fixed
// forever) and the names of the seed's SDK in PascalCase, and its error codes.
// A test compares every value here with the header.
namespace Parley
{
    /// <summary>What a call is for; picks default resolution, frame rate, bitrate and audio profile.</summary>
    public enum ParleyScenario
    {
        Default = 3,
        StandardVideoCall = 4,
        HighQualityVideoCall = 5,
        StandardChatroom = 6,
        HighQualityChatroom = 7,
        Broadcast = 8,
        Karaoke = 9,
        StandardVoiceCall = 10,
    }

    /// <summary>The reason argument of OnRoomStateChanged.</summary>
    public enum ParleyRoomStateChangedReason
    {
        Logining = 0,
        Logined = 1,
        LoginFailed = 2,
        Reconnecting = 3,
        Reconnected = 4,
        ReconnectFailed = 5,
        KickOut = 6,
        Logout = 7,
        LogoutFailed = 8,
    }

    /// <summary>Whether users or streams were added to or deleted from a room.</summary>
    public enum ParleyUpdateType
    {
        Add = 0,
        Delete = 1,
    }

    public enum ParleyPublisherState
    {
        NoPublish = 0,
        PublishRequesting = 1,
        Publishing = 2,
    }

    public enum ParleyPlayerState
    {
        NoPlay = 0,
        PlayRequesting = 1,
        Playing = 2,
    }

    public enum ParleyPlayerMediaEvent
    {
        AudioBreakOccur = 0,
        AudioBreakResume = 1,
        VideoBreakOccur = 2,
        VideoBreakResume = 3,
    }

    /// <summary>How a frame is fitted into a view.</summary>
    public enum ParleyViewMode
    {
        /// <summary>The whole frame visible, opaque black bars around it.</summary>
        AspectFit = 0,
        /// <summary>The view filled, the frame cropped to the view's aspect ratio.</summary>
        AspectFill = 1,
        /// <summary>The view filled, the frame stretched.</summary>
        ScaleToFill = 2,
    }

    public enum ParleyVideoMirrorMode
    {
        OnlyPreview = 0,
        Both = 1,
        None = 2,
        OnlyPublish = 3,
    }

    /// <summary>A user may publish two streams at once: camera on Main, screen or game view on Aux.</summary>
    public enum ParleyPublishChannel
    {
        Main = 0,
        Aux = 1,
    }

    public enum ParleyVideoSource
    {
        /// <summary>The camera selected with UseDevice.</summary>
        Camera = 0,
        /// <summary>A built-in synthetic picture; needs no device (the default).</summary>
        TestPattern = 1,
        /// <summary>Frames from SendCustomVideoFrame only (a game publishes its own render target).</summary>
        Custom = 2,
    }

    public enum ParleyAudioSource
    {
        Microphone = 0,
        /// <summary>A built-in 1 kHz tone; needs no device (the default).</summary>
        TestTone = 1,
        /// <summary>PCM from SendCustomAudioPcm only.</summary>
        Custom = 2,
    }

    public enum ParleyVideoCodec
    {
        VP8 = 0,
        H264 = 1,
    }

    /// <summary>A remote camera's or microphone's state (values as in the seed's SDK family).</summary>
    public enum ParleyRemoteDeviceState
    {
        Open = 0,
        Disable = 9,
        Mute = 10,
    }

    public enum ParleyQualityLevel
    {
        Excellent = 0,
        Good = 1,
        Medium = 2,
        Bad = 3,
        Die = 4,
        Unknown = 5,
    }

    public enum ParleyLogLevel
    {
        Debug = 0,
        Info = 1,
        Warn = 2,
        Error = 3,
    }

    public enum ParleyDeviceKind
    {
        Camera = 0,
        Microphone = 1,
        Speaker = 2,
    }

    /// <summary>Where the mix of the played streams' audio goes.</summary>
    public enum ParleyAudioOutput
    {
        /// <summary>The game pulls it with FetchAudioPcm (the default; no device is opened).</summary>
        Pull = 0,
        /// <summary>The library plays it to the selected speaker.</summary>
        Device = 1,
    }

    /// <summary>
    /// The error codes of include/parley.h (PARLEY_ERR_ + the name in upper
    /// snake case). ParleyError.Name and ParleyError.Message describe any code;
    /// docs/errors.md says when each happens.
    /// </summary>
    public static class ParleyErrorCode
    {
        public const int OK = 0;
        public const int EngineNotCreated = 1000001;
        public const int InvalidArgument = 1000002;
        public const int InvalidHandle = 1000003;
        public const int InvalidStructSize = 1000004;
        public const int InvalidAppSign = 1000005;
        public const int InvalidRoomID = 1000006;
        public const int InvalidUserID = 1000007;
        public const int InvalidStreamID = 1000008;
        public const int NotLoggedIn = 1000009;
        public const int Internal = 1000010;
        public const int BufferTooSmall = 1000011;
        public const int InvalidUserName = 1000012;
        public const int ViewInUse = 1000013;
        public const int Protocol = 1000014;
        public const int InvalidChannel = 1000015;
        public const int InvalidExtraInfo = 1000016;
        public const int EngineDestroyed = 1000017;
        public const int InvalidServerUrl = 1000018;
        public const int UnsupportedVersion = 1000019;
        public const int MessageTooLarge = 1000020;
        public const int RateLimited = 1000021;
        public const int RoomCountExceeded = 1002001;
        public const int RoomAlreadyLoggedIn = 1002002;
        public const int RoomUserIDMismatch = 1002003;
        public const int RoomNetwork = 1002030;
        public const int RoomAuthFailed = 1002033;
        public const int RoomUserLimit = 1002034;
        public const int LoginRateLimited = 1002035;
        public const int ConnectionLimit = 1002036;
        public const int RoomKickedOut = 1002050;
        public const int RoomTokenInvalid = 1002067;
        public const int RoomTokenExpired = 1002078;
        public const int PublishAlreadyPublishing = 1003002;
        public const int PublishNoPrivilege = 1003023;
        public const int PublishNetwork = 1003025;
        public const int PublishStreamIDInUse = 1003028;
        public const int PublishStreamLimit = 1003030;
        public const int PublishSdpInvalid = 1003040;
        public const int PlayNoPrivilege = 1004023;
        public const int PlayStreamNotFound = 1004025;
        public const int PlayNetwork = 1004030;
        public const int PlaySdpInvalid = 1004040;
        public const int DeviceNotFound = 1005001;
        public const int CodecUnsupported = 1005002;
        public const int CustomCaptureNotEnabled = 1005003;
        public const int ServerListenFailed = 1006001;
        public const int ServerConfigInvalid = 1006002;
    }
}
