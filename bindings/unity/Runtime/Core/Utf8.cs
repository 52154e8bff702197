// Utf8.cs — strings across the boundary, by hand: the library takes and
// gives NUL-terminated UTF-8, and Mono 6.8's UnmanagedType.LPUTF8Str is not
// reliable on every path, so the binding encodes and decodes itself.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Parley.Native
{
    internal static class Utf8
    {
        static readonly UTF8Encoding Encoding = new UTF8Encoding(false, false);

        /// <summary>NUL-terminated UTF-8 for a string argument, or null (a NULL pointer) for null.</summary>
        internal static byte[] Bytes(string s)
        {
            if (s == null) return null;
            var bytes = new byte[Encoding.GetByteCount(s) + 1];
            Encoding.GetBytes(s, 0, s.Length, bytes, 0);
            return bytes;
        }

        /// <summary>Decodes a NUL-terminated UTF-8 string the library owns; "" for NULL.</summary>
        internal static string FromNative(IntPtr p)
        {
            if (p == IntPtr.Zero) return "";
            int n = 0;
            while (Marshal.ReadByte(p, n) != 0) n++;
            return FromNative(p, n);
        }

        internal static string FromNative(IntPtr p, int length)
        {
            if (p == IntPtr.Zero || length == 0) return "";
            var bytes = new byte[length];
            Marshal.Copy(p, bytes, 0, length);
            return Encoding.GetString(bytes);
        }

        /// <summary>Decodes a NUL-terminated string from a fixed char array of capacity bytes.</summary>
        internal static string FromFixed(IntPtr p, int capacity)
        {
            int n = 0;
            while (n < capacity && Marshal.ReadByte(p, n) != 0) n++;
            return FromNative(p, n);
        }
    }

    /// <summary>
    /// Unmanaged copies of the strings a struct points at, freed together when
    /// the call that reads them has returned (the library copies every string
    /// before it returns).
    /// </summary>
    internal sealed class NativeStrings : IDisposable
    {
        readonly List<IntPtr> allocations = new List<IntPtr>();

        internal IntPtr Add(string s)
        {
            var bytes = Utf8.Bytes(s);
            if (bytes == null) return IntPtr.Zero;
            IntPtr p = Marshal.AllocHGlobal(bytes.Length);
            allocations.Add(p);
            Marshal.Copy(bytes, 0, p, bytes.Length);
            return p;
        }

        public void Dispose()
        {
            foreach (var p in allocations) Marshal.FreeHGlobal(p);
            allocations.Clear();
        }
    }
}
