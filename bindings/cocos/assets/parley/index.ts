/**
 * Parley for Cocos Creator: import everything from here.
 *
 *     import { ParleyExpressEngine, ParleyEngineProfile, ParleyEventHandler } from './parley';
 *
 * Importing this module also installs the ParleyEventPump component and the
 * Sprite texture host (cocos/ParleyCocos.ts); the native plugin
 * (native/plugins/parley) supplies the library.
 */
export * from './core/index';
export { ParleyEventPump } from './cocos/ParleyCocos';
