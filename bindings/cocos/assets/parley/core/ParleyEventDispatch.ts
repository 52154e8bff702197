import { NativeEvent, NativeStream, NativeUser } from './NativeBridge';
import { ParleyStream, ParleyUser } from './ParleyExpressDefines';
import { ParleyEventHandler } from './ParleyEventHandler';

/**
 * The seed's name for a library function named in on_debug_error:
 * parley_login_room -> loginRoom, parley_engine_create -> createEngine,
 * parley_send_custom_audio_pcm -> sendCustomAudioPCM.
 */
export function seedFunctionName(cName: string): string {
  const special: Record<string, string> = {
    parley_engine_create: 'createEngine',
    parley_engine_destroy: 'destroyEngine',
    parley_engine_set_event_handler: 'setEventHandler',
  };
  if (special[cName] !== undefined) return special[cName];
  if (!cName.startsWith('parley_')) return cName;
  const camel = cName.slice('parley_'.length).replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  return camel.replace(/Pcm$/, 'PCM');
}

function toUser(u: NativeUser): ParleyUser {
  return new ParleyUser(u.userID, u.userName);
}

function toStream(s: NativeStream): ParleyStream {
  const stream = new ParleyStream();
  stream.user = new ParleyUser(s.userID, s.userName);
  stream.streamID = s.streamID;
  stream.extraInfo = s.extraInfo;
  return stream;
}

/** Calls the handler's method for one event (as a method, so `this` is the handler). */
export function dispatchEvent(h: ParleyEventHandler, ev: NativeEvent): void {
  switch (ev.type) {
    case 'debugError':
      h.onDebugError(ev.errorCode, seedFunctionName(ev.funcName), ev.info);
      break;
    case 'roomStateChanged':
      h.onRoomStateChanged?.(ev.roomID, ev.reason, ev.errorCode, ev.extendedData);
      break;
    case 'roomUserUpdate':
      h.onRoomUserUpdate?.(ev.roomID, ev.updateType, ev.users.map(toUser));
      break;
    case 'roomStreamUpdate':
      h.onRoomStreamUpdate?.(ev.roomID, ev.updateType, ev.streams.map(toStream), ev.extendedData);
      break;
    case 'roomTokenWillExpire':
      h.onRoomTokenWillExpire?.(ev.roomID, ev.remainSeconds);
      break;
    case 'publisherStateUpdate':
      h.onPublisherStateUpdate?.(ev.streamID, ev.state, ev.errorCode, ev.extendedData);
      break;
    case 'publisherQualityUpdate':
      h.onPublisherQualityUpdate?.(ev.streamID, ev.quality);
      break;
    case 'publisherCapturedVideoFirstFrame':
      h.onPublisherCapturedVideoFirstFrame?.(ev.channel);
      break;
    case 'playerStateUpdate':
      h.onPlayerStateUpdate?.(ev.streamID, ev.state, ev.errorCode, ev.extendedData);
      break;
    case 'playerQualityUpdate':
      h.onPlayerQualityUpdate?.(ev.streamID, ev.quality);
      break;
    case 'playerMediaEvent':
      h.onPlayerMediaEvent?.(ev.streamID, ev.event);
      break;
    case 'playerRecvVideoFirstFrame':
      h.onPlayerRecvVideoFirstFrame?.(ev.streamID);
      break;
    case 'playerRenderVideoFirstFrame':
      h.onPlayerRenderVideoFirstFrame?.(ev.streamID);
      break;
    case 'playerVideoSizeChanged':
      h.onPlayerVideoSizeChanged?.(ev.streamID, ev.width, ev.height);
      break;
    case 'remoteCameraStateUpdate':
      h.onRemoteCameraStateUpdate?.(ev.streamID, ev.state);
      break;
    case 'remoteMicStateUpdate':
      h.onRemoteMicStateUpdate?.(ev.streamID, ev.state);
      break;
    case 'networkQuality':
      h.onNetworkQuality?.(ev.userID, ev.upstream, ev.downstream);
      break;
  }
}
