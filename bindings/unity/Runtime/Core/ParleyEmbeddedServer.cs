// ParleyEmbeddedServer.cs — the Parley server inside the game's process
// (parley_server_start): local multiplayer, LAN play, and hermetic tests.
using System;
using Parley.Native;

namespace Parley
{
    public sealed class ParleyEmbeddedServer : IDisposable
    {
        IntPtr handle;

        /// <summary>The signaling URL engines use as ParleyEngineProfile.Server, such as "ws://127.0.0.1:40123".</summary>
        public string Url { get; private set; }

        ParleyEmbeddedServer(IntPtr handle, string url)
        {
            this.handle = handle;
            Url = url;
        }

        /// <summary>
        /// Starts a server. configJson uses parleyd's config schema; null serves the
        /// development app (ParleyEngineProfile.DevAppID / DevAppSign) on a free
        /// loopback port.
        /// </summary>
        /// <exception cref="ParleyException">SERVER_CONFIG_INVALID or SERVER_LISTEN_FAILED.</exception>
        public static ParleyEmbeddedServer Start(string configJson = null)
        {
            var url = new byte[NativeMethods.UrlCapacity];
            IntPtr h;
            int rc = NativeMethods.parley_server_start(Utf8.Bytes(configJson), out h, url, (uint)url.Length);
            if (rc != ParleyErrorCode.OK) throw new ParleyException(rc, "parley_server_start");
            int n = Array.IndexOf(url, (byte)0);
            return new ParleyEmbeddedServer(h, System.Text.Encoding.UTF8.GetString(url, 0, n < 0 ? url.Length : n));
        }

        /// <summary>Stops the server; engines connected to it lose their rooms.</summary>
        public int Stop()
        {
            IntPtr h = handle;
            handle = IntPtr.Zero;
            return NativeMethods.parley_server_stop(h);
        }

        public void Dispose()
        {
            if (handle != IntPtr.Zero) Stop();
        }
    }
}
