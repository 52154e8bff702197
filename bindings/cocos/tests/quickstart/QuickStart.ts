/*
 * The quick start of the seed (../../../../../shared/seed/video-call-quickstart.zh.md),
 * ported the way the API promise says: every `Zego` prefix replaced by
 * `Parley` and the import line changed, nothing else. The code blocks are
 * assembled into one component in the seed's order; comments are the
 * seed's, in English. It is compiled with a Cocos Creator project's default
 * settings (tsconfig.json beside it, against the real `cc` declarations)
 * and driven through a real call by ../quickstart.test.ts.
 *
 * appID and appSign: the seed gets them from the console; these are the
 * development app of a Parley server (ParleyLocalServer, parleyd --dev).
 */
import { _decorator, Component, instantiate, Node, Sprite } from 'cc'
import {
  ParleyEngineProfile,
  ParleyEventHandler,
  ParleyExpressEngine,
  ParleyPlayerMediaEvent,
  ParleyPlayerState,
  ParleyPlayStreamQuality,
  ParleyPublisherState,
  ParleyPublishStreamQuality,
  ParleyRoomConfig,
  ParleyRoomStateChangedReason,
  ParleyScenario,
  ParleyStream,
  ParleyUpdateType,
  ParleyUser,
} from '../../assets/parley/index'
const { ccclass, property } = _decorator

let appID = 1
let appSign = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'

@ccclass('NewComponent')
export class NewComponent extends Component implements ParleyEventHandler {

  // Define the SDK engine object
  public engine: ParleyExpressEngine | null = null

  @property(Sprite)
  localPreviewView: Sprite

  @property(Sprite)
  remotePlayView: Sprite

  @property(Node)
  spriteNodePrototype: Node

  start() {
    let profile = new ParleyEngineProfile()
    profile.appID = appID // from the console, a number such as 123456789
    profile.appSign = appSign // from the console, 64 characters
    profile.scenario = ParleyScenario.HighQualityVideoCall // high-quality audio/video call (pick the one that fits)

    // Initialise the SDK
    this.engine = ParleyExpressEngine.createEngine(profile, this)
  }

  onDebugError(errorCode: number, funcName: string, info: string): void {
    console.log('[Parley] onDebugError:', errorCode, funcName, info)
  }

  loginRoom() {
    // Create the user object
    let user = new ParleyUser()
    user.userID = 'your_user_id'
    user.userName = 'your_user_name'

    // Only a ParleyRoomConfig with isUserStatusNotify true brings onRoomUserUpdate.
    let roomConfig = new ParleyRoomConfig()
    roomConfig.isUserStatusNotify = true
    // With AppSign authentication no token is needed; for token authentication:
    // roomConfig.token = 'xxxx'

    // Log in to the room
    this.engine.loginRoom('your_room_id', user, roomConfig)
  }

  // Room state updates
  onRoomStateChanged(roomID: string, reason: ParleyRoomStateChangedReason, errorCode: number, extendedData: string): void {
    // implement as needed
  }

  // User state updates
  onRoomUserUpdate(roomID: string, updateType: ParleyUpdateType, userList: ParleyUser[]): void {
    // implement as needed
  }

  // Stream state updates
  onRoomStreamUpdate(roomID: string, updateType: ParleyUpdateType, streamList: ParleyStream[], extendedData: string): void {
    // implement as needed
  }

  publish() {
    // Start publishing
    this.engine.startPublishingStream('your_stream_id')

    // Call start preview
    this.engine.startPreview({ view: this.localPreviewView })
  }

  previewInDynamicSprite() {
    // Instantiate a template node made beforehand
    let node = instantiate(this.spriteNodePrototype)
    // Call start preview
    this.engine.startPreview({ view: node.getComponentInChildren(Sprite) })
  }

  // Publisher state updates
  onPublisherStateUpdate(streamID: string, state: ParleyPublisherState, errorCode: number, extendedData: string): void {
    // implement as needed
  }

  // Publisher quality
  onPublisherQualityUpdate(streamID: string, quality: ParleyPublishStreamQuality): void {
    // implement as needed
  }

  playAudioOnly() {
    this.engine.startPlayingStream('stream_id')
  }

  play() {
    // Call start playing
    this.engine.startPlayingStream('stream_id', { view: this.remotePlayView })
  }

  playInDynamicSprite() {
    // Instantiate a template node made beforehand
    let node = instantiate(this.spriteNodePrototype)
    // Call start preview
    this.engine.startPlayingStream('stream_id', { view: node.getComponentInChildren(Sprite) })
  }

  // Player state updates
  onPlayerStateUpdate(streamID: string, state: ParleyPlayerState, errorCode: number, extendedData: string): void {
    // implement as needed
  }

  // Player quality
  onPlayerQualityUpdate(streamID: string, quality: ParleyPlayStreamQuality): void {
    // implement as needed
  }

  // Player media events
  onPlayerMediaEvent(streamID: string, event: ParleyPlayerMediaEvent): void {
    // implement as needed
  }

  stopPublishing() {
    // Stop publishing
    this.engine.stopPublishingStream()

    // Stop the local preview
    this.engine.stopPreview()
  }

  stopPlaying() {
    // Stop playing
    this.engine.stopPlayingStream('stream_id')
  }

  logout() {
    // Log out of the room
    this.engine.logoutRoom()
  }

  destroyEngine() {
    // Destroy the engine
    ParleyExpressEngine.destroyEngine()
  }

  destroyWithCallback() {
    ParleyExpressEngine.destroyEngine(() => {
      console.log('[Parley] engine destroyed')
    })
  }
}
