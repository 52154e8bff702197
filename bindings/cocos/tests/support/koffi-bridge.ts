/**
 * The NativeBridge over build/libparley.so through koffi: what the C++ glue
 * of the Cocos plugin does, in TypeScript, so the binding runs under Node.
 * Written from include/parley.h; every struct carries its struct_size.
 */
import * as koffi from 'koffi';
import {
  NativeBridge,
  NativeEvent,
  NativeFrameInfo,
  NativeHandle,
  NativeHandleOut,
  NativeProfile,
  NativeRoomConfig,
  NativeServerOut,
  NativeVideoConfig,
  NativeViewOut,
} from '../../assets/parley/core/NativeBridge';

const POLL_EVENTS_FLAG = 1;
const URL_CAPACITY = 512;
const INVALID_ARGUMENT = 1000002;

/** The bridge plus what the tests observe about the library's callbacks. */
export interface KoffiBridge extends NativeBridge {
  /** Callbacks the library made outside parley_engine_poll_events (must stay 0 in poll mode). */
  readonly callbacksOutsidePoll: number;
  /** Callbacks made during a poll, over the bridge's life. */
  readonly callbacksInPoll: number;
}

const T = {
  profile: koffi.struct('parley_engine_profile', {
    struct_size: 'uint32_t', app_id: 'uint32_t', app_sign: 'const char *', scenario: 'int32_t',
    server_url: 'const char *', flags: 'uint32_t',
  }),
  user: koffi.struct('parley_user', { user_id: 'const char *', user_name: 'const char *' }),
  publishQuality: koffi.struct('parley_publish_quality', {
    struct_size: 'uint32_t', video_capture_fps: 'double', video_encode_fps: 'double', video_send_fps: 'double',
    video_kbps: 'double', audio_kbps: 'double', rtt_ms: 'int32_t', packet_loss_rate: 'double', level: 'int32_t',
  }),
  playQuality: koffi.struct('parley_play_quality', {
    struct_size: 'uint32_t', video_recv_fps: 'double', video_decode_fps: 'double', video_render_fps: 'double',
    video_kbps: 'double', audio_kbps: 'double', rtt_ms: 'int32_t', packet_loss_rate: 'double', delay_ms: 'int32_t',
    video_break_rate: 'double', width: 'int32_t', height: 'int32_t', level: 'int32_t',
  }),
  roomConfig: koffi.struct('parley_room_config', {
    struct_size: 'uint32_t', max_member_count: 'uint32_t', is_user_status_notify: 'int32_t', token: 'const char *',
  }),
  videoConfig: koffi.struct('parley_video_config', {
    struct_size: 'uint32_t', capture_width: 'uint32_t', capture_height: 'uint32_t', encode_width: 'uint32_t',
    encode_height: 'uint32_t', fps: 'uint32_t', bitrate_kbps: 'uint32_t', codec: 'int32_t',
  }),
  viewDesc: koffi.struct('parley_view_desc', {
    struct_size: 'uint32_t', pixels: 'void *', width: 'uint32_t', height: 'uint32_t', stride: 'uint32_t',
    view_mode: 'int32_t', flip_y: 'int32_t',
  }),
  frameInfo: koffi.struct('parley_frame_info', {
    struct_size: 'uint32_t', seq: 'uint64_t', source_width: 'uint32_t', source_height: 'uint32_t',
    capture_time_ms: 'int64_t', write_time_ms: 'int64_t',
  }),
};
koffi.struct('parley_stream', { user: T.user, stream_id: 'const char *', extra_info: 'const char *' });

