#!/usr/bin/env bash
# `make demo`: install the built collection, start the bundled ELB emulator on a free loopback port, run
# docs/examples/demo.yml twice (the second run must report changed=0) and stop the emulator on every exit.
# Usage: tests/utils/demo.sh VENV_BIN BUILD_DIR
set -euo pipefail
bin=$(cd "$1" && pwd) build=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
emulator_pid=
cleanup() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

export ANSIBLE_COLLECTIONS_PATH="$work/collections"
step "Installing the collection into a scratch collections path"
tarball=$(ls -t "$build"/hwcloud-elb-*.tar.gz | head -1)
"$bin/ansible-galaxy" collection install --force -p "$work/collections" "$tarball" >/dev/null
echo "installed $(basename "$tarball")"

step "Starting the ELB emulator"
"$bin/python" "$root/tests/emulator" --host 127.0.0.1 --port 0 >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q '^ready ' "$work/emulator.out" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
  sleep 0.1
done
url=$(sed -n 's/^ready //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }
echo "emulator at $url (its built-in demo user, AK/SK signing)"

export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_NOCOLOR=1
export ANSIBLE_PYTHON_INTERPRETER="$bin/python"  # the venv has requests
export HW_ELB_ENDPOINT="$url" HW_AUTH_URL="$url/v3" HW_REGION_NAME=cn-north-4
export HW_ACCESS_KEY=AKEXAMPLE0000000000 HW_SECRET_KEY=SKEXAMPLE1111111111111111111111111111111
unset HW_PROJECT_ID HW_AUTH_TOKEN HW_USER_NAME HW_USER_PASSWORD HW_SECURITY_TOKEN  # the project is looked up by region

playbook="$root/docs/examples/demo.yml"
step "First run: creates the monitors"
"$bin/ansible-playbook" -i localhost, -c local "$playbook" | tee "$work/run1.log"

step "Second run: the same input changes nothing"
"$bin/ansible-playbook" -i localhost, -c local "$playbook" | tee "$work/run2.log"

grep -q 'changed=0' "$work/run2.log" || { echo "demo FAILED: the second run reported changes" >&2; exit 1; }
writes=$("$bin/python" - "$url" <<'PY'
import json, sys, urllib.request
requests = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/stats"))["requests"]
print(sum(1 for r in requests if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].startswith("/v3/auth")))
PY
)
step "Done: the first run created 2 monitors, the second reported changed=0 ($writes write calls to ELB over both runs: the 2 creates)"
