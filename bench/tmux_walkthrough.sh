#!/usr/bin/env bash
# Drive the real `drafter` app in tmux, as a user would, and read the screen at each step:
# type a topic, generate (offline engine), jump to the hook (alt+h) and clear it, switch to
# the preview, save, copy and check the copied text, quit; then, against a scripted local
# OpenAI-compatible server (tests/loopback.py, 127.0.0.1 only), generate, start a
# regeneration, cancel it, copy, and check the copied post is the draft from before.
# Exits non-zero (and prints the screen) at the first step whose expected text is missing.
#
#   bench/tmux_walkthrough.sh            # uses `drafter` on PATH, else `python -m drafter`
#   DRAFTER=".venv/bin/drafter" bench/tmux_walkthrough.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${PYTHON:-}" ]]; then
    if [[ -x "$HERE/.venv/bin/python" ]]; then PYTHON="$HERE/.venv/bin/python"; else PYTHON="python3"; fi
fi
if [[ -z "${DRAFTER:-}" ]]; then
    if [[ -x "$HERE/.venv/bin/drafter" ]]; then DRAFTER="$HERE/.venv/bin/drafter"
    elif command -v drafter >/dev/null 2>&1; then DRAFTER="drafter"; else DRAFTER="$PYTHON -m drafter"; fi
fi
TMP="$(mktemp -d)"
WS="$TMP/ws"
SOCKET="drafter-walk-$$"
SESSION="walk"
TOPIC="Why our team stopped holding daily status meetings"
CLIP="$TMP/clipboard.txt"
SERVER_PID=""

tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1 || true
    if [[ -n "$SERVER_PID" ]]; then
        touch "$TMP/stop"
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

screen() { tm capture-pane -p -t "$SESSION" 2>/dev/null || true; }

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows up.
wait_for() {
    local text="$1" limit="${2:-15}" waited=0
    while ! screen | grep -qF -- "$text"; do
        sleep 0.2
        waited=$((waited + 1))
        if (( waited > limit * 5 )); then
            echo "FAIL: \"$text\" did not appear within ${limit}s. Screen:" >&2
            screen >&2
            exit 1
        fi
    done
}

step() { printf '%-52s' "$1"; }
ok() { echo "ok"; }

# A system clipboard that records what pyperclip copies (an `xclip` on PATH, DISPLAY set):
# the user's real clipboard is never touched.
mkdir -p "$TMP/bin"
printf '#!/bin/sh\ncase " $* " in *" -o"*) cat "%s" 2>/dev/null ;; *) cat > "%s" ;; esac\n' "$CLIP" "$CLIP" \
    > "$TMP/bin/xclip"
chmod +x "$TMP/bin/xclip"
APP_ENV="TERM=xterm-256color HOME=$TMP XDG_CONFIG_HOME=$TMP/config XDG_DATA_HOME=$TMP/data \
XDG_CACHE_HOME=$TMP/cache DISPLAY=:0 PATH=$TMP/bin:$PATH PYTHONPATH=$HERE"

# check_copy FILE: the recorded clipboard holds exactly the text in FILE.
check_copy() {
    local expected="$1" waited=0
    while [[ ! -s "$CLIP" ]]; do
        sleep 0.2
        waited=$((waited + 1))
        if (( waited > 50 )); then echo "FAIL: nothing reached the clipboard" >&2; exit 1; fi
    done
    if ! cmp -s "$CLIP" "$expected"; then
        echo "FAIL: the copied text is not the post shown and saved:" >&2
        diff "$expected" "$CLIP" >&2 || true
        exit 1
    fi
    rm -f "$CLIP"
}

step "start drafter (offline, fresh workspace)"
# Clean environment: no key, no base URL, so the offline engine is used.
tm new-session -d -s "$SESSION" -x 100 -y 30 \
    "env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u DRAFTER_ENGINE -u DRAFTER_BASE_URL -u WAYLAND_DISPLAY \
     $APP_ENV $DRAFTER --workspace $WS; echo EXITED \$?; sleep 30"
wait_for "engine: offline"
wait_for "Generate"
ok

step "type a topic"
tm send-keys -t "$SESSION" -l "$TOPIC"
wait_for "$TOPIC"
wait_for "Topic ("
ok

step "generate (ctrl+g)"
tm send-keys -t "$SESSION" C-g
wait_for "Draft ready" 30
wait_for "Hook"
ok

step "jump to the hook (alt+h) and clear it (ctrl+u)"
tm send-keys -t "$SESSION" M-h
sleep 0.3
tm send-keys -t "$SESSION" End C-u
wait_for "One line that stops the scroll"
ok

