#!/usr/bin/env bash
# `make bench`: ferryd against nginx on this machine, same load generator (wrk), same run.
#  (a) idle polls from DEVICES provisioned devices vs nginx returning a body of the same size
#  (b) random 4 KB ranges of a 192 KB image vs nginx serving the same file
#  (c) the polls of (a) again while a staged rollout covers every device
# Prints requests/s for each and the ratio. Figures, not assertions.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
DEVICES=${DEVICES:-100000}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
THREADS=${WRK_THREADS:-2}
export WRK_THREADS=$THREADS

work=$(mktemp -d /tmp/ferry-bench-XXXXXX)
chmod 755 "$work"  # nginx workers run as www-data
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
    sleep 0.5
    rm -rf "$work"
}
trap cleanup EXIT

ferryctl="$build/server/ferryctl/ferryctl"
ferryd="$build/server/ferryd/ferryd"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== setting up ($DEVICES devices, $ROUNDS polls each pre-signed)"
mkdir -p "$work/data/keys" "$work/www"
(cd "$work" && "$ferryctl" keygen --out release >/dev/null)
cp "$work/release.pub" "$work/data/keys/"
# Twice the rounds: the first half for (a), the second for (c), so no poll of (c) is a replay.
"$build/tests/bench/ferry_bench_setup" "$work/data/ferry.db" "$DEVICES" "$((2 * ROUNDS))" "$work/polls-all.txt"
head -n "$((DEVICES * ROUNDS))" "$work/polls-all.txt" > "$work/polls.txt"
tail -n +"$((DEVICES * ROUNDS + 1))" "$work/polls-all.txt" > "$work/polls-rollout.txt"

# A 192 KB image (the F401xE slot limit) for slot B.
python3 - "$work" <<'PY'
import os, struct, sys
work = sys.argv[1]
app_size = 192 * 1024 - 512 - 116
for slot, base in ((0, 0x08010000), (1, 0x08040000)):
    app = bytearray(os.urandom(app_size))
    app[0:8] = struct.pack('<II', 0x20010000, (base + 512 + 0x101) | 1)
    open(f'{work}/app{slot}.bin', 'wb').write(app)
PY
"$ferryctl" sign --key "$work/release.key" --version 2.0.0 --security-counter 1 --hw f401xe \
    --slot-a "$work/app0.bin" --slot-b "$work/app1.bin" --out "$work/r.fbundle" >/dev/null

fport=$(free_port)
"$ferryd" --data-dir "$work/data" --listen "127.0.0.1:$fport" --initial-token-file "$work/token" \
    --log-level warn --threads ${FERRYD_THREADS:-2} > "$work/ferryd.out" 2> "$work/ferryd.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/token" ] && curl -sf "http://127.0.0.1:$fport/healthz" >/dev/null && break; sleep 0.1; done
export FERRY_SERVER="http://127.0.0.1:$fport" FERRY_TOKEN=$(cat "$work/token")
"$ferryctl" upload "$work/r.fbundle" >/dev/null 2>&1
"$ferryctl" pin bench-offer 1 >/dev/null
setup="$build/tests/bench/ferry_bench_setup"

# The download link comes from a real offer; the image nginx serves is the one ferryd serves.
url=$(curl -sf "http://127.0.0.1:$fport$("$setup" poll "$work/data/ferry.db" bench-offer 1)" | sed -n 's/^u=//p')
curl -sf "http://127.0.0.1:$fport$url" -o "$work/www/image.bin"
size=$(stat -c %s "$work/www/image.bin")
# nginx answers polls with a body exactly as long as ferryd's idle answer.
curl -sf "http://127.0.0.1:$fport$("$setup" poll "$work/data/ferry.db" bench-idle 1)" -o "$work/www/poll.txt"
[ -s "$work/www/poll.txt" ] || { echo "could not fetch an idle answer"; exit 1; }

nport=$(free_port)
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$nport;
        location = /p { default_type text/plain; alias $work/www/poll.txt; }
        location = /image.bin { root $work/www; default_type application/octet-stream; }
    }
}
NGINX
nginx -c "$work/nginx.conf" -p "$work"
sleep 0.3

run_wrk() {  # name url script env...
    local name=$1 base=$2 script=$3
    shift 3
    env "$@" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" -s "$script" "$base" > "$work/$name.out"
    local rps non2xx
    rps=$(awk '/Requests\/sec/ {print $2}' "$work/$name.out")
    non2xx=$(awk '/non-2xx/ {print $2}' "$work/$name.out")
    echo "$rps $non2xx"
}

echo "== (a) idle polls, $DURATION, $CONNS connections, $THREADS wrk threads"
read -r n_rps n_err < <(run_wrk nginx-poll "http://127.0.0.1:$nport" "$root/tests/bench/polls.lua" POLLS_FILE="$work/polls.txt")
read -r f_rps f_err < <(run_wrk ferryd-poll "http://127.0.0.1:$fport" "$root/tests/bench/polls.lua" POLLS_FILE="$work/polls.txt")
printf '   nginx  (static %d-byte body): %10.0f req/s  (non-2xx %s)\n' "$(stat -c %s "$work/www/poll.txt")" "$n_rps" "$n_err"
printf '   ferryd (authenticated polls): %10.0f req/s  (non-2xx %s)\n' "$f_rps" "$f_err"
printf '   ratio ferryd/nginx: %.2f   (aim: >= 0.50)\n' "$(echo "$f_rps / $n_rps" | bc -l)"

echo "== (b) random 4 KB ranges of a $size-byte image"
read -r n2_rps n2_err < <(run_wrk nginx-range "http://127.0.0.1:$nport" "$root/tests/bench/ranges.lua" URL_PATH=/image.bin IMAGE_SIZE="$size")
read -r f2_rps f2_err < <(run_wrk ferryd-range "http://127.0.0.1:$fport" "$root/tests/bench/ranges.lua" URL_PATH="$url" IMAGE_SIZE="$size")
printf '   nginx : %10.0f req/s  (non-2xx %s)\n' "$n2_rps" "$n2_err"
printf '   ferryd: %10.0f req/s  (non-2xx %s)\n' "$f2_rps" "$f2_err"
printf '   ratio ferryd/nginx: %.2f   (aim: >= 0.80)\n' "$(echo "$f2_rps / $n2_rps" | bc -l)"

echo "== (c) idle polls again, now with a staged rollout over the whole fleet that holds it back"
# Scheduled a day ahead: every device is a member, every poll consults the rollout and is told
# to wait. The cost of the rollout engine on the idle path, against (a).
"$ferryctl" rollout create 1 --name bench --wave 1% --start-at +86400 >/dev/null
read -r f3_rps f3_err < <(run_wrk ferryd-poll-rollout "http://127.0.0.1:$fport" "$root/tests/bench/polls.lua" POLLS_FILE="$work/polls-rollout.txt")
printf '   ferryd (polls, rollout live): %10.0f req/s  (non-2xx %s)\n' "$f3_rps" "$f3_err"
printf '   ratio to (a): %.2f   ratio to nginx: %.2f\n' "$(echo "$f3_rps / $f_rps" | bc -l)" "$(echo "$f3_rps / $n_rps" | bc -l)"
