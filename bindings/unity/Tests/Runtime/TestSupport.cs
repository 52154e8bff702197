// TestSupport.cs — what the Mono suite shares: the embedded server, a
// recorder of every event (with the thread it ran on and whether it ran
// inside a frame of the player loop), and waits that run the player loop the
// way Unity does, frame by frame.
//
// These tests run under plain Mono against the stand-ins in Tests/StandIns~
// (make test-unity); the asmdef's define constraint PARLEY_MONO_TESTS keeps
// Unity from compiling them.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NUnit.Framework;
using UnityEngine;

namespace Parley.Tests
{
    /// <summary>Runs Unity's player loop stand-in: one call is one frame.</summary>
    static class Frames
    {
        /// <summary>True while a frame runs: handlers must see it true.</summary>
        public static bool InFrame { get; private set; }
        public static int MainThread = Thread.CurrentThread.ManagedThreadId;

        public static void Tick()
        {
            MainThread = Thread.CurrentThread.ManagedThreadId;
            InFrame = true;
            try { PlayerLoop.Update(); }
            finally { InFrame = false; }
        }

        /// <summary>Runs frames (about 200 a second) until cond holds; fails with what after timeoutMs.</summary>
        public static void Until(Func<bool> cond, int timeoutMs, Func<string> what)
        {
            var sw = Stopwatch.StartNew();
            while (true)
            {
                Tick();
                if (cond()) return;
                if (sw.ElapsedMilliseconds > timeoutMs) Assert.Fail("after " + timeoutMs + " ms: " + what());
                Thread.Sleep(5);
            }
        }

        public static void For(int ms)
        {
            var sw = Stopwatch.StartNew();
            while (sw.ElapsedMilliseconds < ms)
            {
                Tick();
                Thread.Sleep(5);
            }
        }
    }

    /// <summary>Records every event of one engine as a line of text.</summary>
    class Recorder : ParleyEventHandler
    {
        readonly string name;
        readonly List<string> lines = new List<string>();
        public readonly List<string> Violations = new List<string>();
        public ParleyPlayStreamQuality LastPlayQuality;
        public ParleyPublishStreamQuality LastPublishQuality;
        public int NetworkQualityUpdates;

        public Recorder(string name) { this.name = name; }

        public int Count { get { lock (lines) return lines.Count; } }

        public List<string> Lines { get { lock (lines) return new List<string>(lines); } }

        void Add(string line)
        {
            if (!Frames.InFrame) Violations.Add(line + ": outside a frame of the player loop");
            if (Thread.CurrentThread.ManagedThreadId != Frames.MainThread) Violations.Add(line + ": on a thread other than the main thread");
            lock (lines) lines.Add(line);
        }

        public int IndexOf(string line)
        {
            lock (lines) return lines.IndexOf(line);
        }

        public bool Has(string line) { return IndexOf(line) >= 0; }

        /// <summary>Runs frames until the line has been recorded; returns its index.</summary>
        public int WaitFor(string line, int timeoutMs = 15000)
        {
            Frames.Until(() => Has(line), timeoutMs, () => name + " never got \"" + line + "\"; it got:\n  " + string.Join("\n  ", Lines.ToArray()));
            return IndexOf(line);
        }

        public void AssertOrder(string first, string then)
        {
            int a = IndexOf(first), b = IndexOf(then);
            Assert.That(a >= 0 && b > a, name + ": want \"" + first + "\" before \"" + then + "\"; got:\n  " + string.Join("\n  ", Lines.ToArray()));
        }

        public int CountPrefix(string prefix)
        {
            int n = 0;
            foreach (var l in Lines)
                if (l.StartsWith(prefix, StringComparison.Ordinal)) n++;
            return n;
        }

        public void AssertClean()
        {
            Assert.IsEmpty(Violations, name + ": events delivered outside the main thread's frames");
        }

        public override void OnDebugError(int errorCode, string funcName, string info)
        {
            Add("debug_error " + errorCode + " " + funcName);
        }

        public override void OnRoomStateChanged(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData)
        {
            Add("room " + roomID + " " + reason + " " + errorCode);
        }

        public override void OnRoomUserUpdate(string roomID, ParleyUpdateType updateType, List<ParleyUser> userList)
        {
            var users = new List<string>();
            foreach (var u in userList) users.Add(u.UserID + ":" + u.UserName);
            Add("users " + roomID + " " + updateType + " " + string.Join(",", users.ToArray()));
        }

        public override void OnRoomStreamUpdate(string roomID, ParleyUpdateType updateType, List<ParleyStream> streamList, string extendedData)
        {
            var streams = new List<string>();
            foreach (var s in streamList) streams.Add(s.StreamID + ":" + s.User.UserID);
            Add("streams " + roomID + " " + updateType + " " + string.Join(",", streams.ToArray()));
        }

