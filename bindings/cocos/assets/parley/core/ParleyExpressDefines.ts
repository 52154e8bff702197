/**
 * The types and enums of the seed's API with the `Parley` prefix: same
 * members, same values (../../../../shared/design/API_COMPAT.md), plus the
 * C ABI's extras (channels, sources, mirror modes, quality levels). Values
 * are those of include/parley.h and never change.
 */

/** What a call is for; picks default resolution, frame rate, bitrate and audio profile. */
export enum ParleyScenario {
  Default = 3,
  StandardVideoCall = 4,
  HighQualityVideoCall = 5,
  StandardChatroom = 6,
  HighQualityChatroom = 7,
  Broadcast = 8,
  Karaoke = 9,
  StandardVoiceCall = 10,
}

/** The reason argument of onRoomStateChanged. */
export enum ParleyRoomStateChangedReason {
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

/** Whether users or streams were added to or deleted from a room. */
export enum ParleyUpdateType {
  Add = 0,
  Delete = 1,
}

/** The state argument of onPublisherStateUpdate. */
export enum ParleyPublisherState {
  NoPublish = 0,
  PublishRequesting = 1,
  Publishing = 2,
}

/** The state argument of onPlayerStateUpdate. */
export enum ParleyPlayerState {
  NoPlay = 0,
  PlayRequesting = 1,
  Playing = 2,
}

/** The event argument of onPlayerMediaEvent. */
export enum ParleyPlayerMediaEvent {
  AudioBreakOccur = 0,
  AudioBreakResume = 1,
  VideoBreakOccur = 2,
  VideoBreakResume = 3,
}

/** How a frame is fitted into a view. */
export enum ParleyViewMode {
  /** The whole frame visible, opaque black bars around it. */
  AspectFit = 0,
  /** The view filled, the frame cropped to the view's aspect ratio. */
  AspectFill = 1,
  /** The view filled, the frame stretched. */
  ScaleToFill = 2,
}

/** Which pictures are mirrored (setVideoMirrorMode). */
export enum ParleyVideoMirrorMode {
  OnlyPreviewMirror = 0,
  BothMirror = 1,
  NoMirror = 2,
  OnlyPublishMirror = 3,
}

/** A user may publish two streams at once: camera on Main, screen or game view on Aux. */
export enum ParleyPublishChannel {
  Main = 0,
  Aux = 1,
}

/** Where a channel's video comes from (Parley: setVideoSource). */
export enum ParleyVideoSourceType {
  Camera = 0,
  /** A built-in synthetic picture that needs no device; the default. */
  TestPattern = 1,
  /** Frames from sendCustomVideoFrame / sendCustomVideoCaptureRenderTexture only. */
  Custom = 2,
}

/** Where the published audio comes from (Parley: setAudioSource). */
export enum ParleyAudioSourceType {
  Microphone = 0,
  /** A built-in 1 kHz tone that needs no device; the default. */
  TestTone = 1,
  /** PCM from sendCustomAudioPCM only. */
  Custom = 2,
}

/** Where remote audio goes (Parley: setAudioOutput). */
export enum ParleyAudioOutput {
  /** The game pulls the mix with fetchAudioPCM; no device is opened (the default). */
  Pull = 0,
  /** The library plays the mix to the selected speaker. */
  Device = 1,
}

/** Video codecs. */
export enum ParleyVideoCodecID {
  VP8 = 0,
  H264 = 1,
}

/** The state of a remote camera or microphone. */
export enum ParleyRemoteDeviceState {
  Open = 0,
  Disable = 9,
  Mute = 10,
}

/** The level field of the quality types, and onNetworkQuality's levels. */
export enum ParleyStreamQualityLevel {
  Excellent = 0,
  Good = 1,
  Medium = 2,
  Bad = 3,
  Die = 4,
  Unknown = 5,
}

/** What createEngine needs. */
export class ParleyEngineProfile {
  /** The app ID; 1 for a development server (parleyd --dev, ParleyLocalServer). */
  appID = 0;
  /** 64 hex digits; '' when the app logs in with room tokens (ParleyRoomConfig.token). */
  appSign = '';
  scenario: ParleyScenario = ParleyScenario.Default;
  /** Parley: the server's URL ("ws://host:port" or "wss://..."); '' means the library's default. */
  server = '';
}

/** A room member. */
export class ParleyUser {
  userID: string;
  userName: string;
  constructor(userID = '', userName = '') {
    this.userID = userID;
    this.userName = userName;
  }
}

/** A stream published in a room. */
export class ParleyStream {
  user: ParleyUser = new ParleyUser();
  streamID = '';
  extraInfo = '';
}

/** Room options for loginRoom. */
export class ParleyRoomConfig {
  /** 0 means unlimited; set by the login that creates the room. */
  maxMemberCount = 0;
  /** Only rooms logged in with true get onRoomUserUpdate. */
  isUserStatusNotify = false;
  /** A room token; needed when the engine was created without an app sign. */
  token = '';
}

/** Publishing options; reserved: Parley publishes into the room the engine logged in to first. */
export class ParleyPublisherConfig {}

/** Where a preview or a played stream is drawn. */
export interface ParleyCanvas {
  /** A cc.Sprite: it gets one Texture2D, refreshed every frame a new picture arrives. */
  view: ParleyViewTarget;
  viewMode?: ParleyViewMode;
  /**
   * Parley: the texture's size in pixels. Left out, the Sprite node's
   * UITransform size is used (and followed when it changes), else 640x360.
   */
  width?: number;
  height?: number;
}

/**
 * What the binding accepts as a view: a cc.Sprite (in the tests, a stand-in
 * with the same shape). Typed structurally so that the core of the binding
 * does not import the engine.
 */
export interface ParleyViewTarget {
  spriteFrame: unknown;
}

/** Video settings of one publish channel; a field left 0 keeps its current value. */
export class ParleyVideoConfig {
  captureWidth = 0;
  captureHeight = 0;
  encodeWidth = 0;
  encodeHeight = 0;
  fps = 0;
  bitrate = 0;
  codecID: ParleyVideoCodecID = ParleyVideoCodecID.VP8;
}

/** A publisher's measured quality, every 3 s per publishing stream. */
export interface ParleyPublishStreamQuality {
  videoCaptureFPS: number;
  videoEncodeFPS: number;
  videoSendFPS: number;
  videoKBPS: number;
  audioKBPS: number;
  /** Milliseconds. */
  rtt: number;
  /** 0..1. */
  packetLostRate: number;
  level: ParleyStreamQualityLevel;
}

/** A player's measured quality, every 3 s per playing stream. */
export interface ParleyPlayStreamQuality {
  videoRecvFPS: number;
  videoDecodeFPS: number;
  videoRenderFPS: number;
  videoKBPS: number;
  audioKBPS: number;
  /** Milliseconds. */
  rtt: number;
  /** 0..1. */
  packetLostRate: number;
  /** Milliseconds from capture on the sender to render here. */
  delay: number;
  /** Breaks per minute. */
  videoBreakRate: number;
  /** Parley: the decoded frame size. */
  width: number;
  height: number;
  level: ParleyStreamQualityLevel;
}

/** Called when destroyEngine has released everything. */
export type ParleyDestroyCompletionCallback = () => void;

/**
 * Thrown where the seed's API has no way to return a code: createEngine with
 * a profile the library refuses. (Arguments of the wrong JS type throw
 * TypeError; everything else returns a ParleyErrorCode.)
 */
export class ParleyError extends Error {
  readonly code: number;
  readonly funcName: string;
  constructor(code: number, funcName: string, message: string) {
    super(`${funcName}: ${message} (${code})`);
    this.name = 'ParleyError';
    this.code = code;
    this.funcName = funcName;
  }
}
