// EventDeliveryTests.cs — events reach C# only inside the player loop's
// frames (ParleyEventPump.Update), in order, to the current handler; a
// handler's exception comes out of the frame like any exception from Update;
// destroying from a handler and quitting the application are safe.
using System;
using System.Runtime.InteropServices;
using System.Threading;
using NUnit.Framework;
using UnityEngine;

namespace Parley.Tests
{
    [TestFixture]
    class EventDeliveryTests : WithServer
    {
        [Test]
        public void EventsArriveOnlyInsideFramesInOrder()
        {
            var rec = new Recorder("E");
            var e = ParleyExpressEngine.CreateEngine(Profile(), rec);
            Assert.AreEqual(ParleyErrorCode.OK, e.LoginRoom("room-q", new ParleyUser("user-q")));
            Thread.Sleep(1000); // the login completes meanwhile, but nobody runs a frame
            Assert.AreEqual(0, rec.Count, "events delivered without a frame: " + string.Join(", ", rec.Lines.ToArray()));
            rec.WaitFor("room room-q Logined 0");
            rec.AssertOrder("room room-q Logining 0", "room room-q Logined 0");

            var next = new Recorder("E2");
            e.SetEventHandler(next);
            Assert.AreEqual(ParleyErrorCode.OK, e.LogoutRoom());
            next.WaitFor("room room-q Logout 0");
            Assert.IsFalse(rec.Has("room room-q Logout 0"), "the replaced handler still got events");
            rec.AssertClean();
            next.AssertClean();
        }

        class Thrower : Recorder
        {
            public Thrower() : base("T") { }

            public override void OnRoomStateChanged(string roomID, ParleyRoomStateChangedReason reason, int errorCode, string extendedData)
            {
                base.OnRoomStateChanged(roomID, reason, errorCode, extendedData);
                if (reason == ParleyRoomStateChangedReason.Logining) throw new InvalidOperationException("handler failure");
            }
        }

        [Test]
        public void AHandlersExceptionComesOutOfTheFrameAndTheEngineGoesOn()
        {
            var rec = new Thrower();
            var e = ParleyExpressEngine.CreateEngine(Profile(), rec);
            Assert.AreEqual(ParleyErrorCode.OK, e.LoginRoom("room-x", new ParleyUser("user-x")));
            Exception caught = null;
            for (int i = 0; i < 2000 && caught == null; i++)
            {
                try { Frames.Tick(); }
                catch (InvalidOperationException ex) { caught = ex; }
                Thread.Sleep(5);
            }
            Assert.IsNotNull(caught, "the handler's exception never came out of a frame");
            Assert.AreEqual("handler failure", caught.Message);
            StringAssert.Contains("Thrower.OnRoomStateChanged", caught.StackTrace, "the handler's own stack is kept");
            rec.WaitFor("room room-x Logined 0");
            Assert.AreEqual(ParleyErrorCode.OK, e.LogoutRoom());
            rec.WaitFor("room room-x Logout 0");
        }

        [Test]
        public void AHandlerMayDestroyTheEngine()
        {
            var rec = new Recorder("E");
            var e = ParleyExpressEngine.CreateEngine(Profile(), rec);
            bool destroyed = false;
            e.OnRoomStateChanged += (room, reason, code, ext) =>
            {
                if (reason == ParleyRoomStateChangedReason.Logined) ParleyExpressEngine.DestroyEngine(() => destroyed = true);
            };
            Assert.AreEqual(ParleyErrorCode.OK, e.LoginRoom("room-d", new ParleyUser("user-d")));
            Frames.Until(() => destroyed, 10000, () => "not destroyed; events: " + string.Join(", ", rec.Lines.ToArray()));
            Assert.IsNull(ParleyExpressEngine.GetEngine());
            int n = rec.Count;
            Frames.For(300);
            Assert.AreEqual(n, rec.Count, "events after the engine was destroyed");
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, e.LogoutRoom());
        }

        [Test]
        public void ADebugErrorSentOnAnotherThreadWaitsForTheNextFrame()
        {
            // What the library does with a panic it recovers inside an API call:
            // on_debug_error at once, on the calling thread, even in poll mode.
            var rec = new Recorder("E");
            var e = ParleyExpressEngine.CreateEngine(Profile(), rec);
            var fn = (Native.DebugErrorFn)Marshal.GetDelegateForFunctionPointer(Native.NativeCallbacks.Handler(e.UserData).on_debug_error,
                                                                                typeof(Native.DebugErrorFn));
            using (var strings = new Native.NativeStrings())
            {
                IntPtr name = strings.Add("parley_send_custom_video_frame"), info = strings.Add("panic: recovered");
                var render = new Thread(() => fn(e.UserData, ParleyErrorCode.Internal, name, info));
                render.Start();
                render.Join();
            }
            Assert.AreEqual(0, rec.Count, "delivered on the calling thread");
            Frames.Tick();
            CollectionAssert.AreEqual(new[] { "debug_error " + ParleyErrorCode.Internal + " parley_send_custom_video_frame" }, rec.Lines);
            rec.AssertClean();
        }

        [Test]
        public void QuittingTheApplicationDestroysEveryEngine()
        {
            var a = ParleyExpressEngine.CreateEngine(Profile());
            var b = ParleyExpressEngine.CreateIndependentEngine(Profile());
            Assert.IsNotNull(UnityEngine.Object.FindObjectOfType<ParleyEventPump>());
            PlayerLoop.Quit();
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, a.LoginRoom("room-1", new ParleyUser("u1")));
            Assert.AreEqual(ParleyErrorCode.InvalidHandle, b.LoginRoom("room-1", new ParleyUser("u2")));
            Assert.IsNull(ParleyExpressEngine.GetEngine());
        }

        [Test]
        public void MonoKeepsWorkingWithTheLibraryLoaded()
        {
            // The library's Go runtime installs its own SIGSEGV handler and forwards
            // faults outside Go to Mono's, which turns them into NullReferenceException.
            var e = ParleyExpressEngine.CreateEngine(Profile());
            Assert.AreEqual(ParleyErrorCode.OK, e.StartPreview(new Texture2D(64, 64, TextureFormat.RGBA32, false)));
            int caught = 0;
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    string s = i < 0 ? "" : null;
                    caught += s.Length;
                }
                catch (NullReferenceException) { caught++; }
                Frames.Tick();
            }
            Assert.AreEqual(100, caught);
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Frames.For(200);
        }
    }
}
