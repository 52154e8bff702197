// ParleyView.cs — a view: an RGBA8 buffer in unmanaged memory that engines
// draw a preview or a played stream into (parley_view_*). The buffer is
// allocated with Marshal.AllocHGlobal, so the garbage collector never moves
// it while the library holds its address, and freed only after
// parley_view_destroy has returned (from then on no engine touches it).
//
// Refresh, called by ParleyExpressEngine.DispatchEvents every frame, takes
// the buffer with parley_view_acquire (the engine does not write it until the
// release), hands a new frame to OnFrame — ParleyTextureView uploads it into
// a Texture2D there — and releases it.
using System;
using System.Runtime.InteropServices;
using Parley.Native;

namespace Parley
{
    public class ParleyView : IDisposable
    {
        IntPtr handle;
        IntPtr pixels;

        public int Width { get; private set; }
        public int Height { get; private set; }
        /// <summary>Bytes per row: 4 * Width.</summary>
        public int Stride { get; private set; }
        public ParleyViewMode ViewMode { get; private set; }
        /// <summary>True: rows bottom-up, the origin of Unity's (and GL's) textures.</summary>
        public bool FlipY { get; private set; }
        /// <summary>The frame last handed to OnFrame; Seq 0 until the first.</summary>
        public ParleyFrameInfo LastFrame { get; private set; }
        public bool IsDisposed { get { return handle == IntPtr.Zero; } }
        /// <summary>Width * Height * 4: the bytes OnFrame receives.</summary>
        public int ByteCount { get { return Stride * Height; } }

        /// <summary>How many previews and players show this view (at most one by the library's rule).</summary>
        internal int Attachments;
        /// <summary>Created by the binding for a texture: disposed when nothing shows it any more.</summary>
        internal bool OwnedByEngine;

        /// <summary>Creates a view of width x height pixels (1-16384 each).</summary>
        /// <exception cref="ArgumentOutOfRangeException">width or height outside 1-16384.</exception>
        /// <exception cref="ParleyException">the library refused the view.</exception>
        public ParleyView(int width, int height, ParleyViewMode viewMode = ParleyViewMode.AspectFit, bool flipY = false)
        {
            if (width < 1 || width > 16384) throw new ArgumentOutOfRangeException("width", width, "1-16384");
            if (height < 1 || height > 16384) throw new ArgumentOutOfRangeException("height", height, "1-16384");
            Width = width;
            Height = height;
            Stride = 4 * width;
            ViewMode = viewMode;
            FlipY = flipY;
            pixels = Marshal.AllocHGlobal(ByteCount);
            var zeros = new byte[Stride];
            for (int y = 0; y < height; y++) Marshal.Copy(zeros, 0, new IntPtr(pixels.ToInt64() + (long)y * Stride), Stride);
            var desc = new NativeViewDesc
            {
                struct_size = (uint)Marshal.SizeOf(typeof(NativeViewDesc)),
                pixels = pixels,
                width = (uint)width,
                height = (uint)height,
                stride = (uint)Stride,
                view_mode = (int)viewMode,
                flip_y = flipY ? 1 : 0,
            };
            int rc = NativeMethods.parley_view_create(ref desc, out handle);
            if (rc != ParleyErrorCode.OK)
            {
                Marshal.FreeHGlobal(pixels);
                pixels = IntPtr.Zero;
                handle = IntPtr.Zero;
                GC.SuppressFinalize(this);
                throw new ParleyException(rc, "parley_view_create");
            }
        }

        ~ParleyView() { Dispose(false); }

        internal IntPtr Handle
        {
            get
            {
                if (handle == IntPtr.Zero) throw new ObjectDisposedException("ParleyView");
                return handle;
            }
        }

        /// <summary>
        /// Hands the newest frame to OnFrame if one arrived since the last call.
        /// DispatchEvents calls it for every view an engine shows; call it yourself
        /// for a view you read outside that loop.
        /// </summary>
        /// <returns>true if OnFrame got a new frame.</returns>
        public bool Refresh()
        {
            if (handle == IntPtr.Zero) return false;
            var info = new NativeFrameInfo { struct_size = (uint)Marshal.SizeOf(typeof(NativeFrameInfo)) };
            if (NativeMethods.parley_view_acquire(handle, ref info) != ParleyErrorCode.OK) return false;
            try
            {
                if (info.seq == 0 || info.seq == LastFrame.Seq) return false;
                LastFrame = new ParleyFrameInfo
                {
                    Seq = info.seq,
                    SourceWidth = (int)info.source_width,
                    SourceHeight = (int)info.source_height,
                    CaptureTimeMs = info.capture_time_ms,
                    WriteTimeMs = info.write_time_ms,
                };
                OnFrame(pixels, ByteCount);
                return true;
            }
            finally
            {
                NativeMethods.parley_view_release(handle);
            }
        }

        /// <summary>
        /// A new frame is in the buffer: byteCount bytes of RGBA8 at pixels, rows
        /// bottom-up when FlipY. Valid only during the call (the engine writes the
        /// buffer again afterwards).
        /// </summary>
        protected virtual void OnFrame(IntPtr pixels, int byteCount) { }

        /// <summary>A copy of the buffer as it is now (taken between acquire and release).</summary>
        public byte[] CopyPixels()
        {
            var copy = new byte[ByteCount];
            var info = new NativeFrameInfo { struct_size = (uint)Marshal.SizeOf(typeof(NativeFrameInfo)) };
            int rc = NativeMethods.parley_view_acquire(Handle, ref info);
            if (rc != ParleyErrorCode.OK) throw new ParleyException(rc, "parley_view_acquire");
            try { Marshal.Copy(pixels, copy, 0, copy.Length); }
            finally { NativeMethods.parley_view_release(handle); }
            return copy;
        }

        /// <summary>Detaches the view from whatever shows it and frees the buffer.</summary>
        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Dispose(bool disposing)
        {
            if (handle == IntPtr.Zero) return;
            NativeMethods.parley_view_destroy(handle);
            handle = IntPtr.Zero;
            // Only now: after parley_view_destroy returns no engine writes it.
            Marshal.FreeHGlobal(pixels);
            pixels = IntPtr.Zero;
        }
    }
}
