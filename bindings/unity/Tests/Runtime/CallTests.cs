// CallTests.cs — the seed's story from C#: two engines (the shared one and an
// independent one) meet in a room of the embedded server; A publishes custom
// video and a 1 kHz tone; B plays A's stream into a Texture2D from its stream
// update, as the seed advises; the colours arrive upright in the texture, the
// tone in B's mix; then stop, log out, destroy. Only the player loop's frames
// (ParleyEventPump.Update) deliver events.
using System;
using System.Threading;
using NUnit.Framework;
using UnityEngine;

namespace Parley.Tests
{
    [TestFixture]
    class CallTests : WithServer
    {
        const int W = 320, H = 240;
        static readonly byte[] Red = { 255, 0, 0 }, Blue = { 0, 0, 255 };

        [Test]
        public void TwoEnginesHoldACall()
        {
            var recA = new Recorder("A");
            var recB = new Recorder("B");
            var a = ParleyExpressEngine.CreateEngine(Profile(), recA);
            Assert.AreSame(a, ParleyExpressEngine.CreateEngine(Profile(), recB), "a second CreateEngine returns the first, as in the seed");
            Assert.AreSame(a, ParleyExpressEngine.GetEngine());
            Assert.IsNotNull(UnityEngine.Object.FindObjectOfType<ParleyEventPump>(), "creating an engine puts a ParleyEventPump in the scene");
            var b = ParleyExpressEngine.CreateIndependentEngine(Profile(), recB);
            Assert.AreNotSame(a, b);

            // B plays A's stream from its stream update, into a texture.
            var texture = new Texture2D(W, H, TextureFormat.RGBA32, false);
            int playRc = -1;
            b.OnRoomStreamUpdate += (room, type, streams, extended) =>
            {
                foreach (var s in streams)
                {
                    if (s.StreamID != "stream-a") continue;
                    if (type == ParleyUpdateType.Add) playRc = b.StartPlayingStream(s.StreamID, texture, ParleyViewMode.ScaleToFill);
                    else Assert.AreEqual(ParleyErrorCode.OK, b.StopPlayingStream(s.StreamID));
                }
            };

            // Log in; B sees A with A's UTF-8 name intact.
            Assert.AreEqual(ParleyErrorCode.OK, a.LoginRoom("room-1", new ParleyUser("user-a", "Älice 小明"), new ParleyRoomConfig()));
            recA.WaitFor("room room-1 Logined 0");
            recA.AssertOrder("room room-1 Logining 0", "room room-1 Logined 0");
            Assert.AreEqual(ParleyErrorCode.OK, b.LoginRoom("room-1", new ParleyUser("user-b", "Bob"), new ParleyRoomConfig { IsUserStatusNotify = true }));
            recB.WaitFor("room room-1 Logined 0");
            recB.WaitFor("users room-1 Add user-a:Älice 小明");

            // A publishes red over blue (top row first) and a 1 kHz tone.
            Assert.AreEqual(ParleyErrorCode.OK, a.SetVideoConfig(new ParleyVideoConfig
            {
                CaptureWidth = W, CaptureHeight = H, EncodeWidth = W, EncodeHeight = H, FPS = 30, Bitrate = 800,
            }));
            Assert.AreEqual(ParleyErrorCode.OK, a.SetVideoSource(ParleyVideoSource.Custom));
            Assert.AreEqual(ParleyErrorCode.OK, a.SetAudioSource(ParleyAudioSource.Custom));
            using (var pusher = new Pusher(a, Colors.TwoBands(W, H, Red, Blue), W, H))
            {
                Assert.AreEqual(ParleyErrorCode.OK, a.StartPublishingStream("stream-a"));
                recA.WaitFor("publisher stream-a Publishing 0");
                recA.AssertOrder("publisher stream-a PublishRequesting 0", "publisher stream-a Publishing 0");
                recA.WaitFor("captured_first_frame Main");

                recB.WaitFor("streams room-1 Add stream-a:user-a");
                Assert.AreEqual(ParleyErrorCode.OK, playRc, "StartPlayingStream from inside OnRoomStreamUpdate");
                recB.WaitFor("player stream-a Playing 0");
                recB.AssertOrder("player stream-a PlayRequesting 0", "player stream-a Playing 0");
                recB.WaitFor("render_first_frame stream-a");
                recB.WaitFor("video_size stream-a 320 240");
                recB.AssertOrder("recv_first_frame stream-a", "render_first_frame stream-a");

                // Unity counts texture rows from the bottom: red, the picture's top, is at high y.
                Frames.Until(() => Colors.Near(texture.GetPixel32(W / 2, H * 3 / 4), 255, 0, 0) &&
                                   Colors.Near(texture.GetPixel32(W / 2, H / 4), 0, 0, 255), 10000,
                             () => "texture top " + texture.GetPixel32(W / 2, H * 3 / 4) + ", bottom " + texture.GetPixel32(W / 2, H / 4) +
                                   "; want red over blue");
                Assert.That(Colors.Near(texture.GetPixel32(2, H - 3), 255, 0, 0) && Colors.Near(texture.GetPixel32(W - 3, 2), 0, 0, 255),
                            "corners: top left " + texture.GetPixel32(2, H - 3) + ", bottom right " + texture.GetPixel32(W - 3, 2));
                int uploads = texture.StandInApplyCount;
                Frames.For(500);
                Assert.Greater(texture.StandInApplyCount, uploads, "the texture keeps getting frames");

                // B hears the tone: 16-bit and float (OnAudioFilterRead) pulls.
                var heard = new short[48000];
                var chunk = new short[480];
                for (int got = 0; got < heard.Length; got += chunk.Length)
                {
                    Assert.AreEqual(ParleyErrorCode.OK, b.FetchAudioPcm(chunk, 480, 48000, 1));
                    Array.Copy(chunk, 0, heard, got, chunk.Length);
                    Thread.Sleep(10);
                }
                double share = Colors.ToneShare(heard, 24000, 24000);
                Assert.Greater(share, 0.5, "share of 1 kHz in B's mix");
                var stereo = new float[2 * 480];
                Assert.AreEqual(ParleyErrorCode.OK, b.FetchAudio(stereo, 2, 48000));
                float peak = 0;
                foreach (var s in stereo) peak = Math.Max(peak, Math.Abs(s));
                Assert.That(peak > 0.05f && peak <= 1f, "float pull peak " + peak);

                // A switches to publishing a Unity texture: green over yellow in Unity's
                // bottom-up rows; B's texture shows it the same way up.
                pusher.SendVideo = false;
                var source = new Texture2D(W, H, TextureFormat.RGBA32, false);
                var colors = new Color32[W * H];
                for (int i = 0; i < colors.Length; i++)
                    colors[i] = i / W >= H / 2 ? new Color32(0, 255, 0, 255) : new Color32(255, 255, 0, 255);
                source.SetPixels32(colors);
                Frames.Until(() =>
                {
                    Assert.AreEqual(ParleyErrorCode.OK, a.SendCustomVideoFrame(source));
                    return Colors.Near(texture.GetPixel32(W / 2, H * 3 / 4), 0, 255, 0) &&
                           Colors.Near(texture.GetPixel32(W / 2, H / 4), 255, 255, 0);
                }, 10000, () => "texture top " + texture.GetPixel32(W / 2, H * 3 / 4) + ", bottom " + texture.GetPixel32(W / 2, H / 4) +
                                "; want green over yellow");
                pusher.SendVideo = true;

                // Quality arrives with measured values.
                Frames.Until(() => recB.LastPlayQuality != null && recB.LastPlayQuality.VideoRecvFPS > 0 &&
                                   recA.LastPublishQuality != null && recA.LastPublishQuality.VideoSendFPS > 0, 10000,
                             () => "no publisher and player quality with fps > 0");
                Assert.AreEqual(W, recB.LastPlayQuality.Width);
                Assert.AreEqual(H, recB.LastPlayQuality.Height);
                Assert.Greater(recB.LastPlayQuality.VideoKBPS, 0);
                Assert.Greater(recA.LastPublishQuality.AudioKBPS, 0);

                // A mutes its video: B learns it.
                Assert.AreEqual(ParleyErrorCode.OK, a.MutePublishStreamVideo(true));
                recB.WaitFor("remote_camera stream-a Mute");
                Assert.AreEqual(ParleyErrorCode.OK, a.MutePublishStreamVideo(false));
                recB.WaitFor("remote_camera stream-a Open");

                // A stops; B stops playing from its stream update; the texture stops changing.
                Assert.AreEqual(ParleyErrorCode.OK, a.StopPublishingStream());
                recA.WaitFor("publisher stream-a NoPublish 0");
                recB.WaitFor("streams room-1 Delete stream-a:user-a");
                recB.WaitFor("player stream-a NoPlay 0");
            }
            int applied = texture.StandInApplyCount;
            Frames.For(300);
            Assert.AreEqual(applied, texture.StandInApplyCount, "texture uploads after StopPlayingStream");

            // Log out and destroy.
            Assert.AreEqual(ParleyErrorCode.OK, a.LogoutRoom());
            recA.WaitFor("room room-1 Logout 0");
            recB.WaitFor("users room-1 Delete user-a:Älice 小明");
            Assert.AreEqual(ParleyErrorCode.OK, b.LogoutRoom("room-1"));
            recB.WaitFor("room room-1 Logout 0");

            Assert.AreEqual(0, recA.CountPrefix("users"), "A logged in without user updates but got some");
            Assert.AreEqual(0, recA.CountPrefix("streams"), "A got a stream update about its own stream");
            Assert.AreEqual(0, recA.CountPrefix("debug_error") + recB.CountPrefix("debug_error"), "debug errors in a clean call");
            recA.AssertClean();
            recB.AssertClean();

            bool destroyed = false;
            ParleyExpressEngine.DestroyEngine(() => destroyed = true);
            Frames.Until(() => destroyed, 5000, () => "the DestroyEngine callback never ran");
            Assert.IsNull(ParleyExpressEngine.GetEngine());
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, a.LoginRoom("room-1", new ParleyUser("user-a")));
            Assert.AreEqual(ParleyErrorCode.OK, b.Destroy());
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, b.Destroy());
            int events = recA.Count + recB.Count;
            Frames.For(300);
            Assert.AreEqual(events, recA.Count + recB.Count, "events after destroy");
        }

        /// <summary>Pushes a frame every 33 ms and 10 ms of a 1 kHz tone every 10 ms from its own thread, as a game's render and audio threads would.</summary>
        sealed class Pusher : IDisposable
        {
            readonly ParleyExpressEngine engine;
            readonly byte[] frame;
            readonly int w, h;
            readonly Thread thread;
            volatile bool running = true;
            public volatile bool SendVideo = true;
            public volatile int Failures;

            public Pusher(ParleyExpressEngine engine, byte[] frame, int w, int h)
            {
                this.engine = engine;
                this.frame = frame;
                this.w = w;
                this.h = h;
                thread = new Thread(Run) { IsBackground = true, Name = "pusher" };
                thread.Start();
            }

            void Run()
            {
                var pcm = new short[480];
                double phase = 0;
                for (int n = 0; running; n++)
                {
                    for (int i = 0; i < pcm.Length; i++)
                    {
                        pcm[i] = (short)(8000 * Math.Sin(phase));
                        phase += 2 * Math.PI * 1000 / 48000;
                    }
                    if (engine.SendCustomAudioPcm(pcm, 480, 48000, 1) != ParleyErrorCode.OK) Failures++;
                    if (SendVideo && n % 3 == 0 && engine.SendCustomVideoFrame(frame, w, h) != ParleyErrorCode.OK) Failures++;
                    Thread.Sleep(10);
                }
            }

            public void Dispose()
            {
                running = false;
                thread.Join();
                Assert.AreEqual(0, Failures, "custom frame or audio pushes that failed");
            }
        }
    }
}
