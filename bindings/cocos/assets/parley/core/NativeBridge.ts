import { ParleyPlayStreamQuality, ParleyPublishStreamQuality } from './ParleyExpressDefines';

/**
 * The one seam between the TypeScript API and native code.
 *
 * Each method is one function of include/parley.h with JS values in and the
 * C return code out; the bridge does no call logic. Two implementations
 * exist: the C++ glue of the Cocos native plugin (native/src/parley_glue.cpp,
 * installed as the global `parleyNative`), and the tests' koffi bridge over
 * build/libparley.so (tests/support/koffi-bridge.ts).
 *
 * Contract for implementations:
 * - Handles are the library's handle values as JS numbers; 0 is "none".
 * - Engines are always created with PARLEY_ENGINE_FLAG_POLL_EVENTS and every
 *   callback set. The callbacks only append NativeEvents to a queue that
 *   pollEvents hands over, so no JS runs inside the library and every event
 *   reaches JS on the thread that polls.
 * - Booleans travel as 0/1, strings as UTF-8, null strings as NULL.
 * - createView allocates the RGBA buffer itself (zeroed) and hands it to JS
 *   without a copy; the buffer stays valid until destroyView returns.
 */
export interface NativeBridge {
  abiVersion(): number;
  version(): string;
  errorName(code: number): string;
  errorMessage(code: number): string;

  createEngine(profile: NativeProfile, out: NativeHandleOut): number;
  destroyEngine(engine: NativeHandle): number;
  /** parley_engine_poll_events: appends the events it dispatched to out. */
  pollEvents(engine: NativeHandle, out: NativeEvent[]): number;

  loginRoom(engine: NativeHandle, roomID: string, userID: string, userName: string, config: NativeRoomConfig | null): number;
  logoutRoom(engine: NativeHandle, roomID: string | null): number;
  renewToken(engine: NativeHandle, roomID: string, token: string): number;

  startPublishingStream(engine: NativeHandle, streamID: string, channel: number): number;
  stopPublishingStream(engine: NativeHandle, channel: number): number;
  startPreview(engine: NativeHandle, view: NativeHandle, channel: number): number;
  stopPreview(engine: NativeHandle, channel: number): number;
  setVideoConfig(engine: NativeHandle, config: NativeVideoConfig, channel: number): number;
  setVideoSource(engine: NativeHandle, source: number, channel: number): number;
  setAudioSource(engine: NativeHandle, source: number): number;
  setVideoMirrorMode(engine: NativeHandle, mode: number, channel: number): number;
  enableCamera(engine: NativeHandle, enable: boolean, channel: number): number;
  muteMicrophone(engine: NativeHandle, mute: boolean): number;
  mutePublishStreamAudio(engine: NativeHandle, mute: boolean, channel: number): number;
  mutePublishStreamVideo(engine: NativeHandle, mute: boolean, channel: number): number;
  sendCustomVideoFrame(engine: NativeHandle, rgba: Uint8Array, width: number, height: number, stride: number,
    timestampMs: number, channel: number): number;
  sendCustomAudioPCM(engine: NativeHandle, pcm: Int16Array, samplesPerChannel: number, sampleRate: number,
    channels: number): number;

  startPlayingStream(engine: NativeHandle, streamID: string, view: NativeHandle): number;
  stopPlayingStream(engine: NativeHandle, streamID: string): number;
  mutePlayStreamAudio(engine: NativeHandle, streamID: string, mute: boolean): number;
  mutePlayStreamVideo(engine: NativeHandle, streamID: string, mute: boolean): number;
  muteSpeaker(engine: NativeHandle, mute: boolean): number;
  setAudioOutput(engine: NativeHandle, output: number): number;
  fetchAudioPCM(engine: NativeHandle, pcm: Int16Array, samplesPerChannel: number, sampleRate: number,
    channels: number): number;

