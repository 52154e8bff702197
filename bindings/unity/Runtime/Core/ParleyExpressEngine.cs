// ParleyExpressEngine.cs — the seed's ZegoExpressEngine in C#, over the C ABI.
//
// Engines are always created in poll mode: the library queues their events
// and DispatchEvents delivers them on the calling thread (in Unity,
// ParleyEventPump.Update on the main thread), then uploads each view's newest
// frame. Nothing managed ever runs on the library's own threads.
//
// Errors: a method that can fail returns the library's code (ParleyErrorCode.OK
// or an error); on a live engine the failure is also reported through
// OnDebugError, as the seed's SDK reports API misuse. C# adds exceptions only
// where a code cannot express the mistake: ArgumentNullException for a null
// required argument, ArgumentException for a buffer too small for the sizes
// given (the library would read or write past it), ObjectDisposedException for
// a disposed view, and ParleyException where nothing can be returned (creating
// an engine, a view or a server).
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Parley.Native;

namespace Parley
{
    public sealed partial class ParleyExpressEngine
    {
        static readonly object registryLock = new object();
        static readonly Dictionary<int, ParleyExpressEngine> engines = new Dictionary<int, ParleyExpressEngine>();
        static readonly Dictionary<int, Action> destroyCallbacks = new Dictionary<int, Action>();
        static readonly List<int> destroyedIDs = new List<int>();
        static int lastID;
        static ParleyExpressEngine shared;

        readonly int id;
        IntPtr handle;
        IParleyEventHandler handler;
        readonly Dictionary<ParleyPublishChannel, ParleyView> previews = new Dictionary<ParleyPublishChannel, ParleyView>();
        readonly Dictionary<string, ParleyView> players = new Dictionary<string, ParleyView>();
        readonly List<string> rooms = new List<string>();
        short[] floatFetchBuffer;

        static ParleyExpressEngine()
        {
            // A script reload in the Editor unloads the domain but not the library:
            // stop the engines whose handlers are about to disappear.
            AppDomain.CurrentDomain.DomainUnload += (sender, args) => DestroyAll();
        }

        ParleyExpressEngine(int id, IParleyEventHandler handler)
        {
            this.id = id;
            this.handler = handler;
        }

        /// <summary>Called once per engine created; the Unity part makes sure a ParleyEventPump runs.</summary>
        static partial void OnEngineCreated(ParleyExpressEngine engine);

        // ---- creating and destroying ---------------------------------------

        /// <summary>
        /// Creates the engine, as the seed's createEngine: there is one, and a second
        /// call returns the first (profile and handler are then ignored) until
        /// DestroyEngine.
        /// </summary>
        /// <exception cref="ArgumentNullException">profile is null.</exception>
        /// <exception cref="ParleyException">the library refused the profile (INVALID_APP_SIGN, INVALID_ARGUMENT, INVALID_SERVER_URL).</exception>
        public static ParleyExpressEngine CreateEngine(ParleyEngineProfile profile, IParleyEventHandler handler = null)
        {
            lock (registryLock)
            {
                if (shared != null) return shared;
            }
            var e = Create(profile, handler);
            lock (registryLock)
            {
                if (shared == null)
                {
                    shared = e;
                    return e;
                }
            }
            e.Destroy(); // another thread won the race
            return GetEngine();
        }

        /// <summary>The engine CreateEngine made, or null.</summary>
        public static ParleyExpressEngine GetEngine()
        {
            lock (registryLock) return shared;
        }

        /// <summary>
        /// Destroys the engine CreateEngine made: logs out, stops everything, frees
        /// its views. callback runs on the thread that dispatches events once the
        /// library has released everything (normally before this returns).
        /// </summary>
        public static void DestroyEngine(Action callback = null)
        {
            var e = GetEngine();
            if (e != null) e.Destroy(callback);
        }