// user_data travels as uintptr_t (the same size and passing as void *): a key into `queues`.
const P = {
  debugError: koffi.proto('void parley_on_debug_error(uintptr_t ud, int32_t code, const char *fn, const char *info)'),
  roomState: koffi.proto('void parley_on_room_state(uintptr_t ud, const char *room, int32_t reason, int32_t code, const char *ext)'),
  userUpdate: koffi.proto('void parley_on_user_update(uintptr_t ud, const char *room, int32_t type, const void *users, uint32_t count)'),
  streamUpdate: koffi.proto('void parley_on_stream_update(uintptr_t ud, const char *room, int32_t type, const void *streams, uint32_t count, const char *ext)'),
  tokenWillExpire: koffi.proto('void parley_on_token_will_expire(uintptr_t ud, const char *room, int32_t remain)'),
  publisherState: koffi.proto('void parley_on_publisher_state(uintptr_t ud, const char *stream, int32_t state, int32_t code, const char *ext)'),
  publisherQuality: koffi.proto('void parley_on_publisher_quality(uintptr_t ud, const char *stream, const void *q)'),
  capturedFirstFrame: koffi.proto('void parley_on_captured_first_frame(uintptr_t ud, int32_t channel)'),
  playerState: koffi.proto('void parley_on_player_state(uintptr_t ud, const char *stream, int32_t state, int32_t code, const char *ext)'),
  playerQuality: koffi.proto('void parley_on_player_quality(uintptr_t ud, const char *stream, const void *q)'),
  playerMediaEvent: koffi.proto('void parley_on_player_media_event(uintptr_t ud, const char *stream, int32_t event)'),
  streamOnly: koffi.proto('void parley_on_stream_only(uintptr_t ud, const char *stream)'),
  videoSize: koffi.proto('void parley_on_video_size(uintptr_t ud, const char *stream, int32_t w, int32_t h)'),
  deviceState: koffi.proto('void parley_on_device_state(uintptr_t ud, const char *stream, int32_t state)'),
  networkQuality: koffi.proto('void parley_on_network_quality(uintptr_t ud, const char *user, int32_t up, int32_t down)'),
};

koffi.struct('parley_event_handler', {
  struct_size: 'uint32_t',
  user_data: 'uintptr_t',
  on_debug_error: koffi.pointer(P.debugError),
  on_room_state_changed: koffi.pointer(P.roomState),
  on_room_user_update: koffi.pointer(P.userUpdate),
  on_room_stream_update: koffi.pointer(P.streamUpdate),
  on_room_token_will_expire: koffi.pointer(P.tokenWillExpire),
  on_publisher_state_update: koffi.pointer(P.publisherState),
  on_publisher_quality_update: koffi.pointer(P.publisherQuality),
  on_publisher_captured_video_first_frame: koffi.pointer(P.capturedFirstFrame),
  on_player_state_update: koffi.pointer(P.playerState),
  on_player_quality_update: koffi.pointer(P.playerQuality),
  on_player_media_event: koffi.pointer(P.playerMediaEvent),
  on_player_recv_video_first_frame: koffi.pointer(P.streamOnly),
  on_player_render_video_first_frame: koffi.pointer(P.streamOnly),
  on_player_video_size_changed: koffi.pointer(P.videoSize),
  on_remote_camera_state_update: koffi.pointer(P.deviceState),
  on_remote_mic_state_update: koffi.pointer(P.deviceState),
  on_network_quality: koffi.pointer(P.networkQuality),
});

interface RawUser { user_id: string; user_name: string }
interface RawStream { user: RawUser; stream_id: string; extra_info: string }

