#!/usr/bin/env bash
# A private PulseAudio server with a null sink for the device tests.
#
#   scripts/pulse-test-server.sh start DIR   start it; prints PULSE_SERVER=unix:DIR/native
#   scripts/pulse-test-server.sh stop DIR    stop it and remove DIR
#   scripts/pulse-test-server.sh run CMD...  start one in a temporary directory,
#                                            run CMD with PULSE_SERVER set, stop
#                                            it (also when CMD fails); CMD's status
#
# What is played to the sink "parley_test" comes back on its monitor
# "parley_test.monitor"; both are the server's defaults. Started from a
# shell rather than from the Go test process: docs/devices.md explains why.
# Exits 0 without output from start when pulseaudio is missing or does not
# come up, so the tests that need it skip with a reason.
set -eu -o pipefail

if [[ ${1:-} == run ]]; then
	shift
	dir=$(mktemp -d /tmp/parley-pulse.XXXXXX)
	trap '"$0" stop "$dir"' EXIT
	line=$("$0" start "$dir")
	if [[ -n $line ]]; then
		export "${line?}"
		echo "pulse-test-server: $line" >&2
	fi
	status=0
	"$@" || status=$?
	exit $status
fi

cmd=${1:-}
dir=${2:-}
if [[ -z $cmd || -z $dir ]]; then
	echo "usage: $0 start|stop DIR" >&2
	exit 2
fi

case $cmd in
start)
	if ! command -v pulseaudio >/dev/null; then
		echo "pulse-test-server: pulseaudio is not installed; device tests will skip" >&2
		exit 0
	fi
	mkdir -p "$dir"
	export XDG_RUNTIME_DIR=$dir PULSE_RUNTIME_PATH=$dir
	# -n: no default.pa (no sound card probing); anonymous auth, so root
	# needs no --system mode. --disable-shm: audio through the socket; with
	# shared memory (memfd) streams of a race-detector test binary stall for
	# good after their first buffer (docs/devices.md). setsid: the server outlives this shell and
	# stays out of make's process group signals.
	setsid pulseaudio -n --daemonize=no --disable-shm=true --exit-idle-time=-1 --use-pid-file=false \
		--load="module-null-sink sink_name=parley_test rate=48000" \
		--load="module-native-protocol-unix auth-anonymous=1 socket=$dir/native" \
		</dev/null >"$dir/pulseaudio.log" 2>&1 &
	echo $! >"$dir/pid"
	export PULSE_SERVER=unix:$dir/native
	for _ in $(seq 200); do
		if [[ -S $dir/native ]] && pactl info >/dev/null 2>&1; then
			pactl set-default-sink parley_test
			pactl set-default-source parley_test.monitor
			echo "PULSE_SERVER=$PULSE_SERVER"
			exit 0
		fi
		if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
			break
		fi
		sleep 0.05
	done
	echo "pulse-test-server: pulseaudio did not come up; device tests will skip:" >&2
	cat "$dir/pulseaudio.log" >&2 || true
	kill "$(cat "$dir/pid")" 2>/dev/null || true
	exit 0
	;;
stop)
	if [[ -f $dir/pid ]]; then
		pid=$(cat "$dir/pid")
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: $0 start|stop DIR" >&2
	exit 2
	;;
esac
