import { getParleyNativeBridge, NativeBridge, NativeEvent, NativeHandle, NativeHandleOut } from './NativeBridge';
import { dispatchEvent } from './ParleyEventDispatch';
import { ParleyEventHandler } from './ParleyEventHandler';
import { ParleyErrorCode } from './ParleyErrorCode';
import {
  ParleyAudioOutput,
  ParleyAudioSourceType,
  ParleyCanvas,
  ParleyDestroyCompletionCallback,
  ParleyEngineProfile,
  ParleyError,
  ParleyPublishChannel,
  ParleyPublisherConfig,
  ParleyRoomConfig,
  ParleyUser,
  ParleyVideoConfig,
  ParleyVideoMirrorMode,
  ParleyVideoSourceType,
} from './ParleyExpressDefines';
import { ParleyViewBinding } from './ParleyViewRenderer';

/** What sendCustomVideoCaptureRenderTexture needs of cc.RenderTexture. */
export interface ParleyRenderTextureLike {
  readonly width: number;
  readonly height: number;
  readPixels(x?: number, y?: number, width?: number, height?: number, buffer?: Uint8Array): Uint8Array | null;
}

export interface ParleyCustomVideoFrameOptions {
  /** Bytes per row; default width * 4. */
  stride?: number;
  /** Capture time in ms of the Unix clock; 0 (default) = now. */
  timestampMs?: number;
  channel?: ParleyPublishChannel;
}

/**
 * Installs what drains the events every frame. The Cocos entry installs one
 * that adds the ParleyEventPump component to a persistent node; without one,
 * the game calls parleyUpdate() from its own loop.
 */
export type ParleyPumpInstaller = () => void;
let pumpInstaller: ParleyPumpInstaller | null = null;
export function setParleyPumpInstaller(installer: ParleyPumpInstaller | null): void {
  pumpInstaller = installer;
}

function requireString(value: unknown, what: string, funcName: string): string {
  if (typeof value !== 'string') throw new TypeError(`${funcName}: ${what} must be a string`);
  return value;
}

function channelOf(channel: ParleyPublishChannel | undefined): number {
  return channel ?? ParleyPublishChannel.Main;
}

/**
 * The engine: one per process, as in the seed. Every method that can fail
 * returns a ParleyErrorCode (0 = success) and the same failure arrives at
 * onDebugError on the next frame; the seed's code that ignores return values
 * keeps working. Arguments of the wrong JS type throw TypeError.
 */
export class ParleyExpressEngine {
  private static current: ParleyExpressEngine | null = null;

  private readonly bridge: NativeBridge;
  private handle: NativeHandle;
  private handler: ParleyEventHandler | null;
  private readonly previews = new Map<number, ParleyViewBinding>();
  private readonly players = new Map<string, ParleyViewBinding>();
  private readonly queue: NativeEvent[] = [];
  private customFrame: Uint8Array | null = null;

  private constructor(bridge: NativeBridge, handle: NativeHandle, handler: ParleyEventHandler | null) {
    this.bridge = bridge;
    this.handle = handle;
    this.handler = handler;
  }

  /**
   * Creates the engine, or returns the one that exists (its handler is then
   * left as it is, as in the seed). Throws ParleyError when the library
   * refuses the profile (an app sign that is not 64 hex digits, app ID 0,
   * a server URL that is not ws:// or wss://).
   */
  static createEngine(profile: ParleyEngineProfile, eventHandler?: ParleyEventHandler | null): ParleyExpressEngine {
    if (ParleyExpressEngine.current !== null) return ParleyExpressEngine.current;
    if (typeof profile !== 'object' || profile === null) throw new TypeError('createEngine: profile must be a ParleyEngineProfile');
    const bridge = getParleyNativeBridge();
    if (bridge === null) {
      throw new ParleyError(ParleyErrorCode.EngineNotCreated, 'createEngine',
        'the Parley native plugin is not loaded (native/plugins/parley; see docs/bindings.md)');
    }
    const out: NativeHandleOut = { handle: 0 };
    const rc = bridge.createEngine({
      appID: profile.appID,
      appSign: profile.appSign ?? '',
      scenario: profile.scenario ?? 0,
      server: profile.server ?? '',
    }, out);
    if (rc !== ParleyErrorCode.Success) throw new ParleyError(rc, 'createEngine', bridge.errorMessage(rc));
    const engine = new ParleyExpressEngine(bridge, out.handle, eventHandler ?? null);
    ParleyExpressEngine.current = engine;
    if (pumpInstaller !== null) pumpInstaller();
    return engine;
  }

