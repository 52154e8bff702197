// IParleyEventHandler.cs — the seed's event handler in C#. Every callback runs
// on the thread that calls ParleyExpressEngine.DispatchEvents: in Unity, the
// main thread, from ParleyEventPump.Update.
//
// C# interfaces cannot have optional members (C# 7, Unity's Mono), so the
// seed's rule "only onDebugError is required" is kept in two ways: derive
// from ParleyEventHandler and override what you need (OnDebugError is the
// abstract one), or subscribe to the engine's C# events of the same names
// from any class, a MonoBehaviour included.
using System.Collections.Generic;

namespace Parley
{
    public interface IParleyEventHandler
    {
        /// <summary>API misuse and errors no state callback reports; every failed call on a live engine lands here too.</summary>
        void OnDebugError(int errorCode, string funcName, string info);
        void OnRoomStateChanged(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData);
        /// <summary>Only for rooms logged in with IsUserStatusNotify; never about this engine's own user.</summary>
        void OnRoomUserUpdate(string roomID, ParleyUpdateType updateType, List<ParleyUser> userList);
        /// <summary>Streams of other users started or stopped; play an added one with StartPlayingStream.</summary>
        void OnRoomStreamUpdate(string roomID, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData);
        void OnRoomTokenWillExpire(string roomID, int remainTimeInSecond);
        void OnPublisherStateUpdate(string streamID, ParleyPublisherState state, int errorCode, string extendedData);
        void OnPublisherQualityUpdate(string streamID, ParleyPublishStreamQuality quality);
        void OnPublisherCapturedVideoFirstFrame(ParleyPublishChannel channel);
        void OnPlayerStateUpdate(string streamID, ParleyPlayerState state, int errorCode, string extendedData);
        /// <summary>Every 3 seconds while playing.</summary>
        void OnPlayerQualityUpdate(string streamID, ParleyPlayStreamQuality quality);
        void OnPlayerMediaEvent(string streamID, ParleyPlayerMediaEvent mediaEvent);
        void OnPlayerRecvVideoFirstFrame(string streamID);
        void OnPlayerRenderVideoFirstFrame(string streamID);
        void OnPlayerVideoSizeChanged(string streamID, int width, int height);
        void OnRemoteCameraStateUpdate(string streamID, ParleyRemoteDeviceState state);
        void OnRemoteMicStateUpdate(string streamID, ParleyRemoteDeviceState state);
        /// <summary>Every 2 s while anything is published or played; userID "" is this engine's user.</summary>
        void OnNetworkQuality(string userID, ParleyQualityLevel upstreamQuality, ParleyQualityLevel downstreamQuality);
    }

    /// <summary>An IParleyEventHandler where only OnDebugError must be written, as in the seed.</summary>
    public abstract class ParleyEventHandler : IParleyEventHandler
    {
        public abstract void OnDebugError(int errorCode, string funcName, string info);
        public virtual void OnRoomStateChanged(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData) { }
        public virtual void OnRoomUserUpdate(string roomID, ParleyUpdateType updateType, List<ParleyUser> userList) { }
        public virtual void OnRoomStreamUpdate(string roomID, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData) { }
        public virtual void OnRoomTokenWillExpire(string roomID, int remainTimeInSecond) { }
        public virtual void OnPublisherStateUpdate(string streamID, ParleyPublisherState state, int errorCode, string extendedData) { }
        public virtual void OnPublisherQualityUpdate(string streamID, ParleyPublishStreamQuality quality) { }
        public virtual void OnPublisherCapturedVideoFirstFrame(ParleyPublishChannel channel) { }
        public virtual void OnPlayerStateUpdate(string streamID, ParleyPlayerState state, int errorCode, string extendedData) { }
        public virtual void OnPlayerQualityUpdate(string streamID, ParleyPlayStreamQuality quality) { }
        public virtual void OnPlayerMediaEvent(string streamID, ParleyPlayerMediaEvent mediaEvent) { }
        public virtual void OnPlayerRecvVideoFirstFrame(string streamID) { }
        public virtual void OnPlayerRenderVideoFirstFrame(string streamID) { }
        public virtual void OnPlayerVideoSizeChanged(string streamID, int width, int height) { }
        public virtual void OnRemoteCameraStateUpdate(string streamID, ParleyRemoteDeviceState state) { }
        public virtual void OnRemoteMicStateUpdate(string streamID, ParleyRemoteDeviceState state) { }
        public virtual void OnNetworkQuality(string userID, ParleyQualityLevel upstreamQuality, ParleyQualityLevel downstreamQuality) { }
    }

    public delegate void ParleyDebugErrorHandler(int errorCode, string funcName, string info);
    public delegate void ParleyRoomStateChangedHandler(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData);
    public delegate void ParleyRoomUserUpdateHandler(string roomID, ParleyUpdateType updateType, List<ParleyUser> userList);
    public delegate void ParleyRoomStreamUpdateHandler(string roomID, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData);
    public delegate void ParleyRoomTokenWillExpireHandler(string roomID, int remainTimeInSecond);
    public delegate void ParleyPublisherStateUpdateHandler(string streamID, ParleyPublisherState state, int errorCode, string extendedData);
    public delegate void ParleyPublisherQualityUpdateHandler(string streamID, ParleyPublishStreamQuality quality);
    public delegate void ParleyPublisherCapturedVideoFirstFrameHandler(ParleyPublishChannel channel);
    public delegate void ParleyPlayerStateUpdateHandler(string streamID, ParleyPlayerState state, int errorCode, string extendedData);
    public delegate void ParleyPlayerQualityUpdateHandler(string streamID, ParleyPlayStreamQuality quality);
    public delegate void ParleyPlayerMediaEventHandler(string streamID, ParleyPlayerMediaEvent mediaEvent);
    public delegate void ParleyStreamHandler(string streamID);
    public delegate void ParleyPlayerVideoSizeChangedHandler(string streamID, int width, int height);
    public delegate void ParleyRemoteDeviceStateHandler(string streamID, ParleyRemoteDeviceState state);
    public delegate void ParleyNetworkQualityHandler(string userID, ParleyQualityLevel upstreamQuality, ParleyQualityLevel downstreamQuality);
}
