// BadArgumentTests.cs — mistakes give the documented answer: the library's
// code (and, on a live engine, OnDebugError with the same code and the C
// function's name), or an exception where C# has no code to give (null
// required arguments, buffers shorter than their sizes, disposed views,
// failed creation). Nothing crashes.
using System;
using System.Linq;
using NUnit.Framework;
using UnityEngine;

namespace Parley.Tests
{
    [TestFixture]
    class BadArgumentTests : WithServer
    {
        [Test]
        public void CreatingAnEngineWithABadProfileThrowsTheLibrarysCode()
        {
            Assert.Throws<ArgumentNullException>(() => ParleyExpressEngine.CreateEngine(null));
            var p = Profile();
            p.AppSign = "not-hex";
            var e = Assert.Throws<ParleyException>(() => ParleyExpressEngine.CreateEngine(p));
            Assert.AreEqual(ParleyErrorCode.InvalidAppSign, e.ErrorCode);
            StringAssert.Contains("PARLEY_ERR_INVALID_APP_SIGN", e.Message);
            p = Profile();
            p.AppID = 0;
            Assert.AreEqual(ParleyErrorCode.InvalidArgument, Assert.Throws<ParleyException>(() => ParleyExpressEngine.CreateIndependentEngine(p)).ErrorCode);
            p = Profile();
            p.Server = "http://127.0.0.1:1";
            Assert.AreEqual(ParleyErrorCode.InvalidServerUrl, Assert.Throws<ParleyException>(() => ParleyExpressEngine.CreateIndependentEngine(p)).ErrorCode);
            p = Profile();
            p.Scenario = (ParleyScenario)99;
            Assert.AreEqual(ParleyErrorCode.InvalidArgument, Assert.Throws<ParleyException>(() => ParleyExpressEngine.CreateIndependentEngine(p)).ErrorCode);
            Assert.IsNull(ParleyExpressEngine.GetEngine(), "a failed CreateEngine leaves no engine behind");
        }

        [Test]
        public void CallsOnALiveEngineReturnTheCodeAndReportItThroughOnDebugError()
        {
            var rec = new Recorder("E");
            var e = ParleyExpressEngine.CreateEngine(Profile(), rec);
            var codes = new[]
            {
                Tuple.Create(ParleyErrorCode.InvalidRoomID, e.LoginRoom("bad room!", new ParleyUser("u1")), "parley_login_room"),
                Tuple.Create(ParleyErrorCode.InvalidUserID, e.LoginRoom("room-1", new ParleyUser("用户")), "parley_login_room"),
                // 86 characters, 258 bytes of UTF-8: the limit counts bytes.
                Tuple.Create(ParleyErrorCode.InvalidUserName, e.LoginRoom("room-1", new ParleyUser("u1", new string('小', 86))), "parley_login_room"),
                Tuple.Create(ParleyErrorCode.NotLoggedIn, e.StartPublishingStream("s1"), "parley_start_publishing_stream"),
                Tuple.Create(ParleyErrorCode.InvalidStreamID, e.StartPublishingStream("s 1"), "parley_start_publishing_stream"),
                Tuple.Create(ParleyErrorCode.NotLoggedIn, e.StartPlayingStream("s1"), "parley_start_playing_stream"),
                Tuple.Create(ParleyErrorCode.InvalidChannel, e.StopPublishingStream((ParleyPublishChannel)7), "parley_stop_publishing_stream"),
                Tuple.Create(ParleyErrorCode.InvalidArgument, e.SetVideoSource((ParleyVideoSource)99), "parley_set_video_source"),
                Tuple.Create(ParleyErrorCode.InvalidArgument, e.SetVideoConfig(new ParleyVideoConfig { EncodeWidth = 321 }), "parley_set_video_config"),
                Tuple.Create(ParleyErrorCode.CustomCaptureNotEnabled, e.SendCustomVideoFrame(new byte[4 * 4 * 4], 4, 4), "parley_send_custom_video_frame"),
                Tuple.Create(ParleyErrorCode.InvalidArgument, e.SendCustomVideoFrame(new byte[4 * 3 * 4], 3, 4), "parley_send_custom_video_frame"),
                Tuple.Create(ParleyErrorCode.InvalidArgument, e.FetchAudioPcm(new short[480], 480, 12345, 1), "parley_fetch_audio_pcm"),
                Tuple.Create(ParleyErrorCode.NotLoggedIn, e.LogoutRoom("room-1"), "parley_logout_room"),
            };
            foreach (var c in codes) Assert.AreEqual(c.Item1, c.Item2, c.Item3 + ": " + ParleyError.Name(c.Item2));
            Frames.Until(() => rec.CountPrefix("debug_error") >= codes.Length, 5000, () => "debug errors: " + string.Join(", ", rec.Lines.ToArray()));
            CollectionAssert.AreEqual(codes.Select(c => "debug_error " + c.Item1 + " " + c.Item3).ToArray(), rec.Lines.ToArray(),
                                      "one OnDebugError per failed call, in call order");
            rec.AssertClean();
        }

