/**
 * Test helpers: the library through koffi, an embedded server, the frame
 * loop a Cocos game would run, a second user on the raw C ABI, and colour
 * checks like tests/c's.
 */
import * as assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import * as net from 'node:net';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Sprite, Texture2D } from 'cc';
import { KoffiBridge, loadKoffiBridge } from './koffi-bridge';
import { NativeEvent, NativeHandle, NativeViewOut, setParleyNativeBridge } from '../../assets/parley/core/NativeBridge';
import { ParleyLocalServer } from '../../assets/parley/core/ParleyLocalServer';
import { ParleyEngineProfile, ParleyScenario } from '../../assets/parley/core/ParleyExpressDefines';
import { ParleyExpressEngine } from '../../assets/parley/core/ParleyExpressEngine';

/** build/libparley.so of this checkout, or $PARLEY_LIBRARY. */
export function libraryPath(): string {
  return process.env.PARLEY_LIBRARY ?? path.resolve(__dirname, '../../../../../build/libparley.so');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface TestWorld {
  bridge: KoffiBridge;
  server: ParleyLocalServer;
  url: string;
}

let world: TestWorld | null = null;

/**
 * Loads the library once per process and starts a server on 127.0.0.1.
 *
 * The ported quick start sets no server URL (the seed has none), so its
 * engine takes $PARLEY_SERVER_URL. Go's runtime reads the environment the
 * process started with, not later changes, so tests/support/run.ts picks
 * the port and starts the test processes with the variable set; the server
 * listens there. Without it, a free port is used (and the quick start test
 * says what is missing).
 */
export async function setupWorld(): Promise<TestWorld> {
  if (world !== null) return world;
  const fromEnv = /^ws:\/\/127\.0\.0\.1:(\d+)$/.exec(process.env.PARLEY_SERVER_URL ?? '');
  const port = fromEnv ? Number(fromEnv[1]) : await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const bridge = loadKoffiBridge(libraryPath());
  setParleyNativeBridge(bridge);
  const server = ParleyLocalServer.start(JSON.stringify({
    listen: `127.0.0.1:${port}`,
    apps: [{
      app_id: ParleyLocalServer.DEV_APP_ID,
      app_sign: ParleyLocalServer.DEV_APP_SIGN,
      server_secret: 'parley-cocos-binding-tests-secret-0123456789',
    }],
  }));
  assert.equal(server.url, url, 'the server listens on the chosen port');
  world = { bridge, server, url };
  return world;
}

export function teardownWorld(): void {
  if (world === null) return;
  world.server.stop();
  world = null;
}

/** Calls step every ~16 ms (a 60 fps game loop) until done() holds, or fails after timeoutMs. */
export async function runFrames(step: () => void, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    step();
    if (done()) return;
    if (Date.now() > end) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(16);
  }
}

/** Runs step for ms milliseconds of ~60 fps frames. */
export async function runFramesFor(step: () => void, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let n = 0;
  while (Date.now() < end) {
    step();
    n++;
    await sleep(16);
  }
  return n;
}

export type RGB = readonly [number, number, number];

/** RGBA of the centre pixel of a width x height RGBA buffer. */
export function centre(bytes: Uint8Array, width: number, height: number): number[] {
  const i = ((height >> 1) * width + (width >> 1)) * 4;
  return [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]];
}

/** Within tol of rgb in each channel, and opaque (the library writes alpha 255). */
export function near(px: number[], rgb: RGB, tol = 40): boolean {
  return Math.abs(px[0] - rgb[0]) <= tol && Math.abs(px[1] - rgb[1]) <= tol && Math.abs(px[2] - rgb[2]) <= tol &&
    px[3] === 255;
}

/** A solid RGBA frame. */
export function solidFrame(width: number, height: number, rgb: RGB): Uint8Array {
  const f = new Uint8Array(width * height * 4);
  for (let i = 0; i < f.length; i += 4) {
    f[i] = rgb[0];
    f[i + 1] = rgb[1];
    f[i + 2] = rgb[2];
    f[i + 3] = 255;
  }
  return f;
}

/** Stands in for cc.RenderTexture: readPixels fills the buffer with a solid colour (top row first). */
export class SolidRenderTexture {
  readonly width: number;
  readonly height: number;
  color: RGB;
  reads = 0;
  constructor(width: number, height: number, color: RGB) {
    this.width = width;
    this.height = height;
    this.color = color;
  }
  readPixels(x = 0, y = 0, width = this.width, height = this.height, buffer?: Uint8Array): Uint8Array | null {
    void x, y;
    const out = buffer ?? new Uint8Array(width * height * 4);
    out.set(solidFrame(width, height, this.color));
    this.reads++;
    return out;
  }
}

/**
 * The second user: an engine driven straight through the C ABI (the bridge
 * is 1:1 with include/parley.h), in poll mode, polled by the same loop.
 */
export class Peer {
  readonly events: NativeEvent[] = [];
  private readonly bridge: KoffiBridge;
  private engine: NativeHandle = 0;
  private view: NativeViewOut = { handle: 0, pixels: null };
  private viewW = 0;
  private viewH = 0;
  private frame: Uint8Array | null = null;
  private frameW = 0;
  private frameH = 0;
  sending = true;

  constructor(bridge: KoffiBridge, url: string) {
    this.bridge = bridge;
    const out = { handle: 0 };
    const rc = bridge.createEngine({ appID: ParleyLocalServer.DEV_APP_ID, appSign: ParleyLocalServer.DEV_APP_SIGN,
      scenario: 4, server: url }, out);
    assert.equal(rc, 0, `peer createEngine: ${bridge.errorName(rc)}`);
    this.engine = out.handle;
  }

