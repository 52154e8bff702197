// ParleyVideoCall.cs — the seed's quick start as a Unity scene script: create
// the engine, log in, publish with a local preview, play the other user's
// stream when it appears, and tear everything down when the scene ends.
//
// Scene: a Canvas with two RawImages; drag them onto Local Preview View and
// Remote Play View. Run two players (or the Editor and a build) with different
// user and stream IDs against the same server: `parleyd --dev` on this
// machine, or put Server to another machine's ws:// URL.
using System.Collections.Generic;
using Parley;
using UnityEngine;
using UnityEngine.UI;

public class ParleyVideoCall : MonoBehaviour
{
    [SerializeField] RawImage localPreviewView;
    [SerializeField] RawImage remotePlayView;
    [SerializeField] uint appID = ParleyEngineProfile.DevAppID;
    [SerializeField] string appSign = ParleyEngineProfile.DevAppSign;
    [SerializeField] string server = "";
    [SerializeField] string roomID = "your_room_id";
    [SerializeField] string userID = "your_user_id";
    [SerializeField] string streamID = "your_stream_id";

    ParleyExpressEngine engine;
    readonly List<string> playing = new List<string>();

    void Start()
    {
        // Create the engine.
        var profile = new ParleyEngineProfile();
        profile.AppID = appID;
        profile.AppSign = appSign;
        profile.Scenario = ParleyScenario.HighQualityVideoCall;
        profile.Server = server;
        engine = ParleyExpressEngine.CreateEngine(profile);

        // Events run on the main thread, from ParleyEventPump.Update.
        engine.OnDebugError += (errorCode, funcName, info) =>
            Debug.LogWarning("[Parley] onDebugError: " + errorCode + " " + funcName + " " + info);
        engine.OnRoomStateChanged += OnRoomStateChanged;
        engine.OnRoomStreamUpdate += OnRoomStreamUpdate;
        engine.OnPublisherStateUpdate += (id, state, errorCode, extendedData) =>
            Debug.Log("[Parley] publisher " + id + ": " + state + " " + errorCode);
        engine.OnPlayerStateUpdate += (id, state, errorCode, extendedData) =>
            Debug.Log("[Parley] player " + id + ": " + state + " " + errorCode);

        // Log in. Only a room config with IsUserStatusNotify brings OnRoomUserUpdate.
        var user = new ParleyUser();
        user.UserID = userID;
        user.UserName = userID;
        var roomConfig = new ParleyRoomConfig();
        roomConfig.IsUserStatusNotify = true;
        engine.LoginRoom(roomID, user, roomConfig);

        // As in the seed: publish right away; the stream goes out once the
        // login is through. The local preview needs no room.
        engine.StartPublishingStream(streamID);
        engine.StartPreview(localPreviewView);
    }

    void OnRoomStateChanged(string room, ParleyRoomStateChangedReason reason, int errorCode, string extendedData)
    {
        Debug.Log("[Parley] room " + room + ": " + reason + " " + errorCode);
    }

    void OnRoomStreamUpdate(string room, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData)
    {
        foreach (var stream in streamList)
        {
            if (updateType == ParleyUpdateType.Add && playing.Count == 0)
            {
                engine.StartPlayingStream(stream.StreamID, remotePlayView);
                playing.Add(stream.StreamID);
            }
            else if (updateType == ParleyUpdateType.Delete && playing.Remove(stream.StreamID))
            {
                // As the seed asks: stop playing a stream that is gone.
                engine.StopPlayingStream(stream.StreamID);
            }
        }
    }

    void OnDestroy()
    {
        if (engine == null) return;
        engine.StopPublishingStream();
        engine.StopPreview();
        foreach (var id in playing) engine.StopPlayingStream(id);
        engine.LogoutRoom();
        ParleyExpressEngine.DestroyEngine(() => Debug.Log("[Parley] engine destroyed"));
        engine = null;
    }
}
