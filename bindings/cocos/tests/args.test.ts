/**
 * Bad arguments: the documented codes come back from the call and again
 * through onDebugError (with the seed's method name), as the seed's SDK
 * reports misuse; arguments of the wrong JS type throw; a profile the
 * library refuses makes createEngine throw. Enums and error codes match
 * include/parley.h and the loaded library, member by member.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import * as parley from '../assets/parley/index';
import {
  ParleyError,
  ParleyErrorCode,
  ParleyExpressEngine,
  ParleyPublishChannel,
  ParleyRoomConfig,
  ParleyUser,
  setParleyNativeBridge,
} from '../assets/parley/index';
import { devProfile, FrameLoop, useWorld } from './support/harness';

const world = useWorld();

const repoRoot = path.resolve(__dirname, '../../../..');
const header = fs.readFileSync(path.join(repoRoot, 'include/parley.h'), 'utf8');

function upperSnake(pascal: string): string {
  return pascal.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toUpperCase();
}

/** Every `PARLEY_X = n` of the header's enums. */
function headerConstants(): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of header.matchAll(/^\s*(PARLEY_[A-Z0-9_]+)\s*=\s*(\d+)\s*,?/gm)) out.set(m[1], Number(m[2]));
  return out;
}

function numericMembers(e: object): Array<[string, number]> {
  return Object.entries(e).filter((kv): kv is [string, number] => typeof kv[1] === 'number');
}

test('every enum has the members and values of include/parley.h', () => {
  const constants = headerConstants();
  const mirror: Record<string, string> = {
    OnlyPreviewMirror: 'ONLY_PREVIEW', BothMirror: 'BOTH', NoMirror: 'NONE', OnlyPublishMirror: 'ONLY_PUBLISH',
  };
  const pairs: Array<[object, string, Record<string, string>?]> = [
    [parley.ParleyScenario, 'PARLEY_SCENARIO_'],
    [parley.ParleyRoomStateChangedReason, 'PARLEY_ROOM_STATE_REASON_'],
    [parley.ParleyUpdateType, 'PARLEY_UPDATE_TYPE_'],
    [parley.ParleyPublisherState, 'PARLEY_PUBLISHER_STATE_'],
    [parley.ParleyPlayerState, 'PARLEY_PLAYER_STATE_'],
    [parley.ParleyPlayerMediaEvent, 'PARLEY_PLAYER_MEDIA_EVENT_'],
    [parley.ParleyViewMode, 'PARLEY_VIEW_MODE_'],
    [parley.ParleyVideoMirrorMode, 'PARLEY_VIDEO_MIRROR_MODE_', mirror],
    [parley.ParleyPublishChannel, 'PARLEY_PUBLISH_CHANNEL_'],
    [parley.ParleyVideoSourceType, 'PARLEY_VIDEO_SOURCE_'],
    [parley.ParleyAudioSourceType, 'PARLEY_AUDIO_SOURCE_'],
    [parley.ParleyAudioOutput, 'PARLEY_AUDIO_OUTPUT_'],
    [parley.ParleyVideoCodecID, 'PARLEY_VIDEO_CODEC_'],
    [parley.ParleyRemoteDeviceState, 'PARLEY_REMOTE_DEVICE_STATE_'],
    [parley.ParleyStreamQualityLevel, 'PARLEY_QUALITY_LEVEL_'],
  ];
  for (const [tsEnum, prefix, names] of pairs) {
    const members = numericMembers(tsEnum);
    const fromTs = new Map(members.map(([k, v]) => [prefix + (names?.[k] ?? upperSnake(k)), v]));
    const fromHeader = new Map([...constants].filter(([k]) => k.startsWith(prefix)));
    assert.deepEqual([...fromTs].sort(), [...fromHeader].sort(), `${prefix}*`);
  }
  // The seed's values, stated once more where the seed's code depends on them.
  assert.equal(parley.ParleyScenario.HighQualityVideoCall, 5);
  assert.equal(parley.ParleyUpdateType.Add, 0);
});

