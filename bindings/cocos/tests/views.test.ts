/**
 * Sprites as views: one Texture2D per Sprite, sized from its UITransform (or
 * the canvas, or 640x360), recreated only when that size changes, uploaded
 * only when the library wrote a new frame. Pictures come from a peer on the
 * raw C ABI publishing solid colours.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { makeSprite, Sprite, SpriteFrame, Texture2D, UITransform } from 'cc';
import {
  ParleyErrorCode,
  ParleyExpressEngine,
  ParleyPlayerState,
  ParleyRoomStateChangedReason,
  ParleyUser,
  ParleyViewMode,
  setParleyNativeBridge,
} from '../assets/parley/index';
import {
  devProfile, FrameLoop, HandlerCall, lastUploadCentre, near, Peer, recordingHandler, RGB, runFrames, runFramesFor, 
  solidFrame, SolidRenderTexture, textureOf, useWorld,
} from './support/harness';

const RED: RGB = [255, 0, 0];
const YELLOW: RGB = [255, 255, 0];

const world = useWorld();

function showing(sprite: Sprite, rgb: RGB): boolean {
  const px = lastUploadCentre(sprite);
  return px !== null && near(px, rgb);
}

/** An engine logged in to room, and a peer there publishing stream in rgb. */
async function call(room: string, stream: string, rgb: RGB): Promise<{ loop: FrameLoop; calls: HandlerCall[]; peer: Peer }> {
  const loop = new FrameLoop();
  const calls: HandlerCall[] = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url),
    recordingHandler({ onDebugError: () => undefined }, calls, () => loop.inFrame));
  assert.equal(engine.loginRoom(room, new ParleyUser(`${room}_me`)), ParleyErrorCode.Success);
  const peer = new Peer(world().bridge, world().url);
  loop.extra.push(() => peer.step());
  peer.login(room, `${room}_peer`);
  await runFrames(loop.step, () => calls.some((c) => c.name === 'onRoomStateChanged' && c.args[1] === ParleyRoomStateChangedReason.Logined),
    10000, 'Logined');
  peer.publishColour(stream, rgb);
  return { loop, calls, peer };
}

test('one texture per Sprite at its laid-out size, a new one only when the size changes', async () => {
  const { loop, calls, peer } = await call('views_room1', 'views_stream1', RED);
  try {
    const engine = ParleyExpressEngine.getEngine()!;
    const sprite = makeSprite(200, 100);
    const texturesBefore = Texture2D.created;
    assert.equal(engine.startPlayingStream('views_stream1', { view: sprite }), ParleyErrorCode.Success);
    await runFrames(loop.step, () => showing(sprite, RED), 15000, 'red in the Sprite');
    const first = textureOf(sprite)!;
    assert.equal(first.width, 200);
    assert.equal(first.height, 100);
    assert.equal(first.format, Texture2D.PixelFormat.RGBA8888);
    assert.equal(sprite.sizeMode, Sprite.SizeMode.CUSTOM, 'the Sprite keeps its layout');
    await runFramesFor(loop.step, 500);
    assert.equal(Texture2D.created - texturesBefore, 1, 'frames go on, still one texture');
    assert.equal(textureOf(sprite), first);

    // The layout changes: exactly one new texture, the old one and its SpriteFrame destroyed.
    const oldFrame = sprite.spriteFrame as SpriteFrame;
    sprite.node.getComponent(UITransform)!.setContentSize(100, 50);
    const playStatesBefore = calls.filter((c) => c.name === 'onPlayerStateUpdate').length;
    await runFrames(loop.step, () => textureOf(sprite) !== first && showing(sprite, RED), 15000, 'red in the resized Sprite');
    const second = textureOf(sprite)!;
    assert.equal(second.width, 100);
    assert.equal(second.height, 50);
    assert.ok(first.destroyed && oldFrame.destroyed, 'the old texture and frame are destroyed');
    await runFramesFor(loop.step, 500);
    assert.equal(Texture2D.created - texturesBefore, 2);
    assert.equal(textureOf(sprite), second);
    // What the library says when the binding re-attaches a new view to a playing stream.
    const extraStates = calls.filter((c) => c.name === 'onPlayerStateUpdate').slice(playStatesBefore);
    assert.deepEqual(extraStates.map((c) => c.args[1]), [], 'a new view for a playing stream changes no player state');

    // Stopped: the Sprite keeps its last picture and texture, nothing more is uploaded.
    assert.equal(engine.stopPlayingStream('views_stream1'), ParleyErrorCode.Success);
    const uploads = second.uploads.length;
    await runFramesFor(loop.step, 400);
    assert.equal(second.uploads.length, uploads);
    assert.ok(showing(sprite, RED));

    // Played again into the same Sprite at the same size: the same texture is reused.
    peer.setColour(YELLOW);
    assert.equal(engine.startPlayingStream('views_stream1', { view: sprite }), ParleyErrorCode.Success);
    await runFrames(loop.step, () => showing(sprite, YELLOW), 15000, 'yellow in the Sprite');
    assert.equal(textureOf(sprite), second);
    assert.equal(Texture2D.created - texturesBefore, 2);
  } finally {
    peer.destroy();
  }
});