export function loadKoffiBridge(libPath: string): KoffiBridge {
  const lib = koffi.load(libPath);
  const f = {
    abiVersion: lib.func('uint32_t parley_get_abi_version(void)'),
    version: lib.func('const char *parley_get_version(void)'),
    errorName: lib.func('const char *parley_error_name(int32_t code)'),
    errorMessage: lib.func('const char *parley_error_message(int32_t code)'),
    create: lib.func('int32_t parley_engine_create(const parley_engine_profile *p, const parley_event_handler *h, _Out_ uintptr_t *out)'),
    destroy: lib.func('int32_t parley_engine_destroy(uintptr_t e, void *on_destroyed, uintptr_t ud)'),
    poll: lib.func('int32_t parley_engine_poll_events(uintptr_t e, uint32_t max, _Out_ uint32_t *n)'),
    login: lib.func('int32_t parley_login_room(uintptr_t e, const char *room, const parley_user *user, const parley_room_config *config)'),
    logout: lib.func('int32_t parley_logout_room(uintptr_t e, const char *room)'),
    renewToken: lib.func('int32_t parley_renew_token(uintptr_t e, const char *room, const char *token)'),
    startPublishing: lib.func('int32_t parley_start_publishing_stream(uintptr_t e, const char *stream, int32_t channel)'),
    stopPublishing: lib.func('int32_t parley_stop_publishing_stream(uintptr_t e, int32_t channel)'),
    startPreview: lib.func('int32_t parley_start_preview(uintptr_t e, uintptr_t view, int32_t channel)'),
    stopPreview: lib.func('int32_t parley_stop_preview(uintptr_t e, int32_t channel)'),
    setVideoConfig: lib.func('int32_t parley_set_video_config(uintptr_t e, const parley_video_config *c, int32_t channel)'),
    setVideoSource: lib.func('int32_t parley_set_video_source(uintptr_t e, int32_t source, int32_t channel)'),
    setAudioSource: lib.func('int32_t parley_set_audio_source(uintptr_t e, int32_t source)'),
    setMirror: lib.func('int32_t parley_set_video_mirror_mode(uintptr_t e, int32_t mode, int32_t channel)'),
    enableCamera: lib.func('int32_t parley_enable_camera(uintptr_t e, int32_t enable, int32_t channel)'),
    muteMic: lib.func('int32_t parley_mute_microphone(uintptr_t e, int32_t mute)'),
    mutePubAudio: lib.func('int32_t parley_mute_publish_stream_audio(uintptr_t e, int32_t mute, int32_t channel)'),
    mutePubVideo: lib.func('int32_t parley_mute_publish_stream_video(uintptr_t e, int32_t mute, int32_t channel)'),
    sendVideo: lib.func('int32_t parley_send_custom_video_frame(uintptr_t e, const uint8_t *rgba, uint32_t w, uint32_t h, uint32_t stride, int64_t ts, int32_t channel)'),
    sendAudio: lib.func('int32_t parley_send_custom_audio_pcm(uintptr_t e, const int16_t *pcm, uint32_t n, uint32_t rate, uint32_t channels)'),
    startPlaying: lib.func('int32_t parley_start_playing_stream(uintptr_t e, const char *stream, uintptr_t view)'),
    stopPlaying: lib.func('int32_t parley_stop_playing_stream(uintptr_t e, const char *stream)'),
    mutePlayAudio: lib.func('int32_t parley_mute_play_stream_audio(uintptr_t e, const char *stream, int32_t mute)'),
    mutePlayVideo: lib.func('int32_t parley_mute_play_stream_video(uintptr_t e, const char *stream, int32_t mute)'),
    muteSpeaker: lib.func('int32_t parley_mute_speaker(uintptr_t e, int32_t mute)'),
    setAudioOutput: lib.func('int32_t parley_set_audio_output(uintptr_t e, int32_t output)'),
    fetchAudio: lib.func('int32_t parley_fetch_audio_pcm(uintptr_t e, int16_t *pcm, uint32_t n, uint32_t rate, uint32_t channels)'),
    viewCreate: lib.func('int32_t parley_view_create(const parley_view_desc *d, _Out_ uintptr_t *out)'),
    viewAcquire: lib.func('int32_t parley_view_acquire(uintptr_t v, _Inout_ parley_frame_info *info)'),
    viewRelease: lib.func('int32_t parley_view_release(uintptr_t v)'),
    viewDestroy: lib.func('int32_t parley_view_destroy(uintptr_t v)'),
    serverStart: lib.func('int32_t parley_server_start(const char *config, _Out_ uintptr_t *out, uint8_t *url, uint32_t cap)'),
    serverStop: lib.func('int32_t parley_server_stop(uintptr_t s)'),
  };

  // Engines' event queues by user_data; the callbacks only append to them.
  const queues = new Map<number, NativeEvent[]>();
  let nextUserData = 1;
  let polling = 0;
  let outsidePoll = 0;
  let inPoll = 0;
  const push = (ud: number | bigint, ev: NativeEvent): void => {
    if (polling > 0) inPoll++;
    else outsidePoll++;
    queues.get(Number(ud))?.push(ev);
  };
  const users = (ptr: unknown, count: number): RawUser[] => (count > 0 ? koffi.decode(ptr, T.user, count) : []);
  const streams = (ptr: unknown, count: number): RawStream[] => (count > 0 ? koffi.decode(ptr, 'parley_stream', count) : []);

  const reg = <F extends (...args: never[]) => void>(fn: F, proto: koffi.TypeObject): bigint =>
    koffi.register(fn, koffi.pointer(proto));
  const callbacks = {
    on_debug_error: reg((ud: number, code: number, fn: string, info: string) =>
      push(ud, { type: 'debugError', errorCode: code, funcName: fn, info }), P.debugError),
    on_room_state_changed: reg((ud: number, room: string, reason: number, code: number, ext: string) =>
      push(ud, { type: 'roomStateChanged', roomID: room, reason, errorCode: code, extendedData: ext }), P.roomState),
    on_room_user_update: reg((ud: number, room: string, type: number, ptr: unknown, count: number) =>
      push(ud, {
        type: 'roomUserUpdate', roomID: room, updateType: type,
        users: users(ptr, count).map((u) => ({ userID: u.user_id, userName: u.user_name })),
      }), P.userUpdate),
    on_room_stream_update: reg((ud: number, room: string, type: number, ptr: unknown, count: number, ext: string) =>
      push(ud, {
        type: 'roomStreamUpdate', roomID: room, updateType: type, extendedData: ext,
        streams: streams(ptr, count).map((s) => ({
          userID: s.user.user_id, userName: s.user.user_name, streamID: s.stream_id, extraInfo: s.extra_info,
        })),
      }), P.streamUpdate),
    on_room_token_will_expire: reg((ud: number, room: string, remain: number) =>
      push(ud, { type: 'roomTokenWillExpire', roomID: room, remainSeconds: remain }), P.tokenWillExpire),
    on_publisher_state_update: reg((ud: number, stream: string, state: number, code: number, ext: string) =>
      push(ud, { type: 'publisherStateUpdate', streamID: stream, state, errorCode: code, extendedData: ext }), P.publisherState),
    on_publisher_quality_update: reg((ud: number, stream: string, ptr: unknown) => {
      const q = koffi.decode(ptr, T.publishQuality);
      push(ud, {
        type: 'publisherQualityUpdate', streamID: stream, quality: {
          videoCaptureFPS: q.video_capture_fps, videoEncodeFPS: q.video_encode_fps, videoSendFPS: q.video_send_fps,
          videoKBPS: q.video_kbps, audioKBPS: q.audio_kbps, rtt: q.rtt_ms, packetLostRate: q.packet_loss_rate,
          level: q.level,
        },
      });
    }, P.publisherQuality),
    on_publisher_captured_video_first_frame: reg((ud: number, channel: number) =>
      push(ud, { type: 'publisherCapturedVideoFirstFrame', channel }), P.capturedFirstFrame),
    on_player_state_update: reg((ud: number, stream: string, state: number, code: number, ext: string) =>
      push(ud, { type: 'playerStateUpdate', streamID: stream, state, errorCode: code, extendedData: ext }), P.playerState),
    on_player_quality_update: reg((ud: number, stream: string, ptr: unknown) => {
      const q = koffi.decode(ptr, T.playQuality);
      push(ud, {
        type: 'playerQualityUpdate', streamID: stream, quality: {
          videoRecvFPS: q.video_recv_fps, videoDecodeFPS: q.video_decode_fps, videoRenderFPS: q.video_render_fps,
          videoKBPS: q.video_kbps, audioKBPS: q.audio_kbps, rtt: q.rtt_ms, packetLostRate: q.packet_loss_rate,
          delay: q.delay_ms, videoBreakRate: q.video_break_rate, width: q.width, height: q.height, level: q.level,
        },
      });
    }, P.playerQuality),
    on_player_media_event: reg((ud: number, stream: string, event: number) =>
      push(ud, { type: 'playerMediaEvent', streamID: stream, event }), P.playerMediaEvent),
    on_player_recv_video_first_frame: reg((ud: number, stream: string) =>
      push(ud, { type: 'playerRecvVideoFirstFrame', streamID: stream }), P.streamOnly),
    on_player_render_video_first_frame: reg((ud: number, stream: string) =>
      push(ud, { type: 'playerRenderVideoFirstFrame', streamID: stream }), P.streamOnly),
    on_player_video_size_changed: reg((ud: number, stream: string, width: number, height: number) =>
      push(ud, { type: 'playerVideoSizeChanged', streamID: stream, width, height }), P.videoSize),
    on_remote_camera_state_update: reg((ud: number, stream: string, state: number) =>
      push(ud, { type: 'remoteCameraStateUpdate', streamID: stream, state }), P.deviceState),
    on_remote_mic_state_update: reg((ud: number, stream: string, state: number) =>
      push(ud, { type: 'remoteMicStateUpdate', streamID: stream, state }), P.deviceState),
    on_network_quality: reg((ud: number, user: string, up: number, down: number) =>
      push(ud, { type: 'networkQuality', userID: user, upstream: up, downstream: down }), P.networkQuality),
  };

  const engines = new Map<NativeHandle, number>(); // engine -> user_data
  const viewMemory = new Map<NativeHandle, bigint>();
  const b = (v: boolean): number => (v ? 1 : 0);

  return {
    get callbacksOutsidePoll() { return outsidePoll; },
    get callbacksInPoll() { return inPoll; },

    abiVersion: () => f.abiVersion(),
    version: () => f.version(),
    errorName: (code) => f.errorName(code),
    errorMessage: (code) => f.errorMessage(code),

    createEngine(profile: NativeProfile, out: NativeHandleOut): number {
      const ud = nextUserData++;
      const handle = [0];
      const rc = f.create(
        { struct_size: koffi.sizeof(T.profile), app_id: profile.appID, app_sign: profile.appSign || null,
          scenario: profile.scenario, server_url: profile.server || null, flags: POLL_EVENTS_FLAG },
        { struct_size: koffi.sizeof('parley_event_handler'), user_data: ud, ...callbacks },
        handle);
      out.handle = rc === 0 ? Number(handle[0]) : 0;
      if (rc === 0) {
        queues.set(ud, []);
        engines.set(out.handle, ud);
      }
      return rc;
    },
    destroyEngine(engine) {
      const rc = f.destroy(engine, null, 0);
      const ud = engines.get(engine);
      if (ud !== undefined) queues.delete(ud);
      engines.delete(engine);
      return rc;
    },
    pollEvents(engine, out) {
      const ud = engines.get(engine);
      polling++;
      let rc: number;
      try {
        rc = f.poll(engine, 0, [0]);
      } finally {
        polling--;
      }
      const q = ud === undefined ? undefined : queues.get(ud);
      if (q) {
        for (const ev of q) out.push(ev);
        q.length = 0;
      }
      return rc;
    },

    loginRoom(e, roomID, userID, userName, config: NativeRoomConfig | null) {
      return f.login(e, roomID, { user_id: userID, user_name: userName }, config === null ? null : {
        struct_size: koffi.sizeof(T.roomConfig), max_member_count: config.maxMemberCount,
        is_user_status_notify: b(config.isUserStatusNotify), token: config.token || null,
      });
    },
    logoutRoom: (e, roomID) => f.logout(e, roomID),
    renewToken: (e, roomID, token) => f.renewToken(e, roomID, token),

    startPublishingStream: (e, streamID, channel) => f.startPublishing(e, streamID, channel),
    stopPublishingStream: (e, channel) => f.stopPublishing(e, channel),
    startPreview: (e, view, channel) => f.startPreview(e, view, channel),
    stopPreview: (e, channel) => f.stopPreview(e, channel),
    setVideoConfig(e, c: NativeVideoConfig, channel) {
      return f.setVideoConfig(e, {
        struct_size: koffi.sizeof(T.videoConfig), capture_width: c.captureWidth, capture_height: c.captureHeight,
        encode_width: c.encodeWidth, encode_height: c.encodeHeight, fps: c.fps, bitrate_kbps: c.bitrateKBPS,
        codec: c.codec,
      }, channel);
    },
    setVideoSource: (e, source, channel) => f.setVideoSource(e, source, channel),
    setAudioSource: (e, source) => f.setAudioSource(e, source),
    setVideoMirrorMode: (e, mode, channel) => f.setMirror(e, mode, channel),
    enableCamera: (e, enable, channel) => f.enableCamera(e, b(enable), channel),
    muteMicrophone: (e, mute) => f.muteMic(e, b(mute)),
    mutePublishStreamAudio: (e, mute, channel) => f.mutePubAudio(e, b(mute), channel),
    mutePublishStreamVideo: (e, mute, channel) => f.mutePubVideo(e, b(mute), channel),
    sendCustomVideoFrame: (e, rgba, w, h, stride, ts, channel) => f.sendVideo(e, rgba, w, h, stride, ts, channel),
    sendCustomAudioPCM: (e, pcm, n, rate, channels) => f.sendAudio(e, pcm, n, rate, channels),

    startPlayingStream: (e, streamID, view) => f.startPlaying(e, streamID, view),
    stopPlayingStream: (e, streamID) => f.stopPlaying(e, streamID),
    mutePlayStreamAudio: (e, streamID, mute) => f.mutePlayAudio(e, streamID, b(mute)),
    mutePlayStreamVideo: (e, streamID, mute) => f.mutePlayVideo(e, streamID, b(mute)),
    muteSpeaker: (e, mute) => f.muteSpeaker(e, b(mute)),
    setAudioOutput: (e, output) => f.setAudioOutput(e, output),
    fetchAudioPCM: (e, pcm, n, rate, channels) => f.fetchAudio(e, pcm, n, rate, channels),

    createView(width, height, viewMode, flipY, out: NativeViewOut) {
      out.handle = 0;
      out.pixels = null;
      // The glue checks the same: sizes the library could not even be asked about.
      if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 16384 || height > 16384) {
        return INVALID_ARGUMENT;
      }
      const size = width * height * 4;
      const mem = koffi.alloc('uint8_t', size);
      const pixels = new Uint8Array(koffi.view(mem, size));
      pixels.fill(0);
      const handle = [0];
      const rc = f.viewCreate({ struct_size: koffi.sizeof(T.viewDesc), pixels: mem, width, height,
        stride: width * 4, view_mode: viewMode, flip_y: b(flipY) }, handle);
      if (rc !== 0) {
        koffi.free(mem);
        return rc;
      }
      out.handle = Number(handle[0]);
      out.pixels = pixels;
      viewMemory.set(out.handle, mem);
      return rc;
    },
    acquireView(view, info: NativeFrameInfo) {
      const raw = { struct_size: koffi.sizeof(T.frameInfo), seq: 0, source_width: 0, source_height: 0,
        capture_time_ms: 0, write_time_ms: 0 };
      const rc = f.viewAcquire(view, raw);
      if (rc === 0) {
        info.seq = Number(raw.seq);
        info.sourceWidth = raw.source_width;
        info.sourceHeight = raw.source_height;
        info.captureTimeMs = Number(raw.capture_time_ms);
        info.writeTimeMs = Number(raw.write_time_ms);
      }
      return rc;
    },
    releaseView: (view) => f.viewRelease(view),
    destroyView(view) {
      const rc = f.viewDestroy(view);
      const mem = viewMemory.get(view);
      if (rc === 0 && mem !== undefined) {
        viewMemory.delete(view);
        koffi.free(mem);
      }
      return rc;
    },

    startServer(configJSON: string | null, out: NativeServerOut) {
      const handle = [0];
      const url = Buffer.alloc(URL_CAPACITY);
      const rc = f.serverStart(configJSON, handle, url, URL_CAPACITY);
      out.handle = rc === 0 ? Number(handle[0]) : 0;
      out.url = rc === 0 ? url.toString('utf8', 0, url.indexOf(0)) : '';
      return rc;
    },
    stopServer: (server) => f.serverStop(server),
  };
}
