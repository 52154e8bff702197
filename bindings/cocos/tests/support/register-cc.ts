/**
 * Preloaded by the test run (node --require): `require('cc')` resolves to the
 * stand-in, as it resolves to the engine inside Cocos Creator.
 */
import Module = require('module');
import * as path from 'path';

const standin = path.join(__dirname, 'cc-standin.js');
const loader = Module as unknown as {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
};
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, parent, isMain, options) {
  if (request === 'cc') return standin;
  return resolve.call(this, request, parent, isMain, options);
};
