// NativeCallbacks.cs — the functions the library calls back. Each is a
// static method marked [MonoPInvokeCallback] (IL2CPP can only export static
// methods), held by a static readonly delegate for the life of the process
// (the garbage collector never frees what native code may still call), and
// finds its engine through user_data, which carries the engine's id, not a
// managed pointer. Engines run in poll mode, so these run only inside
// ParleyExpressEngine.DispatchEvents, on the thread that calls it.
//
// An exception thrown by a handler must not unwind into native code: it is
// caught here and rethrown by DispatchEvents once the library's poll call has
// returned, so Unity shows it in the Console like any exception from Update.
using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using AOT;

namespace Parley.Native
{
    internal static class NativeCallbacks
    {
        static readonly DebugErrorFn DebugError = OnDebugError;
        static readonly StateFn RoomState = OnRoomStateChanged;
        static readonly UserUpdateFn UserUpdate = OnRoomUserUpdate;
        static readonly StreamUpdateFn StreamUpdate = OnRoomStreamUpdate;
        static readonly StringIntFn TokenWillExpire = OnRoomTokenWillExpire;
        static readonly StateFn PublisherState = OnPublisherStateUpdate;
        static readonly QualityFn PublisherQuality = OnPublisherQualityUpdate;
        static readonly ChannelFn CapturedFirstFrame = OnPublisherCapturedVideoFirstFrame;
        static readonly StateFn PlayerState = OnPlayerStateUpdate;
        static readonly QualityFn PlayerQuality = OnPlayerQualityUpdate;
        static readonly StringIntFn MediaEvent = OnPlayerMediaEvent;
        static readonly StringFn RecvFirstFrame = OnPlayerRecvVideoFirstFrame;
        static readonly StringFn RenderFirstFrame = OnPlayerRenderVideoFirstFrame;
        static readonly SizeFn VideoSize = OnPlayerVideoSizeChanged;
        static readonly StringIntFn RemoteCamera = OnRemoteCameraStateUpdate;
        static readonly StringIntFn RemoteMic = OnRemoteMicStateUpdate;
        static readonly NetworkQualityFn NetworkQuality = OnNetworkQuality;
        internal static readonly DestroyedFn Destroyed = OnDestroyed;

        static ExceptionDispatchInfo pending;

        // The one event the library may deliver outside poll_events: the
        // on_debug_error of a panic it recovered inside an API call, sent on the
        // thread of that call (capi/guard.go). It waits here for the next dispatch.
        [ThreadStatic] static bool dispatching;
        static readonly Queue<KeyValuePair<IntPtr, object[]>> deferred = new Queue<KeyValuePair<IntPtr, object[]>>();

        /// <summary>The handler struct for an engine: the same static functions for every engine, its id as user_data.</summary>
        internal static NativeEventHandler Handler(IntPtr userData)
        {
            return new NativeEventHandler
            {
                struct_size = (uint)Marshal.SizeOf(typeof(NativeEventHandler)),
                user_data = userData,
                on_debug_error = Marshal.GetFunctionPointerForDelegate(DebugError),
                on_room_state_changed = Marshal.GetFunctionPointerForDelegate(RoomState),
                on_room_user_update = Marshal.GetFunctionPointerForDelegate(UserUpdate),
                on_room_stream_update = Marshal.GetFunctionPointerForDelegate(StreamUpdate),
                on_room_token_will_expire = Marshal.GetFunctionPointerForDelegate(TokenWillExpire),
                on_publisher_state_update = Marshal.GetFunctionPointerForDelegate(PublisherState),
                on_publisher_quality_update = Marshal.GetFunctionPointerForDelegate(PublisherQuality),
                on_publisher_captured_video_first_frame = Marshal.GetFunctionPointerForDelegate(CapturedFirstFrame),
                on_player_state_update = Marshal.GetFunctionPointerForDelegate(PlayerState),
                on_player_quality_update = Marshal.GetFunctionPointerForDelegate(PlayerQuality),
                on_player_media_event = Marshal.GetFunctionPointerForDelegate(MediaEvent),
                on_player_recv_video_first_frame = Marshal.GetFunctionPointerForDelegate(RecvFirstFrame),
                on_player_render_video_first_frame = Marshal.GetFunctionPointerForDelegate(RenderFirstFrame),
                on_player_video_size_changed = Marshal.GetFunctionPointerForDelegate(VideoSize),
                on_remote_camera_state_update = Marshal.GetFunctionPointerForDelegate(RemoteCamera),
                on_remote_mic_state_update = Marshal.GetFunctionPointerForDelegate(RemoteMic),
                on_network_quality = Marshal.GetFunctionPointerForDelegate(NetworkQuality),
            };
        }

