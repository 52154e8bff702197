// Command parleyd is the Parley server: signaling, rooms and media
// forwarding for Parley engines. See docs/server.md.
//
//	parleyd --dev                     the development app on 127.0.0.1:7880
//	parleyd --config parleyd.json     the apps and addresses of a config file
//	parleyd --dev --listen 0.0.0.0:7880
//	parleyd --dev --dev-tls           wss:// with a generated certificate (written to parleyd-dev-cert.pem)
//	parleyd token --app-id 1 --user-id alice --ttl 10m --dev   print a room token
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/parley-rtc/parley/server"
	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/devcert"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "token" {
		os.Exit(runToken(os.Args[2:], os.Stdout, os.Stderr))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1 // the server could not start (listen errors)
	exitUsage  = 2 // bad flags or config
)

// run serves until ctx ends (SIGINT, SIGTERM) and returns the exit code.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("parleyd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "JSON config file (see docs/server.md)")
	dev := fs.Bool("dev", false, "serve the development app (app ID 1, public app sign) on "+config.DefaultListen)
	listen := fs.String("listen", "", "listen address host:port, overriding the config")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	devTLS := fs.Bool("dev-tls", false, "serve wss:// with a self-signed certificate made at start (development only)")
	devCert := fs.String("dev-tls-cert", "parleyd-dev-cert.pem", "where --dev-tls writes its certificate for clients to trust")
	pprofAddr := fs.String("pprof", "", "serve Go's profiler (/debug/pprof/) on this address, e.g. 127.0.0.1:6060 (off by default)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "parleyd: "+format+"\n", a...)
		return code
	}
	if fs.NArg() > 0 {
		return fail(exitUsage, "unexpected argument %q", fs.Arg(0))
	}
	if *dev == (*configPath != "") {
		return fail(exitUsage, "give exactly one of --config FILE or --dev")
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fail(exitUsage, "--log-level %q: want debug, info, warn or error", *level)
	}

	cfg := config.Dev()
	if *configPath != "" {
		var err error
		if cfg, err = config.Load(*configPath); err != nil {
			return fail(exitUsage, "%v", err)
		}
	}
	if *listen != "" {
		cfg.Listen = *listen
		if err := cfg.Validate(); err != nil {
			return fail(exitUsage, "--listen: %v", err)
		}
	}

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	if *pprofAddr != "" {
		stop, err := servePprof(*pprofAddr, log)
		if err != nil {
			return fail(exitFailed, "--pprof: %v", err)
		}
		defer stop()
	}
	opts := []server.Option{server.WithLogger(log)}
	if *devTLS {
		host, _, _ := net.SplitHostPort(cfg.Listen)
		cert, err := devcert.Generate(host)
		if err != nil {
			return fail(exitFailed, "--dev-tls: %v", err)
		}
		if err := os.WriteFile(*devCert, cert.PEM, 0o644); err != nil {
			return fail(exitUsage, "--dev-tls-cert: %v", err)
		}
		log.Warn("development TLS certificate: clients trust it with SSL_CERT_FILE", "file", *devCert)
		opts = append(opts, server.WithTLS(cert.TLS))
	}
	if *dev {
		// The debug page logs in with tokens it fetches from /dev/token.
		opts = append(opts, server.WithDevTokens())
	}
	srv, err := server.New(cfg, opts...)
	if err != nil {
		return fail(exitUsage, "%v", err)
	}
	if err := srv.Start(ctx); err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return exitOK
		}
		return fail(exitFailed, "%v", err)
	}
	if *dev {
		page := "http" + strings.TrimPrefix(srv.URL(), "ws") + "/"
		log.Info("browser debug page, with development tokens at /dev/token", "page", page)
		log.Info("WHIP and WHEP with a room token (parleyd token --dev ...; docs/whip-whep.md)",
			"whip", page+"whip/{room}/{stream}", "whep", page+"whep/{room}/{stream}", "player", page+"whep.html")
	}
	<-ctx.Done()
	log.Info("shutting down")
	if err := srv.Close(); err != nil {
		return fail(exitFailed, "close: %v", err)
	}
	return exitOK
}
