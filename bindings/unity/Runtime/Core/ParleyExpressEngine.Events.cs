// ParleyExpressEngine.Events.cs — each event goes to the handler given to
// CreateEngine / SetEventHandler first, then to the C# event of the same
// name. Both run inside DispatchEvents, on the thread that calls it.
using System.Collections.Generic;

namespace Parley
{
    public sealed partial class ParleyExpressEngine
    {
        public event ParleyDebugErrorHandler OnDebugError;
        public event ParleyRoomStateChangedHandler OnRoomStateChanged;
        public event ParleyRoomUserUpdateHandler OnRoomUserUpdate;
        public event ParleyRoomStreamUpdateHandler OnRoomStreamUpdate;
        public event ParleyRoomTokenWillExpireHandler OnRoomTokenWillExpire;
        public event ParleyPublisherStateUpdateHandler OnPublisherStateUpdate;
        public event ParleyPublisherQualityUpdateHandler OnPublisherQualityUpdate;
        public event ParleyPublisherCapturedVideoFirstFrameHandler OnPublisherCapturedVideoFirstFrame;
        public event ParleyPlayerStateUpdateHandler OnPlayerStateUpdate;
        public event ParleyPlayerQualityUpdateHandler OnPlayerQualityUpdate;
        public event ParleyPlayerMediaEventHandler OnPlayerMediaEvent;
        public event ParleyStreamHandler OnPlayerRecvVideoFirstFrame;
        public event ParleyStreamHandler OnPlayerRenderVideoFirstFrame;
        public event ParleyPlayerVideoSizeChangedHandler OnPlayerVideoSizeChanged;
        public event ParleyRemoteDeviceStateHandler OnRemoteCameraStateUpdate;
        public event ParleyRemoteDeviceStateHandler OnRemoteMicStateUpdate;
        public event ParleyNetworkQualityHandler OnNetworkQuality;

        internal void RaiseDebugError(int errorCode, string funcName, string info)
        {
            handler?.OnDebugError(errorCode, funcName, info);
            OnDebugError?.Invoke(errorCode, funcName, info);
        }

        internal void RaiseRoomStateChanged(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData)
        {
            handler?.OnRoomStateChanged(roomID, reason, errorCode, extendedData);
            OnRoomStateChanged?.Invoke(roomID, reason, errorCode, extendedData);
        }

        internal void RaiseRoomUserUpdate(string roomID, ParleyUpdateType updateType, List<ParleyUser> userList)
        {
            handler?.OnRoomUserUpdate(roomID, updateType, userList);
            OnRoomUserUpdate?.Invoke(roomID, updateType, userList);
        }

        internal void RaiseRoomStreamUpdate(string roomID, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData)
        {
            handler?.OnRoomStreamUpdate(roomID, updateType, streamList, extendedData);
            OnRoomStreamUpdate?.Invoke(roomID, updateType, streamList, extendedData);
        }

        internal void RaiseRoomTokenWillExpire(string roomID, int remainTimeInSecond)
        {
            handler?.OnRoomTokenWillExpire(roomID, remainTimeInSecond);
            OnRoomTokenWillExpire?.Invoke(roomID, remainTimeInSecond);
        }

        internal void RaisePublisherStateUpdate(string streamID, ParleyPublisherState state, int errorCode, string extendedData)
        {
            handler?.OnPublisherStateUpdate(streamID, state, errorCode, extendedData);
            OnPublisherStateUpdate?.Invoke(streamID, state, errorCode, extendedData);
        }

        internal void RaisePublisherQualityUpdate(string streamID, ParleyPublishStreamQuality quality)
        {
            handler?.OnPublisherQualityUpdate(streamID, quality);
            OnPublisherQualityUpdate?.Invoke(streamID, quality);
        }

        internal void RaisePublisherCapturedVideoFirstFrame(ParleyPublishChannel channel)
        {
            handler?.OnPublisherCapturedVideoFirstFrame(channel);
            OnPublisherCapturedVideoFirstFrame?.Invoke(channel);
        }

        internal void RaisePlayerStateUpdate(string streamID, ParleyPlayerState state, int errorCode, string extendedData)
        {
            handler?.OnPlayerStateUpdate(streamID, state, errorCode, extendedData);
            OnPlayerStateUpdate?.Invoke(streamID, state, errorCode, extendedData);
        }

        internal void RaisePlayerQualityUpdate(string streamID, ParleyPlayStreamQuality quality)
        {
            handler?.OnPlayerQualityUpdate(streamID, quality);
            OnPlayerQualityUpdate?.Invoke(streamID, quality);
        }

        internal void RaisePlayerMediaEvent(string streamID, ParleyPlayerMediaEvent mediaEvent)
        {
            handler?.OnPlayerMediaEvent(streamID, mediaEvent);
            OnPlayerMediaEvent?.Invoke(streamID, mediaEvent);
        }

        internal void RaisePlayerRecvVideoFirstFrame(string streamID)
        {
            handler?.OnPlayerRecvVideoFirstFrame(streamID);
            OnPlayerRecvVideoFirstFrame?.Invoke(streamID);
        }

        internal void RaisePlayerRenderVideoFirstFrame(string streamID)
        {
            handler?.OnPlayerRenderVideoFirstFrame(streamID);
            OnPlayerRenderVideoFirstFrame?.Invoke(streamID);
        }

        internal void RaisePlayerVideoSizeChanged(string streamID, int width, int height)
        {
            handler?.OnPlayerVideoSizeChanged(streamID, width, height);
            OnPlayerVideoSizeChanged?.Invoke(streamID, width, height);
        }

        internal void RaiseRemoteCameraStateUpdate(string streamID, ParleyRemoteDeviceState state)
        {
            handler?.OnRemoteCameraStateUpdate(streamID, state);
            OnRemoteCameraStateUpdate?.Invoke(streamID, state);
        }

        internal void RaiseRemoteMicStateUpdate(string streamID, ParleyRemoteDeviceState state)
        {
            handler?.OnRemoteMicStateUpdate(streamID, state);
            OnRemoteMicStateUpdate?.Invoke(streamID, state);
        }

        internal void RaiseNetworkQuality(string userID, ParleyQualityLevel upstream, ParleyQualityLevel downstream)
        {
            handler?.OnNetworkQuality(userID, upstream, downstream);
            OnNetworkQuality?.Invoke(userID, upstream, downstream);
        }
    }
}