        /// <summary>Marks whether this thread is delivering events; returns what it was (dispatches may nest).</summary>
        internal static bool SetDispatching(bool on)
        {
            bool was = dispatching;
            dispatching = on;
            return was;
        }

        /// <summary>Delivers the debug errors that arrived outside a dispatch (call while dispatching).</summary>
        internal static void DeliverDeferred()
        {
            while (true)
            {
                KeyValuePair<IntPtr, object[]> d;
                lock (deferred)
                {
                    if (deferred.Count == 0) return;
                    d = deferred.Dequeue();
                }
                try
                {
                    var e = Parley.ParleyExpressEngine.FromUserData(d.Key);
                    if (e != null) e.RaiseDebugError((int)d.Value[0], (string)d.Value[1], (string)d.Value[2]);
                }
                catch (Exception ex) { Capture(ex); }
            }
        }

        /// <summary>Rethrows the first exception a handler threw during the last dispatch, if any.</summary>
        internal static void RethrowPending()
        {
            var p = pending;
            pending = null;
            if (p != null) p.Throw();
        }

        static void Capture(Exception e)
        {
            if (pending == null) pending = ExceptionDispatchInfo.Capture(e);
        }

        [MonoPInvokeCallback(typeof(DebugErrorFn))]
        static void OnDebugError(IntPtr ud, int errorCode, IntPtr funcName, IntPtr info)
        {
            try
            {
                if (!dispatching)
                {
                    var args = new object[] { errorCode, Utf8.FromNative(funcName), Utf8.FromNative(info) };
                    lock (deferred) deferred.Enqueue(new KeyValuePair<IntPtr, object[]>(ud, args));
                    return;
                }
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaiseDebugError(errorCode, Utf8.FromNative(funcName), Utf8.FromNative(info));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StateFn))]
        static void OnRoomStateChanged(IntPtr ud, IntPtr roomID, int reason, int errorCode, IntPtr extendedData)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null)
                    e.RaiseRoomStateChanged(Utf8.FromNative(roomID), (Parley.ParleyRoomStateChangedReason)reason, errorCode,
                        Utf8.FromNative(extendedData));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(UserUpdateFn))]
        static void OnRoomUserUpdate(IntPtr ud, IntPtr roomID, int updateType, IntPtr users, uint count)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e == null) return;
                var list = new List<Parley.ParleyUser>((int)count);
                int size = Marshal.SizeOf(typeof(NativeUser));
                for (int i = 0; i < count; i++)
                    list.Add(ToUser((NativeUser)Marshal.PtrToStructure(new IntPtr(users.ToInt64() + (long)i * size), typeof(NativeUser))));
                e.RaiseRoomUserUpdate(Utf8.FromNative(roomID), (Parley.ParleyUpdateType)updateType, list);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StreamUpdateFn))]
        static void OnRoomStreamUpdate(IntPtr ud, IntPtr roomID, int updateType, IntPtr streams, uint count, IntPtr extendedData)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e == null) return;
                var list = new List<Parley.ParleyStream>((int)count);
                int size = Marshal.SizeOf(typeof(NativeStream));
                for (int i = 0; i < count; i++)
                {
                    var s = (NativeStream)Marshal.PtrToStructure(new IntPtr(streams.ToInt64() + (long)i * size), typeof(NativeStream));
                    list.Add(new Parley.ParleyStream
                    {
                        User = ToUser(s.user),
                        StreamID = Utf8.FromNative(s.stream_id),
                        ExtraInfo = Utf8.FromNative(s.extra_info),
                    });
                }
                e.RaiseRoomStreamUpdate(Utf8.FromNative(roomID), (Parley.ParleyUpdateType)updateType, list, Utf8.FromNative(extendedData));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringIntFn))]
        static void OnRoomTokenWillExpire(IntPtr ud, IntPtr roomID, int remainSeconds)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaiseRoomTokenWillExpire(Utf8.FromNative(roomID), remainSeconds);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StateFn))]
        static void OnPublisherStateUpdate(IntPtr ud, IntPtr streamID, int state, int errorCode, IntPtr extendedData)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null)
                    e.RaisePublisherStateUpdate(Utf8.FromNative(streamID), (Parley.ParleyPublisherState)state, errorCode,
                        Utf8.FromNative(extendedData));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(QualityFn))]
        static void OnPublisherQualityUpdate(IntPtr ud, IntPtr streamID, IntPtr quality)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e == null || quality == IntPtr.Zero) return;
                var q = (NativePublishQuality)Marshal.PtrToStructure(quality, typeof(NativePublishQuality));
                e.RaisePublisherQualityUpdate(Utf8.FromNative(streamID), new Parley.ParleyPublishStreamQuality
                {
                    VideoCaptureFPS = q.video_capture_fps,
                    VideoEncodeFPS = q.video_encode_fps,
                    VideoSendFPS = q.video_send_fps,
                    VideoKBPS = q.video_kbps,
                    AudioKBPS = q.audio_kbps,
                    Rtt = q.rtt_ms,
                    PacketLostRate = q.packet_loss_rate,
                    Level = (Parley.ParleyQualityLevel)q.level,
                });
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(ChannelFn))]
        static void OnPublisherCapturedVideoFirstFrame(IntPtr ud, int channel)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaisePublisherCapturedVideoFirstFrame((Parley.ParleyPublishChannel)channel);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StateFn))]
        static void OnPlayerStateUpdate(IntPtr ud, IntPtr streamID, int state, int errorCode, IntPtr extendedData)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null)
                    e.RaisePlayerStateUpdate(Utf8.FromNative(streamID), (Parley.ParleyPlayerState)state, errorCode,
                        Utf8.FromNative(extendedData));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(QualityFn))]
        static void OnPlayerQualityUpdate(IntPtr ud, IntPtr streamID, IntPtr quality)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e == null || quality == IntPtr.Zero) return;
                var q = (NativePlayQuality)Marshal.PtrToStructure(quality, typeof(NativePlayQuality));
                e.RaisePlayerQualityUpdate(Utf8.FromNative(streamID), new Parley.ParleyPlayStreamQuality
                {
                    VideoRecvFPS = q.video_recv_fps,
                    VideoDecodeFPS = q.video_decode_fps,
                    VideoRenderFPS = q.video_render_fps,
                    VideoKBPS = q.video_kbps,
                    AudioKBPS = q.audio_kbps,
                    Rtt = q.rtt_ms,
                    PacketLostRate = q.packet_loss_rate,
                    Delay = q.delay_ms,
                    VideoBreakRate = q.video_break_rate,
                    Width = q.width,
                    Height = q.height,
                    Level = (Parley.ParleyQualityLevel)q.level,
                });
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringIntFn))]
        static void OnPlayerMediaEvent(IntPtr ud, IntPtr streamID, int mediaEvent)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaisePlayerMediaEvent(Utf8.FromNative(streamID), (Parley.ParleyPlayerMediaEvent)mediaEvent);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringFn))]
        static void OnPlayerRecvVideoFirstFrame(IntPtr ud, IntPtr streamID)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaisePlayerRecvVideoFirstFrame(Utf8.FromNative(streamID));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringFn))]
        static void OnPlayerRenderVideoFirstFrame(IntPtr ud, IntPtr streamID)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaisePlayerRenderVideoFirstFrame(Utf8.FromNative(streamID));
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(SizeFn))]
        static void OnPlayerVideoSizeChanged(IntPtr ud, IntPtr streamID, int width, int height)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaisePlayerVideoSizeChanged(Utf8.FromNative(streamID), width, height);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringIntFn))]
        static void OnRemoteCameraStateUpdate(IntPtr ud, IntPtr streamID, int state)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaiseRemoteCameraStateUpdate(Utf8.FromNative(streamID), (Parley.ParleyRemoteDeviceState)state);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(StringIntFn))]
        static void OnRemoteMicStateUpdate(IntPtr ud, IntPtr streamID, int state)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null) e.RaiseRemoteMicStateUpdate(Utf8.FromNative(streamID), (Parley.ParleyRemoteDeviceState)state);
            }
            catch (Exception ex) { Capture(ex); }
        }

        [MonoPInvokeCallback(typeof(NetworkQualityFn))]
        static void OnNetworkQuality(IntPtr ud, IntPtr userID, int upstream, int downstream)
        {
            try
            {
                var e = ParleyExpressEngine.FromUserData(ud);
                if (e != null)
                    e.RaiseNetworkQuality(Utf8.FromNative(userID), (Parley.ParleyQualityLevel)upstream, (Parley.ParleyQualityLevel)downstream);
            }
            catch (Exception ex) { Capture(ex); }
        }

        /// <summary>The library calls this inside parley_engine_destroy (its contract allows any thread): only note it.</summary>
        [MonoPInvokeCallback(typeof(DestroyedFn))]
        static void OnDestroyed(IntPtr ud)
        {
            try { ParleyExpressEngine.NoteDestroyed(ud.ToInt32()); }
            catch (Exception ex) { Capture(ex); }
        }

        static Parley.ParleyUser ToUser(NativeUser u)
        {
            return new Parley.ParleyUser(Utf8.FromNative(u.user_id), Utf8.FromNative(u.user_name));
        }
    }
}
