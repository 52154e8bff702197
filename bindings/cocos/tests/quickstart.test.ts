/**
 * The seed's quick start, ported by prefix (quickstart/QuickStart.ts), holds
 * a real call under Node: the component runs on the stand-in `cc`, the
 * library is build/libparley.so through koffi, the server is embedded, and
 * the second user is another engine on the raw C ABI. What the user sees
 * is checked: the colours in the Sprites' textures, the events in order,
 * every handler on the game thread inside the frame update.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { director, makeSprite, Node } from 'cc';
import { NewComponent } from './quickstart/QuickStart';
import {
  ParleyEventPump,
  ParleyExpressEngine,
  ParleyPlayerState,
  ParleyPublisherState,
  ParleyRoomStateChangedReason,
  ParleyStream,
  ParleyUpdateType,
  ParleyUser,
} from '../assets/parley/index';
import {
  HandlerCall, lastUploadCentre, near, Peer, recordingHandler, RGB, runFrames, runFramesFor, SolidRenderTexture,
  textureOf, useWorld,
} from './support/harness';

const RED: RGB = [255, 0, 0];
const GREEN: RGB = [0, 255, 0];
const BLUE: RGB = [0, 0, 255];

const world = useWorld();

function indexOfCall(calls: HandlerCall[], name: string, pred: (args: unknown[]) => boolean = () => true): number {
  return calls.findIndex((c) => c.name === name && pred(c.args));
}

test('the ported quick start holds a call: colours arrive in the Sprites, events in order, all on the frame', async () => {
  const w = world();
  assert.equal(process.env.PARLEY_SERVER_URL, w.url,
    'the quick start names no server: run the tests with tests/support/run.js, which sets $PARLEY_SERVER_URL');
  // The scene as the seed's editor steps make it: a canvas node with the component and two Sprites.
  const canvas = new Node('Canvas');
  const qs = canvas.addComponent(NewComponent);
  qs.localPreviewView = makeSprite(320, 180, 'localPreview');
  qs.remotePlayView = makeSprite(320, 180, 'remotePlay');
  const template = new Node('template');
  template.addChild(makeSprite(64, 48, 'templateSprite').node);
  qs.spriteNodePrototype = template;

  qs.start();
  const engine = qs.engine;
  assert.ok(engine instanceof ParleyExpressEngine, 'createEngine returned the engine');

  // createEngine put the event pump on a persistent node, as in a game.
  const pumpNode = director.persistRootNodes.find((n) => n.name === 'ParleyEventPump');
  assert.ok(pumpNode, 'a persistent ParleyEventPump node exists');
  const pump = pumpNode.getComponent(ParleyEventPump);
  assert.ok(pump, 'the node has the ParleyEventPump component');

  const calls: HandlerCall[] = [];
  let inFrame = false;
  assert.equal(engine.setEventHandler(recordingHandler(qs, calls, () => inFrame)), 0);

  const peer = new Peer(w.bridge, w.url);
  const localPicture = new SolidRenderTexture(320, 240, GREEN);
  let sendLocal = false;
  const frame = (): void => {
    inFrame = true;
    try {
      pump.update(1 / 60);
    } finally {
      inFrame = false;
    }
    if (sendLocal) engine.sendCustomVideoCaptureRenderTexture(localPicture);
    peer.step();
  };

  try {
    // The seed's order: log in (isUserStatusNotify) and publish with a preview right away,
    // without waiting for the login; the picture comes from a render texture (custom capture).
    assert.equal(engine.enableCustomVideoCapture(true), 0);
    sendLocal = true;
    qs.loginRoom();
    qs.publish();
    await runFrames(frame, () => indexOfCall(calls, 'onRoomStateChanged', (a) => a[1] === ParleyRoomStateChangedReason.Logined) >= 0,
      10000, 'onRoomStateChanged(Logined)');

    // The second user joins and publishes red.
    peer.login('your_room_id', 'peer_user');
    peer.publishColour('stream_id', RED);

    // The peer's stream appears; play it into the remote Sprite (seed: startPlayingStream with a view).
    await runFrames(frame, () => indexOfCall(calls, 'onRoomStreamUpdate',
      (a) => a[1] === ParleyUpdateType.Add && (a[2] as ParleyStream[]).some((s) => s.streamID === 'stream_id')) >= 0,
    10000, 'onRoomStreamUpdate(Add, stream_id)');
    qs.play();
    peer.play('your_stream_id');

    await runFrames(frame, () => {
      const remote = lastUploadCentre(qs.remotePlayView);
      const local = lastUploadCentre(qs.localPreviewView);
      const atPeer = peer.viewCentre();
      return remote !== null && near(remote, RED) && local !== null && near(local, GREEN) && atPeer !== null &&
        near(atPeer, GREEN);
    }, 15000, 'red in the remote Sprite, green in the preview Sprite and at the peer');

    // The peer changes colour: the same texture shows blue.
    const remoteTexture = textureOf(qs.remotePlayView);
    assert.ok(remoteTexture);
    peer.setColour(BLUE);
    await runFrames(frame, () => {
      const px = lastUploadCentre(qs.remotePlayView);
      return px !== null && near(px, BLUE);
    }, 10000, 'blue in the remote Sprite');
    assert.equal(textureOf(qs.remotePlayView), remoteTexture, 'one texture for the whole call');
    assert.ok(remoteTexture.uploads.length >= 2, `red and blue were both uploaded into it (${remoteTexture.uploads.length} uploads)`);
    assert.equal(remoteTexture.width, 320);
    assert.equal(remoteTexture.height, 180);
    const sources = new Set(remoteTexture.uploads.map((u) => u.source));
    assert.equal(sources.size, 1, 'every upload hands over the library view buffer itself, never a copy');

    // No new frame, no upload: the peer stops sending, the frames go on.
    peer.sending = false;
    await runFramesFor(frame, 300);
    const settled = remoteTexture.uploads.length;
    const frames = await runFramesFor(frame, 600);
    assert.ok(frames > 10);
    assert.equal(remoteTexture.uploads.length, settled, 'no upload while the picture does not change');
    peer.sending = true;

    // The room's user list and the states, in the order the seed describes.
    assert.ok(indexOfCall(calls, 'onRoomUserUpdate', (a) => a[1] === ParleyUpdateType.Add &&
      (a[2] as ParleyUser[]).some((u) => u.userID === 'peer_user' && u instanceof ParleyUser)) >= 0,
    'onRoomUserUpdate(Add, peer_user)');
    const logining = indexOfCall(calls, 'onRoomStateChanged', (a) => a[0] === 'your_room_id' && a[1] === ParleyRoomStateChangedReason.Logining);
    const logined = indexOfCall(calls, 'onRoomStateChanged', (a) => a[1] === ParleyRoomStateChangedReason.Logined && a[2] === 0);
    assert.ok(logining >= 0 && logining < logined, 'Logining before Logined');
    const pubReq = indexOfCall(calls, 'onPublisherStateUpdate', (a) => a[0] === 'your_stream_id' && a[1] === ParleyPublisherState.PublishRequesting);
    const pub = indexOfCall(calls, 'onPublisherStateUpdate', (a) => a[0] === 'your_stream_id' && a[1] === ParleyPublisherState.Publishing);
    assert.ok(pubReq >= 0 && pubReq < pub, 'PublishRequesting before Publishing');
    const playReq = indexOfCall(calls, 'onPlayerStateUpdate', (a) => a[0] === 'stream_id' && a[1] === ParleyPlayerState.PlayRequesting);
    const playing = indexOfCall(calls, 'onPlayerStateUpdate', (a) => a[0] === 'stream_id' && a[1] === ParleyPlayerState.Playing);
    assert.ok(playReq >= 0 && playReq < playing, 'PlayRequesting before Playing');
    assert.ok(indexOfCall(calls, 'onPlayerRenderVideoFirstFrame', (a) => a[0] === 'stream_id') > playReq, 'first frame rendered');
    assert.equal(indexOfCall(calls, 'onDebugError'), -1, `no errors: ${JSON.stringify(calls.filter((c) => c.name === 'onDebugError'))}`);

    // Stop (seed: stopPlayingStream, stopPublishingStream + stopPreview, logoutRoom).
    qs.stopPlaying();
    qs.stopPublishing();
    sendLocal = false;
    qs.logout();
    await runFrames(frame, () => indexOfCall(calls, 'onRoomStateChanged', (a) => a[1] === ParleyRoomStateChangedReason.Logout) >= 0,
      10000, 'onRoomStateChanged(Logout)');
    assert.ok(indexOfCall(calls, 'onPlayerStateUpdate', (a) => a[0] === 'stream_id' && a[1] === ParleyPlayerState.NoPlay) > playing);
    assert.ok(indexOfCall(calls, 'onPublisherStateUpdate', (a) => a[1] === ParleyPublisherState.NoPublish) > pub);
    await runFrames(frame, () => peer.has('roomStreamUpdate', (ev) => ev.type === 'roomStreamUpdate' &&
      ev.updateType === ParleyUpdateType.Delete && ev.streams.some((s) => s.streamID === 'your_stream_id')),
    10000, 'the peer sees the quick start\'s stream deleted');

    // After stopping, the Sprites keep their textures and no longer change.
    const uploadsAfterStop = remoteTexture.uploads.length;
    await runFramesFor(frame, 300);
    assert.equal(remoteTexture.uploads.length, uploadsAfterStop, 'a stopped player uploads nothing');
    assert.equal(textureOf(qs.remotePlayView), remoteTexture);

    // Every handler ran inside the frame update, and the library called back only from the drain.
    assert.ok(calls.length > 10);
    assert.deepEqual(calls.filter((c) => !c.inFrame).map((c) => c.name), [], 'handlers outside the frame update');
    assert.equal(w.bridge.callbacksOutsidePoll, 0, 'library callbacks outside parley_engine_poll_events');
  } finally {
    qs.destroyEngine();
    peer.destroy();
  }
  assert.equal(ParleyExpressEngine.getEngine(), null, 'destroyEngine released the engine');
});