step "switch to the preview (f4)"
tm send-keys -t "$SESSION" F4
wait_for "/3,000 chars"
wait_for "Desktop"
wait_for "hook is empty"
ok

step "save (ctrl+s)"
tm send-keys -t "$SESSION" C-s
wait_for "Saved"
ls "$WS"/drafts/*.json >/dev/null 2>&1 || { echo "FAIL: no draft file in $WS/drafts" >&2; exit 1; }
ok

step "copy (f8): the saved text, without the hook"
tm send-keys -t "$SESSION" F8
wait_for "clipboard"
"$PYTHON" - "$WS" "$TMP/expected.txt" <<'PY'
import json, pathlib, sys
[path] = pathlib.Path(sys.argv[1], "drafts").glob("*.json")
draft = json.loads(path.read_text(encoding="utf-8"))
hook = draft["revisions"][0]["parts"]["hook"]
assert hook and hook not in draft["text"], "the cleared hook is still in the saved post"
pathlib.Path(sys.argv[2]).write_text(draft["text"], encoding="utf-8")
PY
check_copy "$TMP/expected.txt"
ok

step "quit (ctrl+q)"
tm send-keys -t "$SESSION" C-q
wait_for "EXITED 0"
ok
SAVED="$(ls "$WS"/drafts/*.json | wc -l)"

step "start a scripted LLM server (127.0.0.1)"
# One full answer for the draft, then one that stalls (a slow regeneration, to be cancelled).
"$PYTHON" - "$HERE" "$TMP" <<'PY' &
import pathlib, sys, time
sys.path.insert(0, sys.argv[1])
from drafter.models.post import Parts, assemble
from tests.loopback import Loopback, Reply
good = {"hook": "Our team dropped the daily status meeting and shipped more",
        "takeaways": ["Written updates took five minutes, not thirty",
                      "Blockers surfaced sooner in a shared channel",
                      "The one weekly call now ends with decisions"],
        "question": "Which recurring meeting would your team miss least?",
        "hashtags": ["#Meetings", "#TeamWork", "#RemoteWork"]}
tmp = pathlib.Path(sys.argv[2])
(tmp / "expected-llm.txt").write_text(assemble(Parts(**good)), encoding="utf-8")
server = Loopback().start()
server.script(Reply.stream(good, pieces=8), Reply.stall('{"hook": "A slower new hook that never', pieces=1))
(tmp / "base_url").write_text(server.base_url, encoding="utf-8")
deadline = time.monotonic() + 120
while time.monotonic() < deadline and not (tmp / "stop").exists():
    time.sleep(0.1)
server.stop()
PY
SERVER_PID=$!
for _ in $(seq 1 100); do [[ -s "$TMP/base_url" ]] && break; sleep 0.1; done
[[ -s "$TMP/base_url" ]] || { echo "FAIL: the local server did not start" >&2; exit 1; }
ok

step "generate with the LLM engine"
SESSION="llm"
tm new-session -d -s "$SESSION" -x 100 -y 30 \
    "env -u OPENAI_BASE_URL -u WAYLAND_DISPLAY OPENAI_API_KEY=sk-walkthrough DRAFTER_ENGINE=openai \
     DRAFTER_BASE_URL=$(cat "$TMP/base_url") DRAFTER_MODEL=walk-model DRAFTER_RETRIES=0 DRAFTER_REPAIR=false \
     $APP_ENV $DRAFTER --workspace $TMP/ws2; echo EXITED \$?; sleep 30"
wait_for "walk-model"
wait_for "Generate"
tm send-keys -t "$SESSION" -l "$TOPIC"
wait_for "Topic ("
tm send-keys -t "$SESSION" C-g
wait_for "Draft ready" 30
ok

step "regenerate the hook (ctrl+r), cancel it (escape)"
tm send-keys -t "$SESSION" C-r
wait_for "enter: regenerate"
tm send-keys -t "$SESSION" Enter
wait_for "Regenerating the hook"
tm send-keys -t "$SESSION" Escape
wait_for "Cancelled"
ok

step "copy (f8): the draft from before the regeneration"
tm send-keys -t "$SESSION" F8
wait_for "clipboard"
check_copy "$TMP/expected-llm.txt"
ok

step "save (ctrl+s) and quit (ctrl+q)"
tm send-keys -t "$SESSION" C-s
wait_for "Saved"
tm send-keys -t "$SESSION" C-q
wait_for "EXITED 0"
ok

echo "walkthrough passed: $SAVED draft saved"
