/*
 * A stand-in for libgupnp-igd-1.0.so.4 that maps no port: the only way
 * Debian 12's simple-whip-client (whip-client) runs at all.
 *
 * whip-client links libsoup 2.4; GStreamer's webrtcbin loads libnice, which
 * links libgupnp-igd-1.0, libgupnp-1.6 and through it libsoup 3. libsoup
 * aborts a process that holds both ("libsoup2 symbols detected. Using
 * libsoup2 and libsoup3 in the same process is not supported"). The
 * WHIP interop test builds this file into a directory on whip-client's
 * LD_LIBRARY_PATH: libnice then finds no UPnP gateway (its thread_new
 * returns NULL, which libnice handles), libsoup 3 never loads, and the
 * client and GStreamer run unmodified. UPnP port mapping means nothing on
 * one machine anyway.
 *
 * These are the four symbols libnice 0.1.21 imports from it.
 */
typedef unsigned long GType;

GType gupnp_simple_igd_get_type(void) { return 0; }

void *gupnp_simple_igd_thread_new(void) { return 0; }

void gupnp_simple_igd_add_port(void *igd, const char *protocol, unsigned external_port, const char *local_ip,
                               unsigned local_port, unsigned lease_duration, const char *description) {}

void gupnp_simple_igd_remove_port_local(void *igd, const char *protocol, const char *local_ip, unsigned local_port) {}
