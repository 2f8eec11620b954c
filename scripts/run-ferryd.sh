#!/usr/bin/env bash
# `make run`: ferryd on the embedded SQLite default, in ./run, with a release key ready to use.
set -euo pipefail
build=${1:-build}
dir=${2:-run}
listen=${3:-127.0.0.1:8080}
ferryd="$build/server/ferryd/ferryd"
ferryctl="$build/server/ferryctl/ferryctl"

mkdir -p "$dir/data/keys"
# A release key for trying things out. In production the private key lives offline and only
# the .pub goes to the server.
if [ ! -f "$dir/release.key" ]; then
    "$ferryctl" keygen --out "$dir/release" >/dev/null
    cp "$dir/release.pub" "$dir/data/keys/release.pub"
fi

password="(printed below by ferryd on this first start, and saved to $dir/admin-password)"
[ -f "$dir/admin-password" ] && password="$(cat "$dir/admin-password")"

cat <<MSG

Ferry is starting on http://$listen  (data in $dir/data, SQLite: $dir/data/ferry.db)

  Dashboard:        open http://$listen/ in a browser
  Log in:           user admin, password $password
  API / ferryctl:   the admin API token is in $dir/admin-token
                    export FERRY_SERVER=http://$listen FERRY_TOKEN=\$(cat $dir/admin-token)
  Try it:           $ferryctl releases
                    $ferryctl provision dev-1 --hw f401xe
  Sign a release:   $ferryctl sign --key $dir/release.key --version 1.0.0 \\
                        --security-counter 1 --hw f401xe --slot-a A.bin --slot-b B.bin
  A live rollout:   make demo  (ferryd, a few hundred simulated devices and a staged rollout)
  Health/metrics:   curl http://$listen/healthz ; curl http://$listen/metrics

Stop with Ctrl-C (in-flight requests finish first).
MSG
exec "$ferryd" --data-dir "$dir/data" --listen "$listen" --initial-token-file "$dir/admin-token" \
    --initial-password-file "$dir/admin-password"