test('every error code has the library\'s name and value, and the header has no code the binding lacks', () => {
  const fromTs = numericMembers(ParleyErrorCode);
  for (const [name, value] of fromTs) {
    const expected = value === 0 ? 'PARLEY_OK' : 'PARLEY_ERR_' + upperSnake(name);
    assert.equal(world().bridge.errorName(value), expected, `ParleyErrorCode.${name}`);
  }
  const listed = [...header.matchAll(/X\((PARLEY_[A-Z0-9_]+),\s*(\d+),/g)].map((m) => [m[1], Number(m[2])]);
  assert.ok(listed.length > 40);
  const tsValues = new Set(fromTs.map(([, v]) => v));
  for (const [name, value] of listed) assert.ok(tsValues.has(value as number), `${name} missing from ParleyErrorCode`);
  assert.equal(ParleyErrorCode.RoomKickedOut, 1002050);
  assert.equal(ParleyErrorCode.PublishStreamIDInUse, 1003028);
});

test('createEngine throws ParleyError with the code for a profile the library refuses, TypeError without a profile', () => {
  const cases: Array<[Partial<parley.ParleyEngineProfile>, number]> = [
    [{ appSign: 'not-hex' }, ParleyErrorCode.InvalidAppSign],
    [{ appID: 0 }, ParleyErrorCode.InvalidArgument],
    [{ server: 'http://127.0.0.1:1' }, ParleyErrorCode.InvalidServerUrl],
  ];
  for (const [change, code] of cases) {
    const profile = Object.assign(devProfile(world().url), change);
    assert.throws(() => ParleyExpressEngine.createEngine(profile, null),
      (err: unknown) => err instanceof ParleyError && err.code === code && err.funcName === 'createEngine',
      JSON.stringify(change));
    assert.equal(ParleyExpressEngine.getEngine(), null);
  }
  assert.throws(() => ParleyExpressEngine.createEngine(undefined as unknown as parley.ParleyEngineProfile), TypeError);
});

test('without the native plugin createEngine says so', () => {
  setParleyNativeBridge(null);
  try {
    assert.throws(() => ParleyExpressEngine.createEngine(devProfile(world().url)),
      (err: unknown) => err instanceof ParleyError && err.code === ParleyErrorCode.EngineNotCreated && /native plugin/.test(err.message));
  } finally {
    setParleyNativeBridge(world().bridge);
  }
});

test('bad arguments return the documented codes, and onDebugError reports each on the next frame', () => {
  const loop = new FrameLoop();
  const errors: Array<[number, string]> = [];
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), {
    onDebugError: (code: number, funcName: string) => errors.push([code, funcName]),
  });
  const user = new ParleyUser('args_user', 'Args');
  const expected: Array<[number, string]> = [];
  const check = (rc: number, code: number, funcName: string): void => {
    assert.equal(rc, code, `${funcName} returned ${world().bridge.errorName(rc)}, want ${world().bridge.errorName(code)}`);
    if (code !== ParleyErrorCode.Success) expected.push([code, funcName]);
  };

  check(engine.loginRoom('', user), ParleyErrorCode.InvalidRoomID, 'loginRoom');
  check(engine.loginRoom('a room', user), ParleyErrorCode.InvalidRoomID, 'loginRoom');
  check(engine.loginRoom('r'.repeat(129), user), ParleyErrorCode.InvalidRoomID, 'loginRoom');
  check(engine.loginRoom('args_room', new ParleyUser('')), ParleyErrorCode.InvalidUserID, 'loginRoom');
  check(engine.loginRoom('args_room', new ParleyUser('args_user', 'n'.repeat(257))), ParleyErrorCode.InvalidUserName, 'loginRoom');
  check(engine.startPublishingStream('args_stream'), ParleyErrorCode.NotLoggedIn, 'startPublishingStream');
  check(engine.startPublishingStream('args_stream', undefined, 7 as ParleyPublishChannel), ParleyErrorCode.InvalidChannel, 'startPublishingStream');
  check(engine.startPlayingStream('bad stream!'), ParleyErrorCode.InvalidStreamID, 'startPlayingStream');
  check(engine.startPlayingStream('args_stream'), ParleyErrorCode.NotLoggedIn, 'startPlayingStream');
  check(engine.sendCustomVideoFrame(new Uint8Array(16 * 16 * 4), 16, 16), ParleyErrorCode.CustomCaptureNotEnabled, 'sendCustomVideoFrame');
  check(engine.logoutRoom('args_room'), ParleyErrorCode.NotLoggedIn, 'logoutRoom');
  check(engine.stopPlayingStream('never_played'), ParleyErrorCode.Success, 'stopPlayingStream');
  check(engine.stopPublishingStream(), ParleyErrorCode.Success, 'stopPublishingStream');
  check(engine.logoutRoom(), ParleyErrorCode.Success, 'logoutRoom');

  // The right login works after all that, and a second login to the same room is refused.
  const config = new ParleyRoomConfig();
  config.isUserStatusNotify = true;
  check(engine.loginRoom('args_room', user, config), ParleyErrorCode.Success, 'loginRoom');
  check(engine.loginRoom('args_room', user, config), ParleyErrorCode.RoomAlreadyLoggedIn, 'loginRoom');

  loop.step();
  assert.deepEqual(errors, expected, 'one onDebugError per failed call, in call order, named as in the seed');
});

