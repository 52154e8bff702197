/**
 * The Cocos Creator side of the binding: the ParleyEventPump component that
 * drains the library's events every frame on the game thread, and the
 * texture host that gives each Sprite view one Texture2D. Importing the
 * binding's entry (../index) installs both.
 */
import { _decorator, Component, director, Director, Node, Sprite, SpriteFrame, Texture2D, UITransform } from 'cc';
import { ParleyExpressEngine, setParleyPumpInstaller } from '../core/ParleyExpressEngine';
import { ParleyRenderHost, ParleySize, ParleyTextureLike, setParleyRenderHost } from '../core/ParleyViewRenderer';
import { ParleyViewTarget } from '../core/ParleyExpressDefines';

const { ccclass } = _decorator;

/**
 * Runs ParleyExpressEngine.update() once per frame: every event handler runs
 * here, on the game's main thread, and every view's texture is refreshed
 * here. createEngine adds it to a persistent node by itself.
 */
@ccclass('ParleyEventPump')
export class ParleyEventPump extends Component {
  update(_dt: number): void {
    ParleyExpressEngine.update();
  }
}

const frames = new WeakMap<Texture2D, SpriteFrame>();

const cocosRenderHost: ParleyRenderHost = {
  viewSize(view: ParleyViewTarget): ParleySize | null {
    if (!(view instanceof Sprite)) return null;
    const transform = view.node.getComponent(UITransform);
    return transform ? { width: transform.width, height: transform.height } : null;
  },

  createTexture(view: ParleyViewTarget, width: number, height: number): ParleyTextureLike {
    const texture = new Texture2D();
    texture.reset({ width, height, format: Texture2D.PixelFormat.RGBA8888, mipmapLevel: 1 });
    const frame = new SpriteFrame();
    frame.texture = texture;
    frames.set(texture, frame);
    if (view instanceof Sprite) {
      // Keep the node's layout: the picture is scaled into it, not the node resized to the picture.
      view.sizeMode = Sprite.SizeMode.CUSTOM;
      view.spriteFrame = frame;
    }
    return texture;
  },

  destroyTexture(texture: ParleyTextureLike): void {
    if (!(texture instanceof Texture2D)) return;
    frames.get(texture)?.destroy();
    frames.delete(texture);
    texture.destroy();
  },
};

let pumpNode: Node | null = null;

function installPump(): void {
  if (pumpNode !== null && pumpNode.isValid) return;
  const scene = director.getScene();
  if (!scene) {
    director.once(Director.EVENT_AFTER_SCENE_LAUNCH, installPump);
    return;
  }
  const node = new Node('ParleyEventPump');
  scene.addChild(node);
  director.addPersistRootNode(node);
  node.addComponent(ParleyEventPump);
  pumpNode = node;
}

setParleyRenderHost(cocosRenderHost);
setParleyPumpInstaller(installPump);