  /**
   * Destroys the engine: logs out, stops everything, frees every view. The
   * callback runs once everything is released, before this returns. Events
   * still queued are dropped.
   */
  static destroyEngine(callback?: ParleyDestroyCompletionCallback): void {
    const engine = ParleyExpressEngine.current;
    if (engine === null) return;
    ParleyExpressEngine.current = null;
    engine.release();
    if (callback) callback();
  }

  /** The engine createEngine made, or null. */
  static getEngine(): ParleyExpressEngine | null {
    return ParleyExpressEngine.current;
  }

  /** The library's version, such as "0.1.0"; '' without the native plugin. */
  static getVersion(): string {
    return getParleyNativeBridge()?.version() ?? '';
  }

  /** Drains the library's events and refreshes the views; the ParleyEventPump runs it every frame. */
  static update(): void {
    ParleyExpressEngine.current?.frame();
  }

  /** Replaces the handler; events still queued go to the new one. null drops events. */
  setEventHandler(handler: ParleyEventHandler | null): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    this.handler = handler;
    return ParleyErrorCode.Success;
  }

  loginRoom(roomID: string, user: ParleyUser, config?: ParleyRoomConfig): number {
    requireString(roomID, 'roomID', 'loginRoom');
    if (typeof user !== 'object' || user === null) throw new TypeError('loginRoom: user must be a ParleyUser');
    requireString(user.userID, 'user.userID', 'loginRoom');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const native = config
      ? { maxMemberCount: config.maxMemberCount ?? 0, isUserStatusNotify: !!config.isUserStatusNotify, token: config.token ?? '' }
      : null;
    return this.bridge.loginRoom(this.handle, roomID, user.userID, user.userName ?? '', native);
  }

  /** Logs out of roomID, or of every room when it is left out. */
  logoutRoom(roomID?: string): number {
    if (roomID !== undefined) requireString(roomID, 'roomID', 'logoutRoom');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const rc = this.bridge.logoutRoom(this.handle, roomID ?? null);
    // Logging out of every room stops every player (previews need no room).
    if (rc === ParleyErrorCode.Success && roomID === undefined) {
      this.players.forEach((b) => b.stop());
      this.players.clear();
    }
    return rc;
  }

  renewToken(roomID: string, token: string): number {
    requireString(roomID, 'roomID', 'renewToken');
    requireString(token, 'token', 'renewToken');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.renewToken(this.handle, roomID, token);
  }

  startPublishingStream(streamID: string, config?: ParleyPublisherConfig, channel?: ParleyPublishChannel): number {
    requireString(streamID, 'streamID', 'startPublishingStream');
    void config;
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.startPublishingStream(this.handle, streamID, channelOf(channel));
  }

  stopPublishingStream(channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.stopPublishingStream(this.handle, channelOf(channel));
  }

  /** Shows a channel's video in canvas.view (a Sprite); without a canvas the source runs undrawn. */
  startPreview(canvas?: ParleyCanvas | null, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const ch = channelOf(channel);
    return this.bindView(this.previews, ch, canvas, (view) => this.bridge.startPreview(this.handle, view, ch));
  }

  stopPreview(channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const ch = channelOf(channel);
    const rc = this.bridge.stopPreview(this.handle, ch);
    if (rc === ParleyErrorCode.Success) this.unbind(this.previews, ch);
    return rc;
  }

  /** Plays a stream; its video goes to canvas.view (a Sprite), without a canvas only its audio plays. */
  startPlayingStream(streamID: string, canvas?: ParleyCanvas | null): number {
    requireString(streamID, 'streamID', 'startPlayingStream');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bindView(this.players, streamID, canvas,
      (view) => this.bridge.startPlayingStream(this.handle, streamID, view));
  }

  stopPlayingStream(streamID: string): number {
    requireString(streamID, 'streamID', 'stopPlayingStream');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const rc = this.bridge.stopPlayingStream(this.handle, streamID);
    if (rc === ParleyErrorCode.Success) this.unbind(this.players, streamID);
    return rc;
  }

  setVideoConfig(config: ParleyVideoConfig, channel?: ParleyPublishChannel): number {
    if (typeof config !== 'object' || config === null) throw new TypeError('setVideoConfig: config must be a ParleyVideoConfig');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.setVideoConfig(this.handle, {
      captureWidth: config.captureWidth ?? 0,
      captureHeight: config.captureHeight ?? 0,
      encodeWidth: config.encodeWidth ?? 0,
      encodeHeight: config.encodeHeight ?? 0,
      fps: config.fps ?? 0,
      bitrateKBPS: config.bitrate ?? 0,
      codec: config.codecID ?? 0,
    }, channelOf(channel));
  }

  setVideoMirrorMode(mode: ParleyVideoMirrorMode, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.setVideoMirrorMode(this.handle, mode, channelOf(channel));
  }

  enableCamera(enable: boolean, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.enableCamera(this.handle, !!enable, channelOf(channel));
  }

  muteMicrophone(mute: boolean): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.muteMicrophone(this.handle, !!mute);
  }

  mutePublishStreamAudio(mute: boolean, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.mutePublishStreamAudio(this.handle, !!mute, channelOf(channel));
  }

  mutePublishStreamVideo(mute: boolean, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.mutePublishStreamVideo(this.handle, !!mute, channelOf(channel));
  }

  mutePlayStreamAudio(streamID: string, mute: boolean): number {
    requireString(streamID, 'streamID', 'mutePlayStreamAudio');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.mutePlayStreamAudio(this.handle, streamID, !!mute);
  }

  mutePlayStreamVideo(streamID: string, mute: boolean): number {
    requireString(streamID, 'streamID', 'mutePlayStreamVideo');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.mutePlayStreamVideo(this.handle, streamID, !!mute);
  }

  muteSpeaker(mute: boolean): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.muteSpeaker(this.handle, !!mute);
  }

  /**
   * Parley: where remote audio goes. Pull (the default): the game pulls the
   * mix with fetchAudioPCM into its own audio; Device: the library plays it
   * to the system's speaker.
   */
  setAudioOutput(output: ParleyAudioOutput): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.setAudioOutput(this.handle, output);
  }

  /** Parley: where a channel's video comes from (default TestPattern). */
  setVideoSource(source: ParleyVideoSourceType, channel?: ParleyPublishChannel): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.setVideoSource(this.handle, source, channelOf(channel));
  }

  /** Parley: where the published audio comes from (default TestTone). */
  setAudioSource(source: ParleyAudioSourceType): number {
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    return this.bridge.setAudioSource(this.handle, source);
  }

  /** Custom video capture on (the channel takes only frames the game sends) or off (back to the test pattern). */
  enableCustomVideoCapture(enable: boolean, config?: unknown, channel?: ParleyPublishChannel): number {
    void config;
    return this.setVideoSource(enable ? ParleyVideoSourceType.Custom : ParleyVideoSourceType.TestPattern, channel);
  }

  /** Sends one RGBA8 frame, top row first, to a channel with custom capture; copied before this returns. */
  sendCustomVideoFrame(rgba: Uint8Array, width: number, height: number, options?: ParleyCustomVideoFrameOptions): number {
    if (!(rgba instanceof Uint8Array)) throw new TypeError('sendCustomVideoFrame: rgba must be a Uint8Array');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const stride = options?.stride ?? width * 4;
    if (rgba.byteLength < stride * height) {
      throw new RangeError(`sendCustomVideoFrame: ${rgba.byteLength} bytes hold no ${height} rows of ${stride} bytes`);
    }
    return this.bridge.sendCustomVideoFrame(this.handle, rgba, width, height, stride, options?.timestampMs ?? 0,
      channelOf(options?.channel));
  }

  /**
   * Publishes what a camera rendered into a RenderTexture (its whole area)
   * on a channel with custom capture. flipY: set it where readPixels returns
   * the bottom row first (GL backends), so the picture is sent upright.
   */
  sendCustomVideoCaptureRenderTexture(texture: ParleyRenderTextureLike, channel?: ParleyPublishChannel,
    options?: { flipY?: boolean }): number {
    if (typeof texture !== 'object' || texture === null || typeof texture.readPixels !== 'function') {
      throw new TypeError('sendCustomVideoCaptureRenderTexture: texture must be a RenderTexture');
    }
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const { width, height } = texture;
    const size = width * height * 4;
    if (this.customFrame === null || this.customFrame.byteLength !== size) this.customFrame = new Uint8Array(size);
    const pixels = texture.readPixels(0, 0, width, height, this.customFrame);
    if (pixels === null) return ParleyErrorCode.InvalidArgument;
    if (options?.flipY) flipRows(pixels, width * 4, height);
    return this.bridge.sendCustomVideoFrame(this.handle, pixels, width, height, width * 4, 0, channelOf(channel));
  }

  /** Sends interleaved 16-bit PCM when the audio source is Custom (about 10 ms per call, in real time). */
  sendCustomAudioPCM(pcm: Int16Array, sampleRate: number, channels: number): number {
    if (!(pcm instanceof Int16Array)) throw new TypeError('sendCustomAudioPCM: pcm must be an Int16Array');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const perChannel = channels > 0 ? Math.floor(pcm.length / channels) : 0;
    return this.bridge.sendCustomAudioPCM(this.handle, pcm, perChannel, sampleRate, channels);
  }

  /** Pulls the next pcm.length / channels frames of the played streams' mix (pull mode). */
  fetchAudioPCM(pcm: Int16Array, sampleRate: number, channels: number): number {
    if (!(pcm instanceof Int16Array)) throw new TypeError('fetchAudioPCM: pcm must be an Int16Array');
    if (!this.alive()) return ParleyErrorCode.EngineNotCreated;
    const perChannel = channels > 0 ? Math.floor(pcm.length / channels) : 0;
    return this.bridge.fetchAudioPCM(this.handle, pcm, perChannel, sampleRate, channels);
  }

  private alive(): boolean {
    return this.handle !== 0;
  }

  private frame(): void {
    const events = this.queue;
    events.length = 0;
    this.bridge.pollEvents(this.handle, events);
    for (let i = 0; i < events.length; i++) {
      // A handler may destroy the engine: the events after it are dropped.
      if (!this.alive() || this.handler === null) break;
      try {
        dispatchEvent(this.handler, events[i]);
      } catch (err) {
        console.error('[Parley] an event handler threw:', err);
      }
    }
    events.length = 0;
    if (!this.alive()) return;
    this.previews.forEach((b) => b.update());
    this.players.forEach((b) => b.update());
  }

  private bindView<K>(bindings: Map<K, ParleyViewBinding>, key: K, canvas: ParleyCanvas | null | undefined,
    attach: (view: NativeHandle) => number): number {
    if (canvas === null || canvas === undefined || canvas.view === null || canvas.view === undefined) {
      const rc = attach(0);
      if (rc === ParleyErrorCode.Success) this.unbind(bindings, key);
      return rc;
    }
    if (typeof canvas.view !== 'object') throw new TypeError('the canvas view must be a Sprite');
    const binding = new ParleyViewBinding(this.bridge, canvas, attach);
    const rc = binding.start();
    if (rc !== ParleyErrorCode.Success) return rc;
    const old = bindings.get(key);
    bindings.set(key, binding);
    // The library already draws into the new view; the old one can go.
    if (old) old.stop();
    return rc;
  }

  private unbind<K>(bindings: Map<K, ParleyViewBinding>, key: K): void {
    const old = bindings.get(key);
    if (old) old.stop();
    bindings.delete(key);
  }

  private release(): void {
    const handle = this.handle;
    this.handle = 0;
    this.bridge.destroyEngine(handle);
    this.previews.forEach((b) => b.stop());
    this.players.forEach((b) => b.stop());
    this.previews.clear();
    this.players.clear();
    this.queue.length = 0;
  }
}

/** Drains events and refreshes views once; for games that drive the loop without the ParleyEventPump component. */
export function parleyUpdate(): void {
  ParleyExpressEngine.update();
}

function flipRows(pixels: Uint8Array, rowBytes: number, rows: number): void {
  const tmp = new Uint8Array(rowBytes);
  for (let top = 0, bottom = rows - 1; top < bottom; top++, bottom--) {
    const a = top * rowBytes;
    const b = bottom * rowBytes;
    tmp.set(pixels.subarray(a, a + rowBytes));
    pixels.copyWithin(a, b, b + rowBytes);
    pixels.set(tmp, b);
  }
}
