#!/usr/bin/env bash
# Baton edit hook, written by `baton agent setup`. Reads the agent's hook JSON on stdin and asks
# Baton to lock the file before the edit: usage `.baton/hook.sh claude|codex`.
# It fails closed: when Baton cannot be reached or answers with an error, the edit is blocked
# (exit 2, the reason on stderr). Environment: BATON_SERVER (default below), BATON_AGENT (your
# agent id; without it Baton names you after the session), BATON_WORKSPACE (default "default"),
# BATON_TOKEN (your bearer token when Baton requires one; it names the agent). The token goes to
# curl through a config on a file descriptor, never on the command line, so `ps` does not show it.
client="${1:-claude}"
server="${BATON_SERVER:-@SERVER@}"
root="$(cd "$(dirname "$0")/.." && pwd)"
body="$(mktemp)" || { echo "baton: cannot make a temp file; edit blocked" >&2; exit 2; }
trap 'rm -f "$body" "$body.err"' EXIT
code="$(curl -sS -o "$body" -w '%{http_code}' --max-time 65 -X POST \
  -K <(if [ -n "${BATON_TOKEN:-}" ]; then printf 'header = "Authorization: Bearer %s"\n' "$BATON_TOKEN"; fi) \
  -H 'Content-Type: application/json' \
  -H "X-Baton-Agent: ${BATON_AGENT:-}" \
  -H "X-Baton-Workspace: ${BATON_WORKSPACE:-default}" \
  -H "X-Baton-Root: $root" \
  --data-binary @- "$server/v1/hooks/$client" 2>"$body.err")"
if [ $? -ne 0 ]; then
  echo "baton: cannot reach Baton at $server ($(head -c 300 "$body.err")); edit blocked" >&2
  exit 2
fi
case "$client:$code" in
  claude:200) cat "$body"; exit 0 ;;
  codex:200) exit 0 ;;
  codex:409) echo "$(cat "$body")" >&2; exit 2 ;;
  *) echo "baton: HTTP $code from $server: $(head -c 1000 "$body"); edit blocked" >&2; exit 2 ;;
esac
