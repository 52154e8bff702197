// ParleyTextureView.cs — a view that shows up in a Texture2D. The engine
// writes into the view's unmanaged buffer with flip_y set (rows bottom-up,
// Unity's texture origin, so a RawImage shows the picture upright); each
// frame with a new picture, ParleyEventPump copies it into the texture with
// LoadRawTextureData and Apply, while the view is acquired.
using System;
using System.Collections.Generic;
using UnityEngine;
using UnityEngine.UI;

namespace Parley
{
    public sealed class ParleyTextureView : ParleyView
    {
        static readonly Dictionary<Texture2D, ParleyTextureView> byTexture = new Dictionary<Texture2D, ParleyTextureView>();

        /// <summary>The texture the frames go to (RGBA32, no mipmaps, the view's size).</summary>
        public Texture2D Texture { get; private set; }

        ParleyTextureView(Texture2D texture, ParleyViewMode viewMode)
            : base(texture.width, texture.height, viewMode, true)
        {
            Texture = texture;
            OwnedByEngine = true;
        }

        /// <summary>The view of a texture: the one already showing it, or a new one of its size.</summary>
        /// <exception cref="ArgumentNullException">texture is null.</exception>
        /// <exception cref="ArgumentException">texture is not RGBA32 or has mipmaps.</exception>
        internal static ParleyTextureView For(Texture2D texture, ParleyViewMode viewMode)
        {
            if (texture == null) throw new ArgumentNullException("texture");
            if (texture.format != TextureFormat.RGBA32)
                throw new ArgumentException("Parley views need an RGBA32 texture, not " + texture.format, "texture");
            if (texture.mipmapCount != 1)
                throw new ArgumentException("Parley views need a texture without mipmaps (mipChain false)", "texture");
            lock (byTexture)
            {
                ParleyTextureView v;
                if (byTexture.TryGetValue(texture, out v) && !v.IsDisposed) return v;
                v = new ParleyTextureView(texture, viewMode);
                byTexture[texture] = v;
                return v;
            }
        }

        /// <summary>A texture for a RawImage: its own if it is an RGBA32 Texture2D without mipmaps, else a new 640x360 one it shows.</summary>
        internal static Texture2D TextureFor(RawImage image)
        {
            if (image == null) throw new ArgumentNullException("image");
            var t = image.texture as Texture2D;
            if (t != null && t.format == TextureFormat.RGBA32 && t.mipmapCount == 1) return t;
            t = new Texture2D(640, 360, TextureFormat.RGBA32, false);
            image.texture = t;
            return t;
        }

        /// <summary>Frees a view that a failed start left unattached.</summary>
        internal static void DropIfUnused(ParleyView view)
        {
            if (view.Attachments <= 0) view.Dispose();
        }

        protected override void OnFrame(IntPtr pixels, int byteCount)
        {
            if (Texture == null) return; // destroyed with its scene
            Texture.LoadRawTextureData(pixels, byteCount);
            Texture.Apply(false);
        }

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            lock (byTexture)
            {
                ParleyTextureView v;
                if ((object)Texture != null && byTexture.TryGetValue(Texture, out v) && v == this) byTexture.Remove(Texture);
            }
        }
    }

    public sealed partial class ParleyExpressEngine
    {
        byte[] textureFrame;

        /// <summary>Shows the channel's video in texture (RGBA32, no mipmaps), upright.</summary>
        /// <exception cref="ArgumentNullException">texture is null.</exception>
        /// <exception cref="ArgumentException">texture is not RGBA32 or has mipmaps.</exception>
        public int StartPreview(Texture2D texture, ParleyPublishChannel channel = ParleyPublishChannel.Main,
                                ParleyViewMode viewMode = ParleyViewMode.AspectFit)
        {
            var view = ParleyTextureView.For(texture, viewMode);
            int rc = StartPreview(view, channel);
            ParleyTextureView.DropIfUnused(view);
            return rc;
        }

        /// <summary>Shows the channel's video in a RawImage (its RGBA32 texture, or a new 640x360 one).</summary>
        public int StartPreview(RawImage image, ParleyPublishChannel channel = ParleyPublishChannel.Main,
                                ParleyViewMode viewMode = ParleyViewMode.AspectFit)
        {
            return StartPreview(ParleyTextureView.TextureFor(image), channel, viewMode);
        }

        /// <summary>Plays a stream into texture (RGBA32, no mipmaps), upright.</summary>
        /// <exception cref="ArgumentNullException">streamID or texture is null.</exception>
        /// <exception cref="ArgumentException">texture is not RGBA32 or has mipmaps.</exception>
        public int StartPlayingStream(string streamID, Texture2D texture, ParleyViewMode viewMode = ParleyViewMode.AspectFit)
        {
            if (streamID == null) throw new ArgumentNullException("streamID");
            var view = ParleyTextureView.For(texture, viewMode);
            int rc = StartPlayingStream(streamID, view);
            ParleyTextureView.DropIfUnused(view);
            return rc;
        }

        /// <summary>Plays a stream into a RawImage (its RGBA32 texture, or a new 640x360 one).</summary>
        public int StartPlayingStream(string streamID, RawImage image, ParleyViewMode viewMode = ParleyViewMode.AspectFit)
        {
            return StartPlayingStream(streamID, ParleyTextureView.TextureFor(image), viewMode);
        }

        /// <summary>
        /// Publishes a readable RGBA32 texture's current pixels on a Custom channel
        /// (main thread: it reads the texture). Unity keeps rows bottom-up and the
        /// library takes them top-down, so the rows are flipped on the way.
        /// </summary>
        /// <exception cref="ArgumentNullException">texture is null.</exception>
        /// <exception cref="ArgumentException">texture is not RGBA32.</exception>
        public int SendCustomVideoFrame(Texture2D texture, long timestampMs = 0, ParleyPublishChannel channel = ParleyPublishChannel.Main)
        {
            if (texture == null) throw new ArgumentNullException("texture");
            if (texture.format != TextureFormat.RGBA32)
                throw new ArgumentException("SendCustomVideoFrame needs an RGBA32 texture, not " + texture.format, "texture");
            int w = texture.width, h = texture.height, stride = 4 * w;
            byte[] raw = texture.GetRawTextureData();
            if (textureFrame == null || textureFrame.Length != stride * h) textureFrame = new byte[stride * h];
            for (int y = 0; y < h; y++) Buffer.BlockCopy(raw, (h - 1 - y) * stride, textureFrame, y * stride, stride);
            return SendCustomVideoFrame(textureFrame, w, h, stride, timestampMs, channel);
        }
    }
}