        /// <summary>
        /// An engine beside the one CreateEngine makes: the library allows several
        /// per process (local multiplayer, tests). Destroy it with Destroy().
        /// </summary>
        /// <exception cref="ArgumentNullException">profile is null.</exception>
        /// <exception cref="ParleyException">the library refused the profile.</exception>
        public static ParleyExpressEngine CreateIndependentEngine(ParleyEngineProfile profile, IParleyEventHandler handler = null)
        {
            return Create(profile, handler);
        }

        static ParleyExpressEngine Create(ParleyEngineProfile profile, IParleyEventHandler handler)
        {
            if (profile == null) throw new ArgumentNullException("profile");
            uint abi = NativeMethods.parley_get_abi_version();
            if (abi != NativeMethods.AbiVersion)
                throw new NotSupportedException("the Parley library speaks ABI version " + abi + ", this binding " + NativeMethods.AbiVersion);
            ParleyExpressEngine e;
            lock (registryLock)
            {
                e = new ParleyExpressEngine(++lastID, handler);
                engines.Add(e.id, e);
            }
            int rc;
            using (var strings = new NativeStrings())
            {
                var p = new NativeEngineProfile
                {
                    struct_size = (uint)Marshal.SizeOf(typeof(NativeEngineProfile)),
                    app_id = profile.AppID,
                    app_sign = strings.Add(profile.AppSign),
                    scenario = (int)profile.Scenario,
                    server_url = strings.Add(profile.Server),
                    flags = NativeMethods.FlagPollEvents,
                };
                var h = NativeCallbacks.Handler(new IntPtr(e.id));
                rc = NativeMethods.parley_engine_create(ref p, ref h, out e.handle);
            }
            if (rc != ParleyErrorCode.OK)
            {
                lock (registryLock) engines.Remove(e.id);
                throw new ParleyException(rc, "parley_engine_create");
            }
            OnEngineCreated(e);
            return e;
        }

        /// <summary>
        /// Destroys this engine (see DestroyEngine). Afterwards every method returns
        /// ParleyErrorCode.InvalidHandle and no event of it is delivered.
        /// </summary>
        public int Destroy(Action onDestroyed = null)
        {
            IntPtr h = handle;
            if (h == IntPtr.Zero) return ParleyErrorCode.InvalidHandle;
            handle = IntPtr.Zero;
            lock (registryLock)
            {
                if (onDestroyed != null) destroyCallbacks[id] = onDestroyed;
            }
            int rc = NativeMethods.parley_engine_destroy(h, NativeCallbacks.Destroyed, new IntPtr(id));
            lock (registryLock)
            {
                engines.Remove(id);
                if (shared == this) shared = null;
                if (rc != ParleyErrorCode.OK) destroyCallbacks.Remove(id);
            }
            // The library has detached every view; free the ones the binding made.
            var shown = ShownViews();
            lock (viewLock)
            {
                previews.Clear();
                players.Clear();
            }
            foreach (var v in shown) ReleaseView(v);
            rooms.Clear();
            RunDestroyCallbacks();
            return rc;
        }

        /// <summary>Destroys every engine (the Unity pump calls it when the application quits).</summary>
        public static void DestroyAll()
        {
            List<ParleyExpressEngine> all;
            lock (registryLock) all = new List<ParleyExpressEngine>(engines.Values);
            foreach (var e in all) e.Destroy();
        }

        /// <summary>What the library passes back to this engine's callbacks: its id.</summary>
        internal IntPtr UserData { get { return new IntPtr(id); } }

        internal static ParleyExpressEngine FromUserData(IntPtr userData)
        {
            lock (registryLock)
            {
                ParleyExpressEngine e;
                return engines.TryGetValue(userData.ToInt32(), out e) ? e : null;
            }
        }

        internal static void NoteDestroyed(int engineID)
        {
            lock (registryLock) destroyedIDs.Add(engineID);
        }

        static void RunDestroyCallbacks()
        {
            var run = new List<Action>();
            lock (registryLock)
            {
                foreach (int done in destroyedIDs)
                {
                    Action a;
                    if (destroyCallbacks.TryGetValue(done, out a)) run.Add(a);
                    destroyCallbacks.Remove(done);
                }
                destroyedIDs.Clear();
            }
            foreach (var a in run) a();
        }

