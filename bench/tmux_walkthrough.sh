#!/usr/bin/env bash
# Drive the real `drafter` app in tmux, as a user would, and read the screen at each step:
# type a topic, generate (offline engine), switch to the preview, save, copy, quit.
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

tm() { tmux -L "$SOCKET" -f /dev/null "$@"; }
cleanup() { tm kill-server >/dev/null 2>&1 || true; rm -rf "$TMP"; }
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

step() { printf '%-44s' "$1"; }
ok() { echo "ok"; }

step "start drafter (offline, fresh workspace)"
# Clean environment: no key, no base URL, so the offline engine is used.
tm new-session -d -s "$SESSION" -x 100 -y 30 \
    "env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u DRAFTER_ENGINE -u DRAFTER_BASE_URL \
     TERM=xterm-256color HOME=$TMP XDG_CONFIG_HOME=$TMP/config XDG_DATA_HOME=$TMP/data \
     XDG_CACHE_HOME=$TMP/cache PYTHONPATH=$HERE $DRAFTER --workspace $WS; echo EXITED \$?; sleep 30"
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

step "switch to the preview (f4)"
tm send-keys -t "$SESSION" F4
wait_for "/3,000 chars"
wait_for "Desktop"
ok

step "save (ctrl+s)"
tm send-keys -t "$SESSION" C-s
wait_for "Saved"
ls "$WS"/drafts/*.json >/dev/null 2>&1 || { echo "FAIL: no draft file in $WS/drafts" >&2; exit 1; }
ok

step "copy (f8)"
tm send-keys -t "$SESSION" F8
wait_for "clipboard"
ok

step "quit (ctrl+q)"
tm send-keys -t "$SESSION" C-q
wait_for "EXITED 0"
ok

echo "walkthrough passed: $(ls "$WS"/drafts/*.json | wc -l) draft saved"
