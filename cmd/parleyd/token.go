package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parley-rtc/parley/server/config"
	"github.com/parley-rtc/parley/server/token"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// runToken prints a room token signed with the app's server_secret:
//
//	parleyd token --app-id N --user-id U [--room-id R] [--publish] [--stream-id S ...] --ttl 10m [--config FILE | --dev]
func runToken(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("parleyd token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	appID := fs.Uint("app-id", 0, "app ID (required)")
	userID := fs.String("user-id", "", "the user ID the token logs in as (required)")
	roomID := fs.String("room-id", "", "the only room the token may log in to (default: any)")
	publish := fs.Bool("publish", false, "grant the publish_stream privilege")
	var streams stringList
	fs.Var(&streams, "stream-id", "a stream ID the token may publish (repeatable; default: any)")
	ttl := fs.Duration("ttl", 0, "lifetime, such as 10m (required)")
	configPath := fs.String("config", "", "config file holding the app's server_secret")
	dev := fs.Bool("dev", false, "use the development app's secret")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "parleyd token: "+format+"\n", a...)
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return fail("unexpected argument %q", fs.Arg(0))
	case *dev == (*configPath != ""):
		return fail("give exactly one of --config FILE or --dev")
	case *appID == 0 || *appID > 1<<32-1:
		return fail("--app-id: want 1-4294967295")
	case *ttl <= 0:
		return fail("--ttl: want a positive duration such as 10m")
	case len(streams) > 0 && !*publish:
		return fail("--stream-id needs --publish")
	}
	cfg := config.Dev()
	if *configPath != "" {
		var err error
		if cfg, err = config.Load(*configPath); err != nil {
			return fail("%v", err)
		}
	}
	app, ok := cfg.App(uint32(*appID))
	if !ok {
		return fail("no app %d in the config", *appID)
	}
	tok, err := token.Mint(app.ServerSecret, token.Claims{AppID: app.AppID, UserID: *userID, RoomID: *roomID,
		Privileges: token.Privileges{LoginRoom: true, PublishStream: *publish}, StreamIDs: streams,
		ExpiresAt: time.Now().Add(*ttl)})
	if err != nil {
		return fail("%v", err)
	}
	fmt.Fprintln(stdout, tok)
	return exitOK
}
