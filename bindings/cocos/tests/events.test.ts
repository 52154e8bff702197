/**
 * Events reach the game only from the frame update: the engine is created in
 * poll mode, and nothing runs while the game does not update, however long
 * the library works meanwhile. One engine per process, as in the seed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ParleyErrorCode,
  ParleyEventHandler,
  ParleyExpressEngine,
  ParleyRoomStateChangedReason,
  ParleyUser,
} from '../assets/parley/index';
import { devProfile, FrameLoop, HandlerCall, recordingHandler, runFrames, useWorld } from './support/harness';

const world = useWorld();

const quiet: ParleyEventHandler = { onDebugError: () => undefined };

function roomStates(calls: HandlerCall[]): number[] {
  return calls.filter((c) => c.name === 'onRoomStateChanged').map((c) => c.args[1] as number);
}

test('nothing reaches a handler until the frame update drains; then everything, in order', async () => {
  const loop = new FrameLoop();
  const calls: HandlerCall[] = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), recordingHandler(quiet, calls, () => loop.inFrame));
  assert.equal(engine.loginRoom('events_room', new ParleyUser('events_user')), ParleyErrorCode.Success);

  // The JS event loop runs for 1.5 s (timers, I/O), the library logs in meanwhile; no frame update.
  await sleep(1500);
  assert.equal(calls.length, 0, 'no handler ran outside the frame update');
  assert.equal(world().bridge.callbacksOutsidePoll, 0, 'no library callback outside parley_engine_poll_events');

  // One frame update delivers what queued, in the order it happened.
  loop.step();
  assert.deepEqual(roomStates(calls), [ParleyRoomStateChangedReason.Logining, ParleyRoomStateChangedReason.Logined]);
  assert.ok(calls.every((c) => c.inFrame));
  assert.equal(calls[0].args[0], 'events_room');
});

test('a second createEngine returns the first engine and keeps its handler', async () => {
  const loop = new FrameLoop();
  const first: HandlerCall[] = [];
  const second: HandlerCall[] = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), recordingHandler(quiet, first, () => loop.inFrame));
  const again = ParleyExpressEngine.createEngine(devProfile(world().url), recordingHandler(quiet, second, () => loop.inFrame));
  assert.equal(again, engine);
  assert.equal(ParleyExpressEngine.getEngine(), engine);
  engine.loginRoom('events_room2', new ParleyUser('events_user2'));
  await runFrames(loop.step, () => roomStates(first).includes(ParleyRoomStateChangedReason.Logined), 10000, 'Logined');
  assert.equal(second.length, 0);
});

test('setEventHandler: events still queued go to the new handler', async () => {
  const loop = new FrameLoop();
  const before: HandlerCall[] = [];
  const afterCalls: HandlerCall[] = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), recordingHandler(quiet, before, () => loop.inFrame));
  engine.loginRoom('events_room3', new ParleyUser('events_user3'));
  await sleep(500);
  assert.equal(engine.setEventHandler(recordingHandler(quiet, afterCalls, () => loop.inFrame)), ParleyErrorCode.Success);
  await runFrames(loop.step, () => roomStates(afterCalls).includes(ParleyRoomStateChangedReason.Logined), 10000, 'Logined');
  assert.equal(before.length, 0);
  assert.equal(roomStates(afterCalls)[0], ParleyRoomStateChangedReason.Logining);
});

test('a handler that throws does not stop the events after it', async () => {
  const loop = new FrameLoop();
  const reasons: number[] = [];
  const errors: unknown[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => errors.push(args);
  try {
    const engine = ParleyExpressEngine.createEngine(devProfile(world().url), {
      onDebugError: () => undefined,
      onRoomStateChanged(_room: string, reason: ParleyRoomStateChangedReason) {
        reasons.push(reason);
        if (reason === ParleyRoomStateChangedReason.Logining) throw new Error('a bug in the game');
      },
    });
    engine.loginRoom('events_room4', new ParleyUser('events_user4'));
    await runFrames(loop.step, () => reasons.includes(ParleyRoomStateChangedReason.Logined), 10000, 'Logined');
  } finally {
    console.error = log;
  }
  assert.deepEqual(reasons, [ParleyRoomStateChangedReason.Logining, ParleyRoomStateChangedReason.Logined]);
  assert.equal(errors.length, 1, 'the exception was logged');
});

test('destroyEngine from inside a handler: later events are dropped, the callback runs once, the old engine answers ENGINE_NOT_CREATED', async () => {
  const loop = new FrameLoop();
  let destroyedCallbacks = 0;
  const reasons: number[] = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), {
    onDebugError: () => undefined,
    onRoomStateChanged(_room: string, reason: ParleyRoomStateChangedReason) {
      reasons.push(reason);
      if (reason === ParleyRoomStateChangedReason.Logining) ParleyExpressEngine.destroyEngine(() => destroyedCallbacks++);
    },
  });
  engine.loginRoom('events_room5', new ParleyUser('events_user5'));
  await sleep(1000); // Logining and Logined both queued
  loop.step();
  assert.deepEqual(reasons, [ParleyRoomStateChangedReason.Logining], 'Logined, queued behind the destroy, is dropped');
  assert.equal(destroyedCallbacks, 1);
  assert.equal(ParleyExpressEngine.getEngine(), null);
  assert.equal(engine.loginRoom('events_room5', new ParleyUser('events_user5')), ParleyErrorCode.EngineNotCreated);
  assert.equal(engine.startPublishingStream('s1'), ParleyErrorCode.EngineNotCreated);
  loop.step(); // nothing to drain, nothing breaks

  // And a new engine can be created afterwards.
  const next = ParleyExpressEngine.createEngine(devProfile(world().url), quiet);
  assert.notEqual(next, engine);
});
