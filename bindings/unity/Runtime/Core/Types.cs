// Types.cs — the seed's value types with the Parley prefix: fields public and
// [Serializable], so a MonoBehaviour can expose them in the Inspector.
using System;

namespace Parley
{
    /// <summary>How CreateEngine sets up an engine (the seed's ZegoEngineProfile).</summary>
    [Serializable]
    public class ParleyEngineProfile
    {
        /// <summary>Non-zero; ParleyEngineProfile.DevAppID for a dev server.</summary>
        public uint AppID;
        /// <summary>64 hex digits; null or "" when the app logs in with room tokens (ParleyRoomConfig.Token).</summary>
        public string AppSign;
        public ParleyScenario Scenario = ParleyScenario.Default;
        /// <summary>"ws://host:port" or "wss://..."; null or "" means $PARLEY_SERVER_URL, else ws://127.0.0.1:7880.</summary>
        public string Server;

        /// <summary>The development app every dev server serves (parleyd --dev, ParleyEmbeddedServer.Start()).</summary>
        public const uint DevAppID = 1;
        /// <summary>The public app sign of DevAppID: for development and tests only.</summary>
        public const string DevAppSign = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
    }

    /// <summary>A room member.</summary>
    [Serializable]
    public class ParleyUser
    {
        /// <summary>1-64 bytes of A-Z a-z 0-9 - _ . ~</summary>
        public string UserID;
        /// <summary>0-256 bytes of UTF-8.</summary>
        public string UserName;

        public ParleyUser() { }

        public ParleyUser(string userID, string userName = null)
        {
            UserID = userID;
            UserName = userName;
        }

        public override string ToString() { return UserID; }
    }

    /// <summary>A stream published in a room.</summary>
    public class ParleyStream
    {
        public ParleyUser User;
        public string StreamID;
        public string ExtraInfo;

        public override string ToString() { return StreamID; }
    }

    /// <summary>Room options for LoginRoom.</summary>
    [Serializable]
    public class ParleyRoomConfig
    {
        /// <summary>0 = unlimited; set by the login that creates the room.</summary>
        public uint MaxMemberCount;
        /// <summary>Deliver OnRoomUserUpdate for this room.</summary>
        public bool IsUserStatusNotify;
        /// <summary>Room token; required when the engine was created without an app sign.</summary>
        public string Token;
    }

    /// <summary>Video settings of one publish channel; a field left 0 keeps its current value.</summary>
    [Serializable]
    public class ParleyVideoConfig
    {
        public int CaptureWidth;
        public int CaptureHeight;
        public int EncodeWidth;
        public int EncodeHeight;
        public int FPS;
        public int Bitrate;
        public ParleyVideoCodec Codec = ParleyVideoCodec.VP8;
    }

    /// <summary>A publisher's measured quality, every 3 s.</summary>
    public class ParleyPublishStreamQuality
    {
        public double VideoCaptureFPS;
        public double VideoEncodeFPS;
        public double VideoSendFPS;
        public double VideoKBPS;
        public double AudioKBPS;
        /// <summary>Round-trip time in ms.</summary>
        public int Rtt;
        /// <summary>0..1</summary>
        public double PacketLostRate;
        public ParleyQualityLevel Level;
    }

    /// <summary>A player's measured quality, every 3 s.</summary>
    public class ParleyPlayStreamQuality
    {
        public double VideoRecvFPS;
        public double VideoDecodeFPS;
        public double VideoRenderFPS;
        public double VideoKBPS;
        public double AudioKBPS;
        public int Rtt;
        public double PacketLostRate;
        /// <summary>Capture on the sender to render here, in ms.</summary>
        public int Delay;
        /// <summary>Breaks per minute.</summary>
        public double VideoBreakRate;
        public int Width;
        public int Height;
        public ParleyQualityLevel Level;
    }

    /// <summary>What a view's buffer holds (ParleyView.LastFrame).</summary>
    public struct ParleyFrameInfo
    {
        /// <summary>Increments once per frame written; 0 = nothing written yet.</summary>
        public ulong Seq;
        public int SourceWidth;
        public int SourceHeight;
        /// <summary>The sender's capture time on this host's Unix clock, in ms; 0 unknown.</summary>
        public long CaptureTimeMs;
        /// <summary>When the frame landed in the buffer (Unix ms).</summary>
        public long WriteTimeMs;
    }

    /// <summary>One camera, microphone or speaker.</summary>
    public class ParleyDeviceInfo
    {
        /// <summary>What UseDevice takes.</summary>
        public string DeviceID;
        public string DeviceName;
        public bool IsDefault;
    }
}