  login(roomID: string, userID: string): void {
    this.ok(this.bridge.loginRoom(this.engine, roomID, userID, userID, { maxMemberCount: 0, isUserStatusNotify: true, token: '' }), 'login');
  }

  /** Publishes solid frames of rgb (custom capture) once logged in. */
  publishColour(streamID: string, rgb: RGB, width = 320, height = 240): void {
    this.ok(this.bridge.setVideoSource(this.engine, 2, 0), 'setVideoSource(CUSTOM)');
    this.frame = solidFrame(width, height, rgb);
    this.frameW = width;
    this.frameH = height;
    this.ok(this.bridge.startPublishingStream(this.engine, streamID, 0), 'startPublishingStream');
  }

  setColour(rgb: RGB): void {
    this.frame = solidFrame(this.frameW, this.frameH, rgb);
  }

  play(streamID: string, width = 160, height = 120): void {
    const out: NativeViewOut = { handle: 0, pixels: null };
    this.ok(this.bridge.createView(width, height, 0, false, out), 'createView');
    this.view = out;
    this.viewW = width;
    this.viewH = height;
    this.ok(this.bridge.startPlayingStream(this.engine, streamID, out.handle), 'startPlayingStream');
  }

  /** One frame: poll events, push a frame (every other call: ~30 fps). */
  private tick = 0;
  step(): void {
    if (this.engine === 0) return;
    this.bridge.pollEvents(this.engine, this.events);
    if (this.frame !== null && this.sending && this.tick++ % 2 === 0) {
      this.bridge.sendCustomVideoFrame(this.engine, this.frame, this.frameW, this.frameH, this.frameW * 4, 0, 0);
    }
  }

  /** The centre pixel of the peer's view, or null before its first frame. */
  viewCentre(): number[] | null {
    if (this.view.handle === 0 || this.view.pixels === null) return null;
    const info = { seq: 0, sourceWidth: 0, sourceHeight: 0, captureTimeMs: 0, writeTimeMs: 0 };
    if (this.bridge.acquireView(this.view.handle, info) !== 0) return null;
    try {
      return info.seq > 0 ? centre(this.view.pixels, this.viewW, this.viewH) : null;
    } finally {
      this.bridge.releaseView(this.view.handle);
    }
  }

  has(type: NativeEvent['type'], pred: (ev: NativeEvent) => boolean = () => true): boolean {
    return this.events.some((ev) => ev.type === type && pred(ev));
  }

  destroy(): void {
    if (this.engine !== 0) this.bridge.destroyEngine(this.engine);
    this.engine = 0;
    if (this.view.handle !== 0) this.bridge.destroyView(this.view.handle);
    this.view = { handle: 0, pixels: null };
  }

  private ok(rc: number, what: string): void {
    assert.equal(rc, 0, `peer ${what}: ${this.bridge.errorName(rc)}`);
  }
}

/** One handler call, and whether it ran inside the frame update (the drain). */
export interface HandlerCall {
  name: string;
  args: unknown[];
  inFrame: boolean;
}

/**
 * Wraps a handler so that every callback is recorded with whether it ran
 * inside a frame (the flag the test's frame loop sets around the pump).
 */
export function recordingHandler<H extends object>(target: H, calls: HandlerCall[], inFrame: () => boolean): H {
  return new Proxy(target, {
    get(t, key, receiver) {
      const value = Reflect.get(t, key, receiver);
      if (typeof key !== 'string' || !/^on[A-Z]/.test(key)) return value;
      // Every callback is recorded, also those the target does not implement.
      return (...args: unknown[]) => {
        calls.push({ name: key, args, inFrame: inFrame() });
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).apply(t, args) : undefined;
      };
    },
  });
}

/** A profile for the development app of the test server. */
export function devProfile(url: string): ParleyEngineProfile {
  const p = new ParleyEngineProfile();
  p.appID = ParleyLocalServer.DEV_APP_ID;
  p.appSign = ParleyLocalServer.DEV_APP_SIGN;
  p.scenario = ParleyScenario.StandardVideoCall;
  p.server = url;
  return p;
}

/** A frame loop around the binding's per-frame update, with the flag handlers are checked against. */
export class FrameLoop {
  inFrame = false;
  readonly extra: Array<() => void> = [];
  readonly step = (): void => {
    this.inFrame = true;
    try {
      ParleyExpressEngine.update();
    } finally {
      this.inFrame = false;
    }
    for (const f of this.extra) f();
  };
}

/**
 * Registers the hooks every test file wants: the world before the tests,
 * the engine destroyed after each, the server stopped at the end. Returns
 * the world's getter (valid inside tests).
 */
export function useWorld(): () => TestWorld {
  let current: TestWorld | null = null;
  before(async () => {
    current = await setupWorld();
  });
  afterEach(() => ParleyExpressEngine.destroyEngine());
  after(() => teardownWorld());
  return () => {
    if (current === null) throw new Error('the world is set up in before()');
    return current;
  };
}

/** The Texture2D (stand-in) a Sprite shows, or null. */
export function textureOf(sprite: Sprite): Texture2D | null {
  const frame = sprite.spriteFrame;
  return frame ? frame.texture : null;
}

/** The centre pixel of the last upload into the Sprite's texture, or null before any. */
export function lastUploadCentre(sprite: Sprite): number[] | null {
  const t = textureOf(sprite);
  if (!t || t.uploads.length === 0) return null;
  return centre(t.uploads[t.uploads.length - 1].bytes, t.width, t.height);
}