        // ---- the frame loop -------------------------------------------------

        /// <summary>
        /// Delivers every engine's queued events on this thread, then uploads each
        /// shown view's newest frame. Unity: ParleyEventPump calls it from Update;
        /// elsewhere call it once per frame from the thread that owns the game.
        /// An exception thrown by a handler is rethrown here after the library's
        /// poll call has returned.
        /// </summary>
        /// <returns>the number of events delivered.</returns>
        public static int DispatchEvents()
        {
            List<ParleyExpressEngine> all;
            lock (registryLock) all = new List<ParleyExpressEngine>(engines.Values);
            int total = 0;
            bool nested = NativeCallbacks.SetDispatching(true);
            try
            {
                NativeCallbacks.DeliverDeferred();
                foreach (var e in all)
                {
                    if (e.handle == IntPtr.Zero) continue;
                    uint n;
                    if (NativeMethods.parley_engine_poll_events(e.handle, 0, out n) == ParleyErrorCode.OK) total += (int)n;
                }
            }
            finally
            {
                NativeCallbacks.SetDispatching(nested);
            }
            foreach (var e in all)
            {
                if (e.handle == IntPtr.Zero) continue;
                foreach (var v in e.ShownViews()) v.Refresh();
            }
            RunDestroyCallbacks();
            NativeCallbacks.RethrowPending();
            return total;
        }

        /// <summary>Replaces the handler (null: only the C# events). Events already queued go to the new one.</summary>
        public void SetEventHandler(IParleyEventHandler eventHandler)
        {
            handler = eventHandler;
        }

        // ---- rooms ------------------------------------------------------------

        /// <summary>Logs in; the outcome arrives as OnRoomStateChanged (Logining, then Logined or LoginFailed).</summary>
        /// <exception cref="ArgumentNullException">roomID or user is null.</exception>
        public int LoginRoom(string roomID, ParleyUser user, ParleyRoomConfig config = null)
        {
            if (roomID == null) throw new ArgumentNullException("roomID");
            if (user == null) throw new ArgumentNullException("user");
            if (config == null) config = new ParleyRoomConfig();
            int rc;
            using (var strings = new NativeStrings())
            {
                var u = new NativeUser { user_id = strings.Add(user.UserID), user_name = strings.Add(user.UserName) };
                var c = new NativeRoomConfig
                {
                    struct_size = (uint)Marshal.SizeOf(typeof(NativeRoomConfig)),
                    max_member_count = config.MaxMemberCount,
                    is_user_status_notify = config.IsUserStatusNotify ? 1 : 0,
                    token = strings.Add(config.Token),
                };
                rc = NativeMethods.parley_login_room(handle, Utf8.Bytes(roomID), ref u, ref c);
            }
            if (rc == ParleyErrorCode.OK) rooms.Add(roomID);
            return rc;
        }

        /// <summary>Logs out of roomID, or of every room for null (the seed's logoutRoom()).</summary>
        public int LogoutRoom(string roomID = null)
        {
            int rc = NativeMethods.parley_logout_room(handle, Utf8.Bytes(roomID));
            if (rc != ParleyErrorCode.OK) return rc;
            // Streams are played from the first room: leaving it stops every player.
            if (roomID == null || (rooms.Count > 0 && rooms[0] == roomID))
            {
                List<ParleyView> stopped;
                lock (viewLock)
                {
                    stopped = new List<ParleyView>(players.Values);
                    players.Clear();
                }
                foreach (var v in stopped) ReleaseView(v);
            }
            if (roomID == null) rooms.Clear();
            else rooms.Remove(roomID);
            return rc;
        }

        /// <summary>Gives a room a fresh token (answer to OnRoomTokenWillExpire).</summary>
        public int RenewToken(string roomID, string token)
        {
            return NativeMethods.parley_renew_token(handle, Utf8.Bytes(roomID), Utf8.Bytes(token));
        }

