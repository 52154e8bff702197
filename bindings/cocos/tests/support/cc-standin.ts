/**
 * A stand-in for Cocos Creator's `cc` module, for running the binding and
 * the ported quick start under Node: only the classes and members they use,
 * with the same names and shapes as in @cocos/creator-types. Texture2D
 * records what it is given, so tests can look at the uploaded pixels.
 * Tests only; the binding itself is type-checked against the real
 * declarations (tsconfig.cocos.json).
 */

type Ctor<T> = new () => T;

export const _decorator = {
  ccclass(_name?: string) {
    return <T>(ctor: T): T => ctor;
  },
  property(_type?: unknown) {
    return (_target: object, _key: string): void => undefined;
  },
};

export class Component {
  node: Node = new Node();
  get isValid(): boolean {
    return true;
  }
  getComponent<T extends Component>(ctor: Ctor<T>): T | null {
    return this.node.getComponent(ctor);
  }
}

export class Node {
  static liveNodes = 0;
  name: string;
  parent: Node | null = null;
  readonly children: Node[] = [];
  readonly components: Component[] = [];
  isValid = true;

  constructor(name = '') {
    this.name = name;
  }
  addChild(child: Node): void {
    child.parent = this;
    this.children.push(child);
  }
  addComponent<T extends Component>(ctor: Ctor<T>): T {
    const c = new ctor();
    c.node = this;
    this.components.push(c);
    return c;
  }
  getComponent<T extends Component>(ctor: Ctor<T>): T | null {
    for (const c of this.components) if (c instanceof ctor) return c;
    return null;
  }
  getComponentInChildren<T extends Component>(ctor: Ctor<T>): T | null {
    const own = this.getComponent(ctor);
    if (own) return own;
    for (const child of this.children) {
      const found = child.getComponentInChildren(ctor);
      if (found) return found;
    }
    return null;
  }
}

export class Scene extends Node {}

export class Director {
  static readonly EVENT_AFTER_SCENE_LAUNCH = 'director_after_scene_launch';
  private scene: Scene | null = new Scene('scene');
  readonly persistRootNodes: Node[] = [];
  getScene(): Scene | null {
    return this.scene;
  }
  addPersistRootNode(node: Node): void {
    this.persistRootNodes.push(node);
  }
  once(_type: string, _callback: () => void): void {
    throw new Error('stand-in: there is always a scene');
  }
}

export const director = new Director();

export class UITransform extends Component {
  width = 0;
  height = 0;
  setContentSize(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }
}

enum PixelFormat {
  RGBA8888 = 35,
}

export interface TextureUpload {
  /** A copy of the uploaded bytes. */
  bytes: Uint8Array;
  /** The view the binding passed (to see that it is the library's buffer, not a copy). */
  source: ArrayBufferView;
}

export class Texture2D {
  static readonly PixelFormat = PixelFormat;
  static created = 0;
  width = 0;
  height = 0;
  format = 0;
  destroyed = false;
  readonly uploads: TextureUpload[] = [];
  private static keepBytes = 4;

  constructor() {
    Texture2D.created++;
  }
  /** How many of the latest uploads keep a copy of their bytes (older ones drop it, to bound memory). */
  static keepLatestUploads(n: number): void {
    Texture2D.keepBytes = n;
  }
  reset(info: { width: number; height: number; format?: number; mipmapLevel?: number }): void {
    this.width = info.width;
    this.height = info.height;
    this.format = info.format ?? 0;
  }
  uploadData(source: ArrayBufferView, _level = 0, _arrayIndex = 0): void {
    if (this.destroyed) throw new Error('stand-in: uploadData on a destroyed texture');
    if (source.byteLength !== this.width * this.height * 4) {
      throw new Error(`stand-in: ${source.byteLength} bytes uploaded into a ${this.width}x${this.height} RGBA texture`);
    }
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
    this.uploads.push({ bytes, source });
    const old = this.uploads.length - 1 - Texture2D.keepBytes;
    if (old >= 0) this.uploads[old].bytes = new Uint8Array(0);
  }
  destroy(): boolean {
    this.destroyed = true;
    return true;
  }
}

export class SpriteFrame {
  texture: Texture2D | null = null;
  destroyed = false;
  destroy(): boolean {
    this.destroyed = true;
    return true;
  }
}

enum SizeMode {
  CUSTOM = 0,
  TRIMMED = 1,
  RAW = 2,
}

export class Sprite extends Component {
  static readonly SizeMode = SizeMode;
  spriteFrame: SpriteFrame | null = null;
  sizeMode: SizeMode = SizeMode.TRIMMED;
}

export class Prefab {}

/** Clones a node with fresh components of the same classes (enough for sprite templates). */
export function instantiate(original: Node): Node {
  const copy = new Node(original.name);
  for (const c of original.components) {
    const clone = copy.addComponent(c.constructor as Ctor<Component>);
    if (c instanceof UITransform && clone instanceof UITransform) clone.setContentSize(c.width, c.height);
  }
  for (const child of original.children) copy.addChild(instantiate(child));
  return copy;
}

/** A stand-in Sprite on its own node, laid out at width x height (0 x 0: not laid out). */
export function makeSprite(width = 0, height = 0, name = 'sprite'): Sprite {
  const node = new Node(name);
  if (width > 0 && height > 0) node.addComponent(UITransform).setContentSize(width, height);
  return node.addComponent(Sprite);
}
