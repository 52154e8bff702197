// STAND-INS, NOT UNITY. The Mono test build compiles the package's Unity
// files (Runtime/Unity, the sample) against these few types instead of
// UnityEngine.dll, which does not exist outside Unity. Each mirrors the
// signature and the documented behaviour of the Unity API of the same name
// that the package uses, and nothing more:
// - Texture2D keeps its raw data bottom row first, as Unity does, and
//   LoadRawTextureData insists on exactly width*height*4 bytes for RGBA32
//   without mipmaps; GetPixel32(x, y) counts y from the bottom.
// - PlayerLoop.Update stands in for Unity calling every enabled
//   MonoBehaviour's Update (by reflection, as Unity finds magic methods).
// Unity itself never sees this folder (its name ends in ~).
using System;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace UnityEngine
{
    public class Object
    {
        static readonly List<Object> live = new List<Object>();

        public string name { get; set; }
        public HideFlags hideFlags { get; set; }

        protected Object() { lock (live) live.Add(this); }

        public static void DontDestroyOnLoad(Object target) { }

        public static void Destroy(Object obj)
        {
            lock (live) live.Remove(obj);
            var mb = obj as MonoBehaviour;
            if (mb != null) PlayerLoop.Call(mb, "OnDestroy");
        }

        public static T FindObjectOfType<T>() where T : Object
        {
            lock (live)
                foreach (var o in live)
                    if (o is T) return (T)o;
            return null;
        }

        internal static List<T> All<T>() where T : Object
        {
            var all = new List<T>();
            lock (live)
                foreach (var o in live)
                    if (o is T) all.Add((T)o);
            return all;
        }
    }

    [Flags]
    public enum HideFlags
    {
        None = 0,
        HideInHierarchy = 1,
    }

    public class GameObject : Object
    {
        readonly List<Component> components = new List<Component>();

        public GameObject(string name) { this.name = name; }

        public T AddComponent<T>() where T : Component, new()
        {
            var c = new T();
            c.gameObject = this;
            components.Add(c);
            PlayerLoop.Call(c, "Awake");
            return c;
        }

        public T GetComponent<T>() where T : Component
        {
            foreach (var c in components)
                if (c is T) return (T)c;
            return null;
        }
    }

    public class Component : Object
    {
        public GameObject gameObject { get; internal set; }
    }

    public class Behaviour : Component
    {
        public bool enabled { get; set; } = true;
    }

    public class MonoBehaviour : Behaviour
    {
    }

    /// <summary>Stand-in for Unity's player loop: Start once, then Update, for every enabled MonoBehaviour.</summary>
    public static class PlayerLoop
    {
        static readonly HashSet<MonoBehaviour> started = new HashSet<MonoBehaviour>();

        public static void Update()
        {
            foreach (var mb in Object.All<MonoBehaviour>())
            {
                if (!mb.enabled) continue;
                if (started.Add(mb)) Call(mb, "Start");
                Call(mb, "Update");
            }
        }

        public static void Quit()
        {
            foreach (var mb in Object.All<MonoBehaviour>()) Call(mb, "OnApplicationQuit");
        }

        internal static void Call(object target, string method)
        {
            var m = target.GetType().GetMethod(method, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic,
                                               null, Type.EmptyTypes, null);
            if (m == null) return;
            try { m.Invoke(target, null); }
            catch (TargetInvocationException e) { ExceptionDispatchInfo.Capture(e.InnerException).Throw(); }
        }
    }

    public enum TextureFormat
    {
        RGB24 = 3,
        RGBA32 = 4,
        ARGB32 = 5,
    }

    public class Texture : Object
    {
        public virtual int width { get; set; }
        public virtual int height { get; set; }
    }

    public class Texture2D : Texture
    {
        byte[] data;

        public TextureFormat format { get; private set; }
        public int mipmapCount { get; private set; }
        /// <summary>Not Unity API: how many times Apply uploaded the texture (tests count uploads).</summary>
        public int StandInApplyCount { get; private set; }

        public Texture2D(int width, int height, TextureFormat textureFormat, bool mipChain)
        {
            if (textureFormat != TextureFormat.RGBA32) throw new NotSupportedException("stand-in: RGBA32 only");
            this.width = width;
            this.height = height;
            format = textureFormat;
            mipmapCount = mipChain ? 1 + (int)Math.Floor(Math.Log(Math.Max(width, height), 2)) : 1;
            data = new byte[RawSize()];
        }

        int RawSize()
        {
            int size = 0;
            for (int i = 0, w = width, h = height; i < mipmapCount; i++, w = Math.Max(1, w / 2), h = Math.Max(1, h / 2)) size += w * h * 4;
            return size;
        }

        public void LoadRawTextureData(IntPtr data, int size)
        {
            if (size != this.data.Length)
                throw new InvalidOperationException("LoadRawTextureData: expected " + this.data.Length + " bytes, got " + size);
            Marshal.Copy(data, this.data, 0, size);
        }

        public void LoadRawTextureData(byte[] data)
        {
            if (data.Length != this.data.Length)
                throw new InvalidOperationException("LoadRawTextureData: expected " + this.data.Length + " bytes, got " + data.Length);
            Buffer.BlockCopy(data, 0, this.data, 0, data.Length);
        }

        public byte[] GetRawTextureData() { return (byte[])data.Clone(); }

        public void Apply(bool updateMipmaps = true, bool makeNoLongerReadable = false) { StandInApplyCount++; }

        /// <summary>y = 0 is the bottom row, as in Unity.</summary>
        public Color32 GetPixel32(int x, int y)
        {
            int i = (y * width + x) * 4;
            return new Color32(data[i], data[i + 1], data[i + 2], data[i + 3]);
        }

        /// <summary>colors bottom row first, as in Unity.</summary>
        public void SetPixels32(Color32[] colors)
        {
            for (int i = 0; i < width * height; i++)
            {
                data[4 * i] = colors[i].r;
                data[4 * i + 1] = colors[i].g;
                data[4 * i + 2] = colors[i].b;
                data[4 * i + 3] = colors[i].a;
            }
        }
    }

    public struct Color32
    {
        public byte r, g, b, a;

        public Color32(byte r, byte g, byte b, byte a)
        {
            this.r = r;
            this.g = g;
            this.b = b;
            this.a = a;
        }

        public override string ToString() { return string.Format("RGBA({0}, {1}, {2}, {3})", r, g, b, a); }
    }

    public static class Debug
    {
        public static readonly List<string> StandInLog = new List<string>();

        public static void Log(object message) { Write("log", message); }
        public static void LogWarning(object message) { Write("warning", message); }
        public static void LogError(object message) { Write("error", message); }

        static void Write(string level, object message)
        {
            lock (StandInLog) StandInLog.Add(level + ": " + message);
        }
    }

    [AttributeUsage(AttributeTargets.Field)]
    public sealed class SerializeField : Attribute { }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class DefaultExecutionOrder : Attribute
    {
        public DefaultExecutionOrder(int order) { this.order = order; }
        public int order { get; private set; }
    }

    [AttributeUsage(AttributeTargets.Class)]
    public sealed class AddComponentMenu : Attribute
    {
        public AddComponentMenu(string menuName) { }
    }
}

namespace UnityEngine.UI
{
    public class RawImage : MonoBehaviour
    {
        public Texture texture { get; set; }
    }
}