        public override void OnPublisherStateUpdate(string streamID, ParleyPublisherState state, int errorCode, string extendedData)
        {
            Add("publisher " + streamID + " " + state + " " + errorCode);
        }

        public override void OnPublisherQualityUpdate(string streamID, ParleyPublishStreamQuality quality)
        {
            if (!Frames.InFrame) Violations.Add("publisher quality outside a frame");
            LastPublishQuality = quality;
        }

        public override void OnPublisherCapturedVideoFirstFrame(ParleyPublishChannel channel)
        {
            Add("captured_first_frame " + channel);
        }

        public override void OnPlayerStateUpdate(string streamID, ParleyPlayerState state, int errorCode, string extendedData)
        {
            Add("player " + streamID + " " + state + " " + errorCode);
        }

        public override void OnPlayerQualityUpdate(string streamID, ParleyPlayStreamQuality quality)
        {
            if (!Frames.InFrame) Violations.Add("player quality outside a frame");
            LastPlayQuality = quality;
        }

        public override void OnPlayerMediaEvent(string streamID, ParleyPlayerMediaEvent mediaEvent)
        {
            Add("media_event " + streamID + " " + mediaEvent);
        }

        public override void OnPlayerRecvVideoFirstFrame(string streamID) { Add("recv_first_frame " + streamID); }

        public override void OnPlayerRenderVideoFirstFrame(string streamID) { Add("render_first_frame " + streamID); }

        public override void OnPlayerVideoSizeChanged(string streamID, int width, int height)
        {
            Add("video_size " + streamID + " " + width + " " + height);
        }

        public override void OnRemoteCameraStateUpdate(string streamID, ParleyRemoteDeviceState state)
        {
            Add("remote_camera " + streamID + " " + state);
        }

        public override void OnRemoteMicStateUpdate(string streamID, ParleyRemoteDeviceState state)
        {
            Add("remote_mic " + streamID + " " + state);
        }

        public override void OnNetworkQuality(string userID, ParleyQualityLevel upstreamQuality, ParleyQualityLevel downstreamQuality)
        {
            NetworkQualityUpdates++;
        }
    }

    /// <summary>Starts the embedded dev server for a fixture and makes profiles for it.</summary>
    abstract class WithServer
    {
        protected ParleyEmbeddedServer Server;

        [TestFixtureSetUp]
        public void StartServer()
        {
            Server = ParleyEmbeddedServer.Start();
        }

        [TestFixtureTearDown]
        public void StopServer()
        {
            ParleyExpressEngine.DestroyAll();
            if (Server != null) Assert.AreEqual(ParleyErrorCode.OK, Server.Stop());
        }

        [TearDown]
        public void DestroyEngines()
        {
            ParleyExpressEngine.DestroyAll();
        }

        protected ParleyEngineProfile Profile()
        {
            return new ParleyEngineProfile
            {
                AppID = ParleyEngineProfile.DevAppID,
                AppSign = ParleyEngineProfile.DevAppSign,
                Scenario = ParleyScenario.StandardVideoCall,
                Server = Server.Url,
            };
        }
    }

    static class Colors
    {
        public static bool Near(Color32 c, int r, int g, int b, int tolerance = 40)
        {
            return Math.Abs(c.r - r) <= tolerance && Math.Abs(c.g - g) <= tolerance && Math.Abs(c.b - b) <= tolerance && c.a == 255;
        }

        /// <summary>A frame top row first (the ABI's order): the top half one colour, the bottom half another.</summary>
        public static byte[] TwoBands(int w, int h, byte[] top, byte[] bottom)
        {
            var f = new byte[w * h * 4];
            for (int y = 0; y < h; y++)
            {
                var c = y < h / 2 ? top : bottom;
                for (int x = 0; x < w; x++)
                {
                    int i = (y * w + x) * 4;
                    f[i] = c[0];
                    f[i + 1] = c[1];
                    f[i + 2] = c[2];
                    f[i + 3] = 255;
                }
            }
            return f;
        }

        /// <summary>Share of a 1 kHz tone in the power of a 48 kHz mono signal (Goertzel).</summary>
        public static double ToneShare(short[] x, int start, int n, double hz = 1000, int rate = 48000)
        {
            double k = 2 * Math.Cos(2 * Math.PI * hz / rate), s1 = 0, s2 = 0, total = 0;
            for (int i = start; i < start + n; i++)
            {
                double s = x[i] + k * s1 - s2;
                s2 = s1;
                s1 = s;
                total += (double)x[i] * x[i];
            }
            double power = s1 * s1 + s2 * s2 - k * s1 * s2;
            return total > 0 ? 2 * power / (n * total) : 0;
        }
    }
}
