#!/usr/bin/env bash
# Builds the image and runs what it holds: podman can build here but not run
# containers, so the image's filesystem is exported and its binary run from
# it: version, migrate on a temporary database, serve answering /healthz
# (checked with the image's own `entitled healthz`). Stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="localhost/entitled:ci-$$"
build/image.sh "$tag"
work="$(mktemp -d)"
cid=""
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	[ -n "$cid" ] && podman rm -f "$cid" >/dev/null 2>&1 || true
	podman rmi -f "$tag" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
cid="$(podman create "$tag")"
podman export "$cid" | tar -x -C "$work"
bin="$work/entitled"
test -x "$bin"
test -f "$work/etc/ssl/certs/ca-certificates.crt"
podman image inspect "$tag" --format '{{.Config.User}} {{json .Config.ExposedPorts}} {{json .Config.Env}}' | tee "$work/config"
grep -q '^65532:65532 ' "$work/config"
grep -q '8080/tcp' "$work/config"
grep -q 'ENTITLED_DB=sqlite:/data/entitled.db' "$work/config"
podman image inspect "$tag" --format '{{json .Config.Healthcheck}}' | grep -q healthz
"$bin" version | grep -q '^entitled '
db="sqlite:$work/data/test.db"
"$bin" migrate --db "$db"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" serve --db "$db" --addr "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	if "$bin" healthz --url "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
		echo "image: version, migrate and serve work from the exported filesystem"
		exit 0
	fi
	sleep 0.1
done
cat "$work/serve.log"
echo "image: serve did not become healthy" >&2
exit 1