  createView(width: number, height: number, viewMode: number, flipY: boolean, out: NativeViewOut): number;
  /** Fills info only on PARLEY_OK. */
  acquireView(view: NativeHandle, info: NativeFrameInfo): number;
  releaseView(view: NativeHandle): number;
  destroyView(view: NativeHandle): number;

  /** The embedded server; configJSON null for the development defaults. */
  startServer(configJSON: string | null, out: NativeServerOut): number;
  stopServer(server: NativeHandle): number;
}

/** A handle of the library (engine, view, server) as a JS number; 0 is none. */
export type NativeHandle = number;

export interface NativeHandleOut {
  handle: NativeHandle;
}

export interface NativeViewOut {
  handle: NativeHandle;
  /** The view's RGBA8 buffer, height rows of width*4 bytes, shared with the library. */
  pixels: Uint8Array | null;
}

export interface NativeServerOut {
  handle: NativeHandle;
  url: string;
}

export interface NativeProfile {
  appID: number;
  appSign: string;
  scenario: number;
  server: string;
}

export interface NativeRoomConfig {
  maxMemberCount: number;
  isUserStatusNotify: boolean;
  token: string;
}

export interface NativeVideoConfig {
  captureWidth: number;
  captureHeight: number;
  encodeWidth: number;
  encodeHeight: number;
  fps: number;
  bitrateKBPS: number;
  codec: number;
}

export interface NativeFrameInfo {
  /** Increments once per frame written; 0 = nothing written yet. */
  seq: number;
  sourceWidth: number;
  sourceHeight: number;
  captureTimeMs: number;
  writeTimeMs: number;
}

export interface NativeUser {
  userID: string;
  userName: string;
}

export interface NativeStream {
  userID: string;
  userName: string;
  streamID: string;
  extraInfo: string;
}

/** One callback of parley_event_handler, copied out of the library. */
export type NativeEvent =
  | { type: 'debugError'; errorCode: number; funcName: string; info: string }
  | { type: 'roomStateChanged'; roomID: string; reason: number; errorCode: number; extendedData: string }
  | { type: 'roomUserUpdate'; roomID: string; updateType: number; users: NativeUser[] }
  | { type: 'roomStreamUpdate'; roomID: string; updateType: number; streams: NativeStream[]; extendedData: string }
  | { type: 'roomTokenWillExpire'; roomID: string; remainSeconds: number }
  | { type: 'publisherStateUpdate'; streamID: string; state: number; errorCode: number; extendedData: string }
  | { type: 'publisherQualityUpdate'; streamID: string; quality: ParleyPublishStreamQuality }
  | { type: 'publisherCapturedVideoFirstFrame'; channel: number }
  | { type: 'playerStateUpdate'; streamID: string; state: number; errorCode: number; extendedData: string }
  | { type: 'playerQualityUpdate'; streamID: string; quality: ParleyPlayStreamQuality }
  | { type: 'playerMediaEvent'; streamID: string; event: number }
  | { type: 'playerRecvVideoFirstFrame'; streamID: string }
  | { type: 'playerRenderVideoFirstFrame'; streamID: string }
  | { type: 'playerVideoSizeChanged'; streamID: string; width: number; height: number }
  | { type: 'remoteCameraStateUpdate'; streamID: string; state: number }
  | { type: 'remoteMicStateUpdate'; streamID: string; state: number }
  | { type: 'networkQuality'; userID: string; upstream: number; downstream: number };

let installed: NativeBridge | null = null;

/** Use this bridge from now on (the tests' koffi bridge; the Cocos glue installs itself). */
export function setParleyNativeBridge(bridge: NativeBridge | null): void {
  installed = bridge;
}

/** The bridge set with setParleyNativeBridge, else the native plugin's global `parleyNative`, else null. */
export function getParleyNativeBridge(): NativeBridge | null {
  if (installed !== null) return installed;
  const fromPlugin = (globalThis as { parleyNative?: NativeBridge }).parleyNative;
  return fromPlugin ?? null;
}
