// Native.cs — the P/Invoke declarations of include/parley.h and the structs
// they take, laid out as the header declares them. Nothing here is public:
// ParleyExpressEngine and ParleyView are the API.
//
// Rules kept here (docs/bindings.md, Unity):
// - Strings go in as NUL-terminated UTF-8 byte arrays (pinned by the
//   marshaller for the call, copied by the library before it returns) or as
//   NativeStrings allocations inside structs; they come back as IntPtr and are
//   decoded by Utf8.FromNative. No LPUTF8Str: Mono 6.8 does not honour it
//   everywhere.
// - Every delegate type handed to native code carries UnmanagedFunctionPointer;
//   the only instances are static fields of NativeCallbacks whose methods are
//   static and marked [MonoPInvokeCallback] (a test checks this by reflection).
using System;
using System.Runtime.InteropServices;

namespace Parley.Native
{
    internal static class NativeMethods
    {
#if UNITY_IOS && !UNITY_EDITOR
        // iOS links the c-archive build statically into the app.
        internal const string Lib = "__Internal";
#else
        internal const string Lib = "parley";
#endif
        internal const uint AbiVersion = 1;
        internal const uint FlagPollEvents = 1;
        internal const int UrlCapacity = 512;

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern uint parley_get_abi_version();
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr parley_get_version();
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr parley_error_name(int code);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern IntPtr parley_error_message(int code);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_engine_create(ref NativeEngineProfile profile, ref NativeEventHandler handler, out IntPtr engine);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_engine_set_event_handler(IntPtr engine, ref NativeEventHandler handler);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_engine_destroy(IntPtr engine, DestroyedFn onDestroyed, IntPtr userData);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_engine_poll_events(IntPtr engine, uint maxEvents, out uint dispatched);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_login_room(IntPtr engine, byte[] roomID, ref NativeUser user, ref NativeRoomConfig config);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_logout_room(IntPtr engine, byte[] roomID);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_renew_token(IntPtr engine, byte[] roomID, byte[] token);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_start_publishing_stream(IntPtr engine, byte[] streamID, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_stop_publishing_stream(IntPtr engine, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_start_preview(IntPtr engine, IntPtr view, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_stop_preview(IntPtr engine, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_set_video_config(IntPtr engine, ref NativeVideoConfig config, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_set_video_source(IntPtr engine, int source, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_set_audio_source(IntPtr engine, int source);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_send_custom_video_frame(IntPtr engine, byte[] rgba, uint width, uint height, uint stride, long timestampMs, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_send_custom_audio_pcm(IntPtr engine, short[] pcm, uint samplesPerChannel, uint sampleRate, uint channels);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_start_playing_stream(IntPtr engine, byte[] streamID, IntPtr view);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_stop_playing_stream(IntPtr engine, byte[] streamID);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_fetch_audio_pcm(IntPtr engine, short[] pcm, uint samplesPerChannel, uint sampleRate, uint channels);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_enable_camera(IntPtr engine, int enable, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_microphone(IntPtr engine, int mute);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_publish_stream_audio(IntPtr engine, int mute, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_publish_stream_video(IntPtr engine, int mute, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_play_stream_audio(IntPtr engine, byte[] streamID, int mute);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_play_stream_video(IntPtr engine, byte[] streamID, int mute);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_mute_speaker(IntPtr engine, int mute);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_set_video_mirror_mode(IntPtr engine, int mode, int channel);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)] internal static extern int parley_set_audio_output(IntPtr engine, int output);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_get_device_count(IntPtr engine, int kind, out uint count);
        // info points at NativeDeviceInfo.Size bytes (fixed char arrays: read by offset).
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_get_device_info(IntPtr engine, int kind, uint index, IntPtr info);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_use_device(IntPtr engine, int kind, byte[] deviceID);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_view_create(ref NativeViewDesc desc, out IntPtr view);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_view_acquire(IntPtr view, ref NativeFrameInfo info);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_view_release(IntPtr view);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_view_destroy(IntPtr view);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_server_start(byte[] configJson, out IntPtr server, byte[] outUrl, uint urlCapacity);
        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_server_stop(IntPtr server);

        [DllImport(Lib, CallingConvention = CallingConvention.Cdecl)]
        internal static extern int parley_set_log_level(int level);
    }

    // ---- structs, as include/parley.h lays them out ----------------------

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeEngineProfile
    {
        public uint struct_size;
        public uint app_id;
        public IntPtr app_sign;
        public int scenario;
        public IntPtr server_url;
        public uint flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeUser
    {
        public IntPtr user_id;
        public IntPtr user_name;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeStream
    {
        public NativeUser user;
        public IntPtr stream_id;
        public IntPtr extra_info;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeRoomConfig
    {
        public uint struct_size;
        public uint max_member_count;
        public int is_user_status_notify;
        public IntPtr token;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePublishQuality
    {
        public uint struct_size;
        public double video_capture_fps;
        public double video_encode_fps;
        public double video_send_fps;
        public double video_kbps;
        public double audio_kbps;
        public int rtt_ms;
        public double packet_loss_rate;
        public int level;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativePlayQuality
    {
        public uint struct_size;
        public double video_recv_fps;
        public double video_decode_fps;
        public double video_render_fps;
        public double video_kbps;
        public double audio_kbps;
        public int rtt_ms;
        public double packet_loss_rate;
        public int delay_ms;
        public double video_break_rate;
        public int width;
        public int height;
        public int level;
    }

    /// <summary>parley_event_handler: user_data, then one function pointer per event, in the header's order.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeEventHandler
    {
        public uint struct_size;
        public IntPtr user_data;
        public IntPtr on_debug_error;
        public IntPtr on_room_state_changed;
        public IntPtr on_room_user_update;
        public IntPtr on_room_stream_update;
        public IntPtr on_room_token_will_expire;
        public IntPtr on_publisher_state_update;
        public IntPtr on_publisher_quality_update;
        public IntPtr on_publisher_captured_video_first_frame;
        public IntPtr on_player_state_update;
        public IntPtr on_player_quality_update;
        public IntPtr on_player_media_event;
        public IntPtr on_player_recv_video_first_frame;
        public IntPtr on_player_render_video_first_frame;
        public IntPtr on_player_video_size_changed;
        public IntPtr on_remote_camera_state_update;
        public IntPtr on_remote_mic_state_update;
        public IntPtr on_network_quality;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeVideoConfig
    {
        public uint struct_size;
        public uint capture_width;
        public uint capture_height;
        public uint encode_width;
        public uint encode_height;
        public uint fps;
        public uint bitrate_kbps;
        public int codec;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeViewDesc
    {
        public uint struct_size;
        public IntPtr pixels;
        public uint width;
        public uint height;
        public uint stride;
        public int view_mode;
        public int flip_y;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct NativeFrameInfo
    {
        public uint struct_size;
        public ulong seq;
        public uint source_width;
        public uint source_height;
        public long capture_time_ms;
        public long write_time_ms;
    }

    /// <summary>parley_device_info: struct_size, char id[256], char name[256], int32 is_default.</summary>
    internal static class NativeDeviceInfo
    {
        internal const int IdOffset = 4;
        internal const int NameOffset = 4 + 256;
        internal const int IsDefaultOffset = 4 + 256 + 256;
        internal const int Size = IsDefaultOffset + 4;
        internal const int TextCapacity = 256;
    }

    // ---- callback signatures (user_data first, as every parley callback) --

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void DebugErrorFn(IntPtr ud, int errorCode, IntPtr funcName, IntPtr info);
    /// <summary>on_room_state_changed, on_publisher_state_update, on_player_state_update: (id, state, code, extended data).</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void StateFn(IntPtr ud, IntPtr id, int state, int errorCode, IntPtr extendedData);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void UserUpdateFn(IntPtr ud, IntPtr roomID, int updateType, IntPtr users, uint count);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void StreamUpdateFn(IntPtr ud, IntPtr roomID, int updateType, IntPtr streams, uint count, IntPtr extendedData);
    /// <summary>(id, value): token expiry, media events, remote device states.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void StringIntFn(IntPtr ud, IntPtr id, int value);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void QualityFn(IntPtr ud, IntPtr streamID, IntPtr quality);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void ChannelFn(IntPtr ud, int channel);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void StringFn(IntPtr ud, IntPtr streamID);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void SizeFn(IntPtr ud, IntPtr streamID, int width, int height);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void NetworkQualityFn(IntPtr ud, IntPtr userID, int upstream, int downstream);
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate void DestroyedFn(IntPtr ud);
}
