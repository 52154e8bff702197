/**
 * The engine-independent core of Parley for Cocos Creator. Games import the
 * Cocos entry (../index), which also installs the native bridge, the
 * texture host and the ParleyEventPump component.
 */
export * from './ParleyErrorCode';
export * from './ParleyExpressDefines';
export * from './ParleyEventHandler';
export * from './NativeBridge';
export * from './ParleyViewRenderer';
export * from './ParleyExpressEngine';
export * from './ParleyLocalServer';
export { seedFunctionName } from './ParleyEventDispatch';