        // ---- publishing and preview ---------------------------------------------

        /// <exception cref="ArgumentNullException">streamID is null.</exception>
        public int StartPublishingStream(string streamID, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            if (streamID == null) throw new ArgumentNullException("streamID");
            return NativeMethods.parley_start_publishing_stream(handle, Utf8.Bytes(streamID), (int)channel);
        }

        public int StopPublishingStream(ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_stop_publishing_stream(handle, (int)channel);
        }

        /// <summary>Shows the channel's video in view (null: run the source without drawing it).</summary>
        /// <exception cref="ObjectDisposedException">view is disposed.</exception>
        public int StartPreview(ParleyView view = null, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            int rc = NativeMethods.parley_start_preview(handle, view != null ? view.Handle : IntPtr.Zero, (int)channel);
            if (rc == ParleyErrorCode.OK) SetSlot(previews, channel, view);
            return rc;
        }

        public int StopPreview(ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            int rc = NativeMethods.parley_stop_preview(handle, (int)channel);
            if (rc == ParleyErrorCode.OK) SetSlot(previews, channel, null);
            return rc;
        }

        /// <exception cref="ArgumentNullException">config is null.</exception>
        public int SetVideoConfig(ParleyVideoConfig config, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            if (config == null) throw new ArgumentNullException("config");
            var c = new NativeVideoConfig
            {
                struct_size = (uint)Marshal.SizeOf(typeof(NativeVideoConfig)),
                capture_width = (uint)config.CaptureWidth,
                capture_height = (uint)config.CaptureHeight,
                encode_width = (uint)config.EncodeWidth,
                encode_height = (uint)config.EncodeHeight,
                fps = (uint)config.FPS,
                bitrate_kbps = (uint)config.Bitrate,
                codec = (int)config.Codec,
            };
            return NativeMethods.parley_set_video_config(handle, ref c, (int)channel);
        }

        public int SetVideoSource(ParleyVideoSource source, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_set_video_source(handle, (int)source, (int)channel);
        }

        public int SetAudioSource(ParleyAudioSource source)
        {
            return NativeMethods.parley_set_audio_source(handle, (int)source);
        }

        public int SetVideoMirrorMode(ParleyVideoMirrorMode mode, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_set_video_mirror_mode(handle, (int)mode, (int)channel);
        }

        public int EnableCamera(bool enable, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_enable_camera(handle, enable ? 1 : 0, (int)channel);
        }

        public int MuteMicrophone(bool mute)
        {
            return NativeMethods.parley_mute_microphone(handle, mute ? 1 : 0);
        }

        public int MutePublishStreamAudio(bool mute, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_mute_publish_stream_audio(handle, mute ? 1 : 0, (int)channel);
        }

        public int MutePublishStreamVideo(bool mute, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            return NativeMethods.parley_mute_publish_stream_video(handle, mute ? 1 : 0, (int)channel);
        }

        /// <summary>
        /// Pushes one RGBA8 frame, top row first, into a channel whose source is
        /// Custom (copied before the call returns; any thread). stride 0 means 4 * width.
        /// </summary>
        /// <exception cref="ArgumentNullException">rgba is null.</exception>
        /// <exception cref="ArgumentException">rgba is shorter than the sizes say.</exception>
        public int SendCustomVideoFrame(byte[] rgba, int width, int height, int stride = 0, long timestampMs = 0,
                                        ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            if (rgba == null) throw new ArgumentNullException("rgba");
            if (stride == 0) stride = 4 * width;
            if (width > 0 && height > 0 && stride >= 4 * width && rgba.LongLength < (long)stride * (height - 1) + 4L * width)
                throw new ArgumentException("rgba holds " + rgba.Length + " bytes, fewer than a " + width + "x" + height +
                                            " frame of stride " + stride, "rgba");
            return NativeMethods.parley_send_custom_video_frame(handle, rgba, (uint)width, (uint)height, (uint)stride, timestampMs, (int)channel);
        }