test('arguments of the wrong JS type throw TypeError (or RangeError) before anything reaches the library', () => {
  const engine = ParleyExpressEngine.createEngine(devProfile(world().url), { onDebugError: () => undefined });
  const bad = (v: unknown): never => v as never;
  assert.throws(() => engine.loginRoom(bad(42), new ParleyUser('u')), TypeError);
  assert.throws(() => engine.loginRoom('r', bad(null)), TypeError);
  assert.throws(() => engine.loginRoom('r', bad({ userID: 7 })), TypeError);
  assert.throws(() => engine.startPublishingStream(bad(undefined)), TypeError);
  assert.throws(() => engine.startPlayingStream(bad({})), TypeError);
  assert.throws(() => engine.startPreview({ view: bad('sprite') }), TypeError);
  assert.throws(() => engine.sendCustomVideoFrame(bad([1, 2, 3]), 2, 2), TypeError);
  assert.throws(() => engine.sendCustomVideoFrame(new Uint8Array(8), 16, 16), RangeError);
  assert.throws(() => engine.sendCustomAudioPCM(bad(new Float32Array(10)), 48000, 1), TypeError);
});

test('the event handler type: only onDebugError is required (as the seed\'s compiler message says)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-handler-'));
  const core = path.resolve(__dirname, '../../assets/parley/core/index.ts').replace(/\.ts$/, '');
  const write = (name: string, body: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `import { ParleyEventHandler } from ${JSON.stringify(core)};\n${body}\n`);
    return file;
  };
  const ok = write('ok.ts', 'export class A implements ParleyEventHandler { onDebugError(e: number, f: string, i: string): void {} }');
  const missing = write('missing.ts', 'export class B implements ParleyEventHandler { onRoomStateChanged(): void {} }');
  const diagnostics = (file: string): readonly ts.Diagnostic[] => {
    const program = ts.createProgram([file], { noEmit: true, strict: false, target: ts.ScriptTarget.ES2015, types: [] });
    return ts.getPreEmitDiagnostics(program);
  };
  try {
    assert.deepEqual(diagnostics(ok).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), []);
    const errs = diagnostics(missing);
    assert.ok(errs.some((d) => d.code === 2420 && /Property 'onDebugError' is missing/.test(ts.flattenDiagnosticMessageText(d.messageText, '\n'))),
      'TS2420: Property \'onDebugError\' is missing');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
