#!/usr/bin/env bash
# Remakes docs/img/10-trace-*.png, the screenshots of `go tool trace` in
# docs/10-profiling.md section 4, from a trace the lesson itself writes.
#
# Needs chromium from apt (apt-get install -y chromium; or the smaller
# chromium-headless-shell, run with CHROMIUM=chromium-headless-shell),
# ImageMagick's convert and pngquant (apt-get install -y imagemagick
# pngquant), curl and Go. Takes about 40 seconds on two cores with a warm
# build cache, most of it chromium starting once per picture; the first run
# takes a few minutes, as -trimpath builds the lesson from scratch.
#
# The pictures are of a run on two processors (GOMAXPROCS=2, set below);
# the docs' text describes what they show, so look at them again, and at
# the text, after remaking them.
#
# Run from anywhere: bash 10-profiling/shots/make.sh (OUT=dir writes
# the pictures there instead of docs/img).
# Nothing is written into the repository but docs/img/10-trace-*.png; the
# trace, chromium's profile and the raw shots live in a temp dir that is
# removed on exit, together with the go tool trace server.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/docs/img}
chromium=${CHROMIUM:-chromium}
for tool in "$chromium" convert pngquant curl go; do
	command -v "$tool" >/dev/null || { echo "make.sh: $tool not found (see the top of $0)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/10-trace-shots.XXXXXX")
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# 1. The trace: section 4 of the lesson, kept in the temp dir.
# Two processors whatever the machine has, so that the timeline has the
# same rows (and fits the crop below); -trimpath keeps this checkout's
# path out of the pages.
(cd "$root" && GOMAXPROCS=2 go run -trimpath ./10-profiling -only 4 -dir "$tmp/trace") >"$tmp/lesson.txt"
trace=$tmp/trace/pipeline.trace
[ -s "$trace" ] || { echo "make.sh: the lesson wrote no $trace" >&2; cat "$tmp/lesson.txt" >&2; exit 1; }

# 2. The server. go tool trace opens a browser with $BROWSER first, then
# xdg-open, chromium...; BROWSER=true makes that a no-op that succeeds.
BROWSER=true go tool trace -http=127.0.0.1:0 "$trace" >"$tmp/server.log" 2>&1 &
server=$!
base=
for _ in $(seq 1 300); do
	base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$tmp/server.log" || true)
	[ -n "$base" ] && break
	kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
	sleep 0.2
done
[ -n "$base" ] || { echo "make.sh: go tool trace did not start" >&2; cat "$tmp/server.log" >&2; exit 1; }

# shot NAME PATH WIDTH HEIGHT BUDGET [CROP [SCALE]]: a screenshot of
# $base$PATH in a WIDTHxHEIGHT window (SCALE device pixels to a CSS pixel,
# default 1) after BUDGET ms of virtual time, cropped to CROP (WxH+X+Y) if
# given and not "-", trimmed of the empty page around it, then reduced to
# at most 256 colours into $out/10-trace-NAME.png.
shot() {
	local name=$1 path=$2 w=$3 h=$4 budget=$5 crop=${6:--} scale=${7:-1}
	local raw=$tmp/$name.png
	"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/chromium" --no-first-run --mute-audio \
		--force-device-scale-factor="$scale" \
		--window-size="$w,$h" --virtual-time-budget="$budget" \
		--screenshot="$raw" "$base$path" >"$tmp/chromium.log" 2>&1 || {
		cat "$tmp/chromium.log" >&2
		exit 1
	}
	if [ "$crop" != - ]; then
		convert "$raw" -crop "$crop" +repage "$raw"
	fi
	convert "$raw" -trim +repage -bordercolor white -border 12 "$raw"
	finish "$name"
}

# finish NAME: $tmp/NAME.png, quantized, into $out.
finish() {
	pngquant --force --strip --quality=60-95 --output "$out/10-trace-$1.png" -- "$tmp/$1.png"
	echo "$out/10-trace-$1.png: $(wc -c <"$out/10-trace-$1.png") bytes"
}

mkdir -p "$out"
page=15000 # virtual ms; the HTML pages need next to no script time
shot index / 1000 1300 "$page"
shot goroutines /goroutines 1000 700 "$page"
# The hashers: the two goroutines started by WaitGroup.Go.
shot goroutine-hashers '/goroutine?name=sync.%28%2aWaitGroup%29.Go.func1' 1400 900 "$page" 1400x640+0+0
shot tasks /usertasks 1000 600 "$page"
# One item's events, the first of the 400 on the page.
shot task-item '/usertask?type=item' 1100 900 "$page" 1100x352+0+0
shot regions /userregions 1400 1000 "$page"
# The region pages' addresses carry the region's PC, which changes with
# every build: take the link for "store" from the regions page.
store=$(curl -fsS "$base/userregions" | grep -o 'href="/userregion?type=store[^"]*"' | head -1 | sed 's/^href="//; s/"$//; s/&amp;/\&/g')
[ -n "$store" ] || { echo "make.sh: no store region on $base/userregions" >&2; exit 1; }
shot region-store "$store" 1400 900 "$page" 1400x880+0+0
# pprof's graph starts at half size: twice the pixels make its text legible.
shot sched /sched 900 700 "$page" - 2

# The timeline is the Catapult trace viewer: seconds of script that pause
# between steps, hence a virtual-time budget far beyond the real time it
# takes (about 10s). Even so chromium now and then takes the shot while the
# viewer still shows its "Importing..." box over a dark, empty timeline, so
# a shot whose timeline has only a few colours is taken again, three times
# at most. Kept: the toolbar, and the timeline without the banner under the
# toolbar (the viewer warns that it runs on a polyfill) and without the
# empty space and the "Nothing selected" panel below.
for try in 1 2 3; do
	"$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$tmp/chromium" --no-first-run --mute-audio \
		--window-size=1400,900 --virtual-time-budget=1000000000 \
		--screenshot="$tmp/proc-raw.png" "$base/trace?view=proc" >"$tmp/chromium.log" 2>&1 || {
		cat "$tmp/chromium.log" >&2
		exit 1
	}
	colours=$(convert "$tmp/proc-raw.png" -crop 1400x300+0+62 -format %k info:)
	[ "$colours" -ge 100 ] && break
	echo "make.sh: try $try: the timeline did not render ($colours colours)" >&2
	if [ "$try" = 3 ]; then
		echo "make.sh: giving up on the timeline" >&2
		exit 1
	fi
done
convert "$tmp/proc-raw.png" \( -clone 0 -crop 1400x24+0+0 \) \( -clone 0 -crop 1400x300+0+62 \) \
	-delete 0 +repage -append "$tmp/proc.png"
finish proc