        /// <summary>Pushes 16-bit PCM, channels interleaved, when the audio source is Custom (any thread, about every 10 ms).</summary>
        /// <exception cref="ArgumentNullException">pcm is null.</exception>
        /// <exception cref="ArgumentException">pcm is shorter than samplesPerChannel * channels.</exception>
        public int SendCustomAudioPcm(short[] pcm, int samplesPerChannel, int sampleRate, int channels)
        {
            CheckPcm(pcm, samplesPerChannel, channels);
            return NativeMethods.parley_send_custom_audio_pcm(handle, pcm, (uint)samplesPerChannel, (uint)sampleRate, (uint)channels);
        }

        // ---- playing ------------------------------------------------------------

        /// <summary>
        /// Plays a stream: its audio into the mix, its video into view (null: audio
        /// only). A stream nobody publishes yet waits in PlayRequesting.
        /// </summary>
        /// <exception cref="ArgumentNullException">streamID is null.</exception>
        /// <exception cref="ObjectDisposedException">view is disposed.</exception>
        public int StartPlayingStream(string streamID, ParleyView view = null)
        {
            if (streamID == null) throw new ArgumentNullException("streamID");
            int rc = NativeMethods.parley_start_playing_stream(handle, Utf8.Bytes(streamID), view != null ? view.Handle : IntPtr.Zero);
            if (rc == ParleyErrorCode.OK) SetSlot(players, streamID, view);
            return rc;
        }

        /// <exception cref="ArgumentNullException">streamID is null.</exception>
        public int StopPlayingStream(string streamID)
        {
            if (streamID == null) throw new ArgumentNullException("streamID");
            int rc = NativeMethods.parley_stop_playing_stream(handle, Utf8.Bytes(streamID));
            if (rc == ParleyErrorCode.OK) SetSlot(players, streamID, null);
            return rc;
        }

        public int MutePlayStreamAudio(string streamID, bool mute)
        {
            return NativeMethods.parley_mute_play_stream_audio(handle, Utf8.Bytes(streamID), mute ? 1 : 0);
        }

        public int MutePlayStreamVideo(string streamID, bool mute)
        {
            return NativeMethods.parley_mute_play_stream_video(handle, Utf8.Bytes(streamID), mute ? 1 : 0);
        }

        public int MuteSpeaker(bool mute)
        {
            return NativeMethods.parley_mute_speaker(handle, mute ? 1 : 0);
        }

        public int SetAudioOutput(ParleyAudioOutput output)
        {
            return NativeMethods.parley_set_audio_output(handle, (int)output);
        }

        /// <summary>Pulls the next samplesPerChannel frames of the played streams' mix (16-bit, interleaved); silence when there is none.</summary>
        /// <exception cref="ArgumentNullException">pcm is null.</exception>
        /// <exception cref="ArgumentException">pcm is shorter than samplesPerChannel * channels.</exception>
        public int FetchAudioPcm(short[] pcm, int samplesPerChannel, int sampleRate, int channels)
        {
            CheckPcm(pcm, samplesPerChannel, channels);
            return NativeMethods.parley_fetch_audio_pcm(handle, pcm, (uint)samplesPerChannel, (uint)sampleRate, (uint)channels);
        }

        /// <summary>
        /// Fills a float buffer with the mix, as Unity's OnAudioFilterRead(data,
        /// channels) wants it (samples -1..1, interleaved; AudioSettings.outputSampleRate).
        /// For one audio thread at a time.
        /// </summary>
        /// <exception cref="ArgumentNullException">data is null.</exception>
        public int FetchAudio(float[] data, int channels, int sampleRate)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (channels < 1) return NativeMethods.parley_fetch_audio_pcm(handle, null, 0, (uint)sampleRate, (uint)channels);
            int frames = data.Length / channels;
            if (floatFetchBuffer == null || floatFetchBuffer.Length < frames * channels) floatFetchBuffer = new short[frames * channels];
            int rc = FetchAudioPcm(floatFetchBuffer, frames, sampleRate, channels);
            if (rc != ParleyErrorCode.OK) return rc;
            for (int i = 0; i < frames * channels; i++) data[i] = floatFetchBuffer[i] / 32768f;
            return rc;
        }

