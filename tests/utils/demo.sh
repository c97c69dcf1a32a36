#!/usr/bin/env bash
# `make demo`: install the built collection, start the bundled ELB emulator on a free loopback port, run
# docs/examples/demo.yml twice (the second run must report changed=0), then docs/examples/backend-health.yml with two
# loopback backends (one answering 500) in the demo pool; stop the emulator and the backends on every exit.
# Usage: tests/utils/demo.sh VENV_BIN BUILD_DIR
set -euo pipefail
bin=$(cd "$1" && pwd) build=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
emulator_pid=
backend_pids=()
cleanup() {
  for pid in "${backend_pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Bold headings on a terminal only: no escape codes in a log or a CI page.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }

export ANSIBLE_COLLECTIONS_PATH="$work/collections"
step "Installing the collection into a scratch collections path"
tarball=$(find "$build" -maxdepth 1 -name 'hwcloud-elb-*.tar.gz' -printf '%T@ %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
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
# README.md shows the second run's monitors and recap: they must be what the demo prints.
grep -E '^localhost +:|"msg": ' "$work/run2.log" | sed 's/ *$//' | while IFS= read -r line; do
  grep -qF -- "$line" "$root/README.md" || { echo "demo FAILED: README.md does not show this line of the demo: $line" >&2; exit 1; }
done
writes=$("$bin/python" - "$url" <<'PY'
import json, sys, urllib.request
requests = json.load(urllib.request.urlopen(sys.argv[1] + "/_emulator/stats"))["requests"]
print(sum(1 for r in requests if r["method"] in ("POST", "PUT", "DELETE") and not r["path"].startswith("/v3/auth")))
PY
)
step "Done: the first run created 2 monitors, the second reported changed=0 ($writes write calls to ELB over both runs: the 2 creates)"

step "Backend health: two backends on loopback in pool demo-http-pool, one answering 500"
start_backend() {  # start_backend NAME STATUS: a loopback HTTP backend answering the status in $work/NAME.status
  echo "$2" >"$work/$1.status"
  "$bin/python" "$root/tests/utils/demo_backend.py" "$work/$1.status" >"$work/$1.out" 2>"$work/$1.err" &
  backend_pids+=($!)  # not in a $(...) subshell: cleanup must know every pid
  for _ in $(seq 50); do grep -q '^port ' "$work/$1.out" 2>/dev/null && break; sleep 0.1; done
}
start_backend healthy 200
start_backend broken 500
healthy_port=$(sed -n 's/^port //p' "$work/healthy.out") broken_port=$(sed -n 's/^port //p' "$work/broken.out")
[ -n "$healthy_port" ] && [ -n "$broken_port" ] || { echo "the demo backends did not start" >&2; exit 1; }
# Probes every 0.5 s instead of 5 s (the emulator's time scale), so health is decided in seconds.
"$bin/python" - "$url" "$healthy_port" "$broken_port" <<'PY'
import json, sys, urllib.request
url, ports = sys.argv[1], sys.argv[2:]
project = "0123456789abcdef0123456789abcdef"  # the emulator's demo project


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers=dict({"Content-Type": "application/json"}, **(headers or {})))
    with urllib.request.urlopen(request) as response:
        return response.headers, json.loads(response.read() or b"null")


call("POST", "/_emulator/config", {"probe_time_scale": 0.1})
auth = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "domain": {"name": "demo"}, "name": "demo", "password": "demo-password"}}}, "scope": {"project": {"id": project}}}}
token = {"X-Auth-Token": call("POST", "/v3/auth/tokens", auth)[0]["X-Subject-Token"]}
pool = call("GET", "/v3/%s/elb/pools?name=demo-http-pool" % project, headers=token)[1]["pools"][0]
for port in ports:
    call("POST", "/v3/%s/elb/pools/%s/members" % (project, pool["id"]),
         {"member": {"address": "127.0.0.1", "protocol_port": int(port)}}, token)
print("registered 127.0.0.1:%s (answers 200) and 127.0.0.1:%s (answers 500) in pool demo-http-pool" % tuple(ports))
PY
"$bin/ansible-playbook" -i localhost, -c local "$root/docs/examples/backend-health.yml" \
  -e "demo_fix_file=$work/broken.status" | tee "$work/health.log"
grep -q "RESPONSE_MISMATCH, expected 200-204, got 500" "$work/health.log" \
  || { echo "demo FAILED: the failing backend's reason was not shown" >&2; exit 1; }
step "Done: the failing backend was seen with its reason, fixed, and waited for until both were healthy"
step "Rolling update under load: docs/examples/rolling_update.yml restarts 3 backends behind a listener while a client sends requests through it"
"$bin/python" "$root/tests/utils/demo_rolling.py" "$url" "$work"  # rolling update under load, 0 failed requests (issue 26)
