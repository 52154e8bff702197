// AbiTests.cs — what the binding says about the ABI matches include/parley.h:
// every native-facing delegate is static, attributed and kept alive; enum
// values and error codes are the header's; struct layouts are what a C
// compiler makes of the header (Tools~/struct-layout.c).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Parley.Tests
{
    [TestFixture]
    class AbiTests
    {
        static readonly Assembly Runtime = typeof(ParleyExpressEngine).Assembly;
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;

        static bool NativeFacing(Type t)
        {
            return typeof(Delegate).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(UnmanagedFunctionPointerAttribute), false).Length > 0;
        }

        static Type CallbackType(MethodInfo m)
        {
            foreach (var a in CustomAttributeData.GetCustomAttributes(m))
                if (a.Constructor.DeclaringType.Name == "MonoPInvokeCallbackAttribute") return (Type)a.ConstructorArguments[0].Value;
            return null;
        }

        [Test]
        public void EveryDelegateHandedToNativeCodeIsStaticAttributedAndKeptAlive()
        {
            var types = Runtime.GetTypes();
            // Every delegate a DllImport takes is a declared native callback type.
            foreach (var m in types.SelectMany(t => t.GetMethods(All)).Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0))
                foreach (var p in m.GetParameters().Where(p => typeof(Delegate).IsAssignableFrom(p.ParameterType)))
                    Assert.That(NativeFacing(p.ParameterType), m.Name + "(" + p.Name + "): " + p.ParameterType + " lacks [UnmanagedFunctionPointer]");

            // (The compiler's own caches of method-group conversions, named <...>, are static too.)
            var fields = types.SelectMany(t => t.GetFields(All)).Where(f => NativeFacing(f.FieldType) && !f.Name.StartsWith("<")).ToList();
            Assert.IsNotEmpty(fields);
            var kept = new HashSet<MethodInfo>();
            foreach (var f in fields)
            {
                string where = f.DeclaringType.Name + "." + f.Name;
                Assert.That(f.IsStatic && f.IsInitOnly, where + " must be static readonly, so the delegate lives as long as the process");
                var d = (Delegate)f.GetValue(null);
                Assert.IsNotNull(d, where + " is null");
                Assert.That(d.Method.IsStatic, where + " points at an instance method (IL2CPP needs static ones)");
                Assert.AreEqual(f.FieldType, CallbackType(d.Method), where + ": " + d.Method.Name + " needs [MonoPInvokeCallback(typeof(" + f.FieldType.Name + "))]");
                kept.Add(d.Method);
            }
            // Every method marked as a native callback is static and held by one of those fields.
            foreach (var m in types.SelectMany(t => t.GetMethods(All)).Where(m => CallbackType(m) != null))
            {
                Assert.That(m.IsStatic, m.Name + " is marked [MonoPInvokeCallback] but is not static");
                Assert.That(kept.Contains(m), m.Name + " is marked [MonoPInvokeCallback] but no static field keeps a delegate of it");
            }
            // No object keeps its own native callback delegate (it could be collected while native code holds it).
            foreach (var t in types)
                foreach (var f in t.GetFields(All).Where(f => !f.IsStatic))
                    Assert.That(!NativeFacing(f.FieldType), t.Name + "." + f.Name + " keeps a native callback per instance");
        }

        [Test]
        public void EveryImportIsAnExportedSymbol()
        {
            string header = Environment.GetEnvironmentVariable("PARLEY_HEADER");
            if (string.IsNullOrEmpty(header)) Assert.Ignore("PARLEY_HEADER is not set (make test-unity sets it)");
            var exported = new HashSet<string>(File.ReadAllLines(Path.Combine(Path.GetDirectoryName(header), "parley.sym"))
                                                   .Select(l => l.Trim()).Where(l => l.Length > 0));
            var imported = Runtime.GetTypes().SelectMany(t => t.GetMethods(All))
                                  .Where(m => (m.Attributes & MethodAttributes.PinvokeImpl) != 0).Select(m => m.Name).ToList();
            foreach (var name in imported) Assert.That(exported.Contains(name), name + " is not in include/parley.sym");
            // All of the ABI is bound but the log callback, which the library calls
            // on its own threads (docs/bindings.md, Unity: logs).
            CollectionAssert.AreEquivalent(exported.Where(n => n != "parley_set_log_callback"), imported);
        }

        [Test]
        public void EveryEventOfTheHandlerStructIsWired()
        {
            var h = Native.NativeCallbacks.Handler(new IntPtr(42));
            Assert.AreEqual(42, h.user_data.ToInt32());
            Assert.AreEqual(Marshal.SizeOf(typeof(Native.NativeEventHandler)), (int)h.struct_size);
            foreach (var f in typeof(Native.NativeEventHandler).GetFields().Where(f => f.Name.StartsWith("on_")))
                Assert.AreNotEqual(IntPtr.Zero, (IntPtr)f.GetValue(h), f.Name + " is not wired: that event would be dropped");
        }

        static string Header()
        {
            string path = Environment.GetEnvironmentVariable("PARLEY_HEADER");
            if (string.IsNullOrEmpty(path)) Assert.Ignore("PARLEY_HEADER is not set (make test-unity sets it)");
            return File.ReadAllText(path);
        }

        static readonly Dictionary<Type, string> EnumPrefixes = new Dictionary<Type, string>
        {
            { typeof(ParleyScenario), "PARLEY_SCENARIO_" },
            { typeof(ParleyRoomStateChangedReason), "PARLEY_ROOM_STATE_REASON_" },
            { typeof(ParleyUpdateType), "PARLEY_UPDATE_TYPE_" },
            { typeof(ParleyPublisherState), "PARLEY_PUBLISHER_STATE_" },
            { typeof(ParleyPlayerState), "PARLEY_PLAYER_STATE_" },
            { typeof(ParleyPlayerMediaEvent), "PARLEY_PLAYER_MEDIA_EVENT_" },
            { typeof(ParleyViewMode), "PARLEY_VIEW_MODE_" },
            { typeof(ParleyVideoMirrorMode), "PARLEY_VIDEO_MIRROR_MODE_" },
            { typeof(ParleyPublishChannel), "PARLEY_PUBLISH_CHANNEL_" },
            { typeof(ParleyVideoSource), "PARLEY_VIDEO_SOURCE_" },
            { typeof(ParleyAudioSource), "PARLEY_AUDIO_SOURCE_" },
            { typeof(ParleyVideoCodec), "PARLEY_VIDEO_CODEC_" },
            { typeof(ParleyRemoteDeviceState), "PARLEY_REMOTE_DEVICE_STATE_" },
            { typeof(ParleyQualityLevel), "PARLEY_QUALITY_LEVEL_" },
            { typeof(ParleyLogLevel), "PARLEY_LOG_LEVEL_" },
            { typeof(ParleyDeviceKind), "PARLEY_DEVICE_KIND_" },
            { typeof(ParleyAudioOutput), "PARLEY_AUDIO_OUTPUT_" },
        };

        static string Squash(string name) { return name.Replace("_", "").ToUpperInvariant(); }

        [Test]
        public void EnumsHaveTheHeadersMembersAndValues()
        {
            var constants = new Dictionary<string, long>();
            foreach (Match m in Regex.Matches(Header(), @"\b(PARLEY_[A-Z0-9_]+)\s*=\s*(\d+)(?!\d)"))
                constants[m.Groups[1].Value] = long.Parse(m.Groups[2].Value);
            foreach (var kv in EnumPrefixes)
            {
                var fromHeader = constants.Where(c => c.Key.StartsWith(kv.Value, StringComparison.Ordinal))
                                          .ToDictionary(c => Squash(c.Key.Substring(kv.Value.Length)), c => c.Value);
                var fromCs = Enum.GetNames(kv.Key).ToDictionary(n => Squash(n), n => Convert.ToInt64(Enum.Parse(kv.Key, n)));
                Assert.IsNotEmpty(fromHeader, "no " + kv.Value + "* constants in the header");
                CollectionAssert.AreEquivalent(fromHeader, fromCs, kv.Key.Name + " against " + kv.Value + "*");
            }
            // Every enum of the header has its C# enum.
            var prefixes = new HashSet<string>(EnumPrefixes.Values);
            foreach (Match m in Regex.Matches(Header(), @"typedef enum parley_(\w+) \{"))
            {
                if (m.Groups[1].Value == "error") continue;
                Assert.That(prefixes.Contains("PARLEY_" + m.Groups[1].Value.ToUpperInvariant() + "_"), "no C# enum for parley_" + m.Groups[1].Value);
            }
        }

        [Test]
        public void ErrorCodesAreTheHeadersList()
        {
            var fromHeader = new Dictionary<string, int>();
            foreach (Match m in Regex.Matches(Header(), @"X\((PARLEY_(?:ERR_)?[A-Z0-9_]+),\s*(\d+),"))
            {
                int value = int.Parse(m.Groups[2].Value);
                Assert.AreEqual(m.Groups[1].Value, ParleyError.Name(value), "the library's name for " + value);
                fromHeader[Squash(m.Groups[1].Value.Replace("PARLEY_ERR_", "").Replace("PARLEY_", ""))] = value;
            }
            var fromCs = typeof(ParleyErrorCode).GetFields(BindingFlags.Public | BindingFlags.Static)
                                                .ToDictionary(f => Squash(f.Name), f => (int)f.GetValue(null));
            Assert.Greater(fromHeader.Count, 40);
            CollectionAssert.AreEquivalent(fromHeader, fromCs);
            Assert.AreEqual("PARLEY_ERR_UNKNOWN", ParleyError.Name(123));
            StringAssert.Contains("room", ParleyError.Message(ParleyErrorCode.InvalidRoomID));
        }

        [Test]
        public void StructLayoutsAreTheCompilersLayouts()
        {
            string path = Environment.GetEnvironmentVariable("PARLEY_STRUCT_LAYOUT");
            if (string.IsNullOrEmpty(path)) Assert.Ignore("PARLEY_STRUCT_LAYOUT is not set (make test-unity sets it)");
            var c = File.ReadAllLines(path).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => int.Parse(p[1]));
            var structs = new Dictionary<Type, string>
            {
                { typeof(Native.NativeEngineProfile), "parley_engine_profile" },
                { typeof(Native.NativeUser), "parley_user" },
                { typeof(Native.NativeStream), "parley_stream" },
                { typeof(Native.NativeRoomConfig), "parley_room_config" },
                { typeof(Native.NativePublishQuality), "parley_publish_quality" },
                { typeof(Native.NativePlayQuality), "parley_play_quality" },
                { typeof(Native.NativeEventHandler), "parley_event_handler" },
                { typeof(Native.NativeVideoConfig), "parley_video_config" },
                { typeof(Native.NativeViewDesc), "parley_view_desc" },
                { typeof(Native.NativeFrameInfo), "parley_frame_info" },
            };
            foreach (var kv in structs)
            {
                Assert.AreEqual(c[kv.Value], Marshal.SizeOf(kv.Key), "sizeof " + kv.Value);
                var fields = kv.Key.GetFields();
                Assert.AreEqual(c.Keys.Count(k => k.StartsWith(kv.Value + ".", StringComparison.Ordinal)), fields.Length, kv.Value + ": field count");
                foreach (var f in fields)
                    Assert.AreEqual(c[kv.Value + "." + f.Name], Marshal.OffsetOf(kv.Key, f.Name).ToInt32(), kv.Value + "." + f.Name);
            }
            Assert.AreEqual(c["parley_device_info"], Native.NativeDeviceInfo.Size);
            Assert.AreEqual(c["parley_device_info.id"], Native.NativeDeviceInfo.IdOffset);
            Assert.AreEqual(c["parley_device_info.name"], Native.NativeDeviceInfo.NameOffset);
            Assert.AreEqual(c["parley_device_info.is_default"], Native.NativeDeviceInfo.IsDefaultOffset);
        }
    }
}