        static void CheckPcm(short[] pcm, int samplesPerChannel, int channels)
        {
            if (pcm == null) throw new ArgumentNullException("pcm");
            if (samplesPerChannel > 0 && channels > 0 && pcm.LongLength < (long)samplesPerChannel * channels)
                throw new ArgumentException("pcm holds " + pcm.Length + " samples, fewer than " + samplesPerChannel + " x " + channels, "pcm");
        }

        // ---- settings and devices --------------------------------------------------

        /// <summary>The cameras, microphones or speakers there are now; empty on error (reported through OnDebugError).</summary>
        public List<ParleyDeviceInfo> GetDeviceList(ParleyDeviceKind kind)
        {
            var list = new List<ParleyDeviceInfo>();
            uint count;
            if (NativeMethods.parley_get_device_count(handle, (int)kind, out count) != ParleyErrorCode.OK) return list;
            IntPtr info = Marshal.AllocHGlobal(NativeDeviceInfo.Size);
            try
            {
                for (uint i = 0; i < count; i++)
                {
                    Marshal.WriteInt32(info, 0, NativeDeviceInfo.Size);
                    if (NativeMethods.parley_get_device_info(handle, (int)kind, i, info) != ParleyErrorCode.OK) break;
                    list.Add(new ParleyDeviceInfo
                    {
                        DeviceID = Utf8.FromFixed(new IntPtr(info.ToInt64() + NativeDeviceInfo.IdOffset), NativeDeviceInfo.TextCapacity),
                        DeviceName = Utf8.FromFixed(new IntPtr(info.ToInt64() + NativeDeviceInfo.NameOffset), NativeDeviceInfo.TextCapacity),
                        IsDefault = Marshal.ReadInt32(info, NativeDeviceInfo.IsDefaultOffset) != 0,
                    });
                }
            }
            finally
            {
                Marshal.FreeHGlobal(info);
            }
            return list;
        }

        /// <summary>Selects a device by its DeviceID (null or "": the system default).</summary>
        public int UseDevice(ParleyDeviceKind kind, string deviceID)
        {
            return NativeMethods.parley_use_device(handle, (int)kind, Utf8.Bytes(deviceID));
        }

        // ---- process-wide -------------------------------------------------------------

        /// <summary>The library's version, such as "0.1.0".</summary>
        public static string GetVersion()
        {
            return Utf8.FromNative(NativeMethods.parley_get_version());
        }

        /// <summary>The lowest level the library logs (to stderr; the player log in Unity builds).</summary>
        public static int SetLogLevel(ParleyLogLevel level)
        {
            return NativeMethods.parley_set_log_level((int)level);
        }

        // ---- views the engine shows ---------------------------------------------------

        static readonly object viewLock = new object();

        /// <summary>Records that slot now shows view (or nothing), releasing what it showed before.</summary>
        void SetSlot<TKey>(Dictionary<TKey, ParleyView> slots, TKey key, ParleyView view)
        {
            ParleyView old;
            lock (viewLock)
            {
                slots.TryGetValue(key, out old);
                if (old == view) return;
                if (view != null)
                {
                    view.Attachments++;
                    slots[key] = view;
                }
                else
                {
                    slots.Remove(key);
                }
            }
            if (old != null) ReleaseView(old);
        }

        List<ParleyView> ShownViews()
        {
            lock (viewLock)
            {
                var all = new List<ParleyView>(previews.Values);
                all.AddRange(players.Values);
                return all;
            }
        }

        static void ReleaseView(ParleyView view)
        {
            bool dispose;
            lock (viewLock)
            {
                view.Attachments--;
                dispose = view.Attachments <= 0 && view.OwnedByEngine;
            }
            if (dispose) view.Dispose();
        }
    }
}