        [Test]
        public void NullsAndShortBuffersThrowBeforeReachingTheLibrary()
        {
            var e = ParleyExpressEngine.CreateEngine(Profile(), new Recorder("E"));
            Assert.Throws<ArgumentNullException>(() => e.LoginRoom(null, new ParleyUser("u1")));
            Assert.Throws<ArgumentNullException>(() => e.LoginRoom("room-1", null));
            Assert.Throws<ArgumentNullException>(() => e.StartPublishingStream(null));
            Assert.Throws<ArgumentNullException>(() => e.StartPlayingStream(null));
            Assert.Throws<ArgumentNullException>(() => e.SetVideoConfig(null));
            Assert.Throws<ArgumentNullException>(() => e.SendCustomVideoFrame((byte[])null, 4, 4));
            // The library would read past these buffers: refused in C#.
            Assert.Throws<ArgumentException>(() => e.SendCustomVideoFrame(new byte[320 * 240 * 4 - 1], 320, 240));
            Assert.Throws<ArgumentException>(() => e.SendCustomVideoFrame(new byte[8 * 4 * 4], 4, 4, 64));
            Assert.Throws<ArgumentException>(() => e.SendCustomAudioPcm(new short[479], 480, 48000, 1));
            Assert.Throws<ArgumentException>(() => e.FetchAudioPcm(new short[480], 480, 48000, 2));
            Assert.Throws<ArgumentNullException>(() => e.FetchAudioPcm(null, 480, 48000, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ParleyView(0, 10));
            Assert.Throws<ArgumentOutOfRangeException>(() => new ParleyView(10, 16385));
        }

        [Test]
        public void TexturesMustBeRGBA32WithoutMipmapsAndShowOneThingAtATime()
        {
            var e = ParleyExpressEngine.CreateEngine(Profile(), new Recorder("E"));
            Assert.Throws<ArgumentNullException>(() => e.StartPreview((Texture2D)null));
            Assert.Throws<ArgumentException>(() => e.StartPreview(new Texture2D(64, 64, TextureFormat.RGBA32, true)));
            var texture = new Texture2D(64, 48, TextureFormat.RGBA32, false);
            Assert.AreEqual(ParleyErrorCode.OK, e.StartPreview(texture));
            Assert.AreEqual(ParleyErrorCode.ViewInUse, e.StartPreview(texture, ParleyPublishChannel.Aux), "one texture, two previews");
            Frames.Until(() => texture.StandInApplyCount > 0, 10000, () => "the preview never reached the texture");
            Assert.AreEqual(255, texture.GetPixel32(32, 24).a, "preview pixels are opaque");
            Assert.AreEqual(ParleyErrorCode.OK, e.StopPreview());
            Assert.AreEqual(ParleyErrorCode.OK, e.StartPreview(texture, ParleyPublishChannel.Aux), "free again after StopPreview");

            var view = new ParleyView(32, 32);
            view.Dispose();
            Assert.Throws<ObjectDisposedException>(() => e.StartPreview(view));
            view.Dispose(); // twice is fine
        }

        [Test]
        public void ADestroyedEngineAnswersInvalidHandle()
        {
            var e = ParleyExpressEngine.CreateIndependentEngine(Profile(), new Recorder("E"));
            Assert.AreEqual(ParleyErrorCode.OK, e.Destroy());
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.Destroy());
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.LoginRoom("room-1", new ParleyUser("u1")));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.StartPublishingStream("s1"));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.StartPlayingStream("s1"));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.StartPreview(new Texture2D(8, 8, TextureFormat.RGBA32, false)));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.FetchAudioPcm(new short[480], 480, 48000, 1));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.LogoutRoom());
            Assert.IsEmpty(e.GetDeviceList(ParleyDeviceKind.Camera));
            ParleyExpressEngine.DestroyEngine(); // no engine: nothing happens
        }

        [Test]
        public void ABadServerConfigThrowsTheLibrarysCode()
        {
            var e = Assert.Throws<ParleyException>(() => ParleyEmbeddedServer.Start("{not json"));
            Assert.AreEqual(ParleyErrorCode.ServerConfigInvalid, e.ErrorCode);
        }
    }
}
