import { NativeBridge, NativeFrameInfo, NativeHandle, NativeViewOut } from './NativeBridge';
import { ParleyErrorCode } from './ParleyErrorCode';
import { ParleyCanvas, ParleyViewMode, ParleyViewTarget } from './ParleyExpressDefines';

/** What the binding needs of cc.Texture2D. */
export interface ParleyTextureLike {
  uploadData(source: ArrayBufferView, level?: number, arrayIndex?: number): void;
}

export interface ParleySize {
  width: number;
  height: number;
}

/**
 * The engine side of views: the Cocos entry (cocos/ParleyCocos.ts) installs
 * one made of cc.Texture2D, cc.SpriteFrame and cc.UITransform; the tests run
 * that same code over a stand-in of the `cc` module.
 */
export interface ParleyRenderHost {
  /** The size the view is laid out at, or null when it cannot tell. */
  viewSize(view: ParleyViewTarget): ParleySize | null;
  /** A new RGBA8888 texture of this size, shown by the view from now on. */
  createTexture(view: ParleyViewTarget, width: number, height: number): ParleyTextureLike;
  /** A texture created by createTexture that nothing shows any more. */
  destroyTexture(texture: ParleyTextureLike): void;
}

let host: ParleyRenderHost | null = null;

export function setParleyRenderHost(h: ParleyRenderHost | null): void {
  host = h;
}

export function getParleyRenderHost(): ParleyRenderHost | null {
  return host;
}

/** The size of a view's buffer when neither the canvas nor the view tells one. */
export const DEFAULT_VIEW_SIZE: Readonly<ParleySize> = { width: 640, height: 360 };
const MAX_VIEW_SIDE = 4096;

interface TextureSlot {
  texture: ParleyTextureLike;
  width: number;
  height: number;
}

/** One Texture2D per view target for the life of the target: recreated only when the size changes. */
const textures = new WeakMap<ParleyViewTarget, TextureSlot>();

function clampSide(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.min(MAX_VIEW_SIDE, Math.max(0, Math.round(v)));
}

/**
 * A view attached to a preview or a player: a library view (parley_view)
 * whose buffer is uploaded into the target's texture each frame its seq
 * advanced. attach() tells the library to draw into a given view handle.
 */
export class ParleyViewBinding {
  readonly target: ParleyViewTarget;
  private readonly bridge: NativeBridge;
  private readonly canvas: ParleyCanvas;
  private readonly attach: (view: NativeHandle) => number;
  private view: NativeHandle = 0;
  private pixels: Uint8Array | null = null;
  private width = 0;
  private height = 0;
  private lastSeq = 0;
  private readonly info: NativeFrameInfo = { seq: 0, sourceWidth: 0, sourceHeight: 0, captureTimeMs: 0, writeTimeMs: 0 };

  constructor(bridge: NativeBridge, canvas: ParleyCanvas, attach: (view: NativeHandle) => number) {
    this.bridge = bridge;
    this.canvas = canvas;
    this.target = canvas.view;
    this.attach = attach;
  }

  /** Creates the view at the current size and attaches it; PARLEY_OK or the failing code (then nothing is left). */
  start(): number {
    const size = this.wantedSize();
    return this.replaceView(size.width, size.height);
  }

  /** Once per frame: follows the target's size, uploads a new picture if one arrived. */
  update(): void {
    if (this.view === 0) return;
    const size = this.wantedSize();
    if (size.width !== this.width || size.height !== this.height) {
      // Refused (the player or preview is gone, the engine logged out): stop here
      // rather than ask again every frame; the failure went to onDebugError once.
      if (this.replaceView(size.width, size.height) !== ParleyErrorCode.Success) {
        this.stop();
        return;
      }
    }
    if (this.bridge.acquireView(this.view, this.info) !== ParleyErrorCode.Success) return;
    try {
      if (this.info.seq > this.lastSeq && this.pixels !== null) {
        this.lastSeq = this.info.seq;
        this.texture().uploadData(this.pixels);
      }
    } finally {
      this.bridge.releaseView(this.view);
    }
  }

  /** Detaches and frees the library view; the target keeps its texture and last picture. */
  stop(): void {
    if (this.view !== 0) this.bridge.destroyView(this.view);
    this.view = 0;
    this.pixels = null;
  }

  private wantedSize(): ParleySize {
    let width = clampSide(this.canvas.width ?? 0);
    let height = clampSide(this.canvas.height ?? 0);
    if (width === 0 || height === 0) {
      const laidOut = host?.viewSize(this.target) ?? null;
      width = laidOut ? clampSide(laidOut.width) : 0;
      height = laidOut ? clampSide(laidOut.height) : 0;
    }
    if (width === 0 || height === 0) return DEFAULT_VIEW_SIZE;
    return { width, height };
  }

  /** A new library view of this size takes over from the old one (the library replaces it on attach). */
  private replaceView(width: number, height: number): number {
    const out: NativeViewOut = { handle: 0, pixels: null };
    const mode = this.canvas.viewMode ?? ParleyViewMode.AspectFit;
    let rc = this.bridge.createView(width, height, mode, false, out);
    if (rc !== ParleyErrorCode.Success) return rc;
    rc = this.attach(out.handle);
    if (rc !== ParleyErrorCode.Success) {
      this.bridge.destroyView(out.handle);
      return rc;
    }
    const old = this.view;
    this.view = out.handle;
    this.pixels = out.pixels;
    this.width = width;
    this.height = height;
    this.lastSeq = 0;
    if (old !== 0) this.bridge.destroyView(old);
    return ParleyErrorCode.Success;
  }

  /** The target's texture at the view's size: kept while the size holds, replaced when it changes. */
  private texture(): ParleyTextureLike {
    const slot = textures.get(this.target);
    if (slot && slot.width === this.width && slot.height === this.height) return slot.texture;
    if (!host) throw new Error('Parley: no render host; import the Cocos entry of the binding (parley/index)');
    const texture = host.createTexture(this.target, this.width, this.height);
    textures.set(this.target, { texture, width: this.width, height: this.height });
    if (slot) host.destroyTexture(slot.texture);
    return texture;
  }
}