test('the canvas size wins over the layout; without either the view is 640x360; a new view takes over a playing stream', async () => {
  const { loop, peer } = await call('views_room2', 'views_stream2', RED);
  try {
    const engine = ParleyExpressEngine.getEngine()!;
    const unlaid = makeSprite();
    assert.equal(engine.startPlayingStream('views_stream2', { view: unlaid, viewMode: ParleyViewMode.ScaleToFill }), ParleyErrorCode.Success);
    await runFrames(loop.step, () => showing(unlaid, RED), 15000, 'red in the unlaid Sprite');
    assert.deepEqual([textureOf(unlaid)!.width, textureOf(unlaid)!.height], [640, 360]);

    // Another Sprite, explicit size: it takes over; the first one stops changing.
    const sized = makeSprite(300, 300);
    assert.equal(engine.startPlayingStream('views_stream2', { view: sized, width: 64, height: 32 }), ParleyErrorCode.Success);
    await runFrames(loop.step, () => showing(sized, RED), 15000, 'red in the second Sprite');
    assert.deepEqual([textureOf(sized)!.width, textureOf(sized)!.height], [64, 32]);
    const before = textureOf(unlaid)!.uploads.length;
    await runFramesFor(loop.step, 400);
    assert.equal(textureOf(unlaid)!.uploads.length, before, 'the replaced view gets no more frames');
    assert.ok(textureOf(sized)!.uploads.length > 1);
  } finally {
    peer.destroy();
  }
});

test('preview of a render texture sent by custom capture, and the peer sees it', async () => {
  const { loop, calls, peer } = await call('views_room3', 'views_stream3', RED);
  try {
    const engine = ParleyExpressEngine.getEngine()!;
    const picture = new SolidRenderTexture(160, 120, YELLOW);
    loop.extra.push(() => engine.sendCustomVideoCaptureRenderTexture(picture, undefined, { flipY: true }));
    assert.equal(engine.enableCustomVideoCapture(true), ParleyErrorCode.Success);
    const preview = makeSprite(160, 120);
    assert.equal(engine.startPreview({ view: preview }), ParleyErrorCode.Success);
    assert.equal(engine.startPublishingStream('views_mine3'), ParleyErrorCode.Success);
    peer.play('views_mine3');
    await runFrames(loop.step, () => {
      const atPeer = peer.viewCentre();
      return showing(preview, YELLOW) && atPeer !== null && near(atPeer, YELLOW);
    }, 15000, 'yellow in the preview and at the peer');
    assert.ok(picture.reads > 0);
    assert.ok(calls.some((c) => c.name === 'onPublisherCapturedVideoFirstFrame' && c.args[0] === 0));

    // Muting the published video: the peer's stream reports it, the preview goes on.
    assert.equal(engine.mutePublishStreamVideo(true), ParleyErrorCode.Success);
    await runFrames(loop.step, () => peer.has('remoteCameraStateUpdate', (ev) => ev.type === 'remoteCameraStateUpdate' &&
      ev.streamID === 'views_mine3' && ev.state === 10), 10000, 'the peer sees the camera MUTE');
    const previewUploads = textureOf(preview)!.uploads.length;
    await runFramesFor(loop.step, 300);
    assert.ok(textureOf(preview)!.uploads.length > previewUploads, 'the preview goes on while muted');
    assert.equal(engine.stopPreview(), ParleyErrorCode.Success);
    assert.equal(engine.stopPublishingStream(), ParleyErrorCode.Success);
    assert.ok(!calls.some((c) => c.name === 'onPlayerStateUpdate' && c.args[1] === ParleyPlayerState.NoPlay && c.args[2] !== 0));
  } finally {
    peer.destroy();
  }
});

test('a render texture read bottom row first is sent upright with flipY', async () => {
  const sent: number[][] = [];
  const bridge = world().bridge;
  // Watch what reaches the library: the first pixel of each frame's top row.
  setParleyNativeBridge(new Proxy(bridge, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key !== 'sendCustomVideoFrame' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const rgba = args[1] as Uint8Array;
        sent.push([rgba[0], rgba[1], rgba[2]]);
        return (value as (...a: unknown[]) => number).apply(target, args);
      };
    },
  }));
  try {
    const engine = ParleyExpressEngine.createEngine(devProfile(world().url), { onDebugError: () => undefined });
    assert.equal(engine.enableCustomVideoCapture(true), ParleyErrorCode.Success);
    // readPixels as on a GL backend: the bottom of the picture (blue) comes first.
    const gl = {
      width: 4, height: 4,
      readPixels(_x?: number, _y?: number, _w?: number, _h?: number, buffer?: Uint8Array): Uint8Array | null {
        const out = buffer ?? new Uint8Array(64);
        for (let row = 0; row < 4; row++) {
          out.set(solidFrame(4, 1, row < 2 ? [0, 0, 255] : [255, 0, 0]), row * 16);
        }
        return out;
      },
    };
    assert.equal(engine.sendCustomVideoCaptureRenderTexture(gl, undefined, { flipY: true }), ParleyErrorCode.Success);
    assert.equal(engine.sendCustomVideoCaptureRenderTexture(gl), ParleyErrorCode.Success);
    assert.deepEqual(sent, [[255, 0, 0], [0, 0, 255]], 'flipped: red (the top) first; as read: blue first');
  } finally {
    setParleyNativeBridge(bridge);
  }
});
