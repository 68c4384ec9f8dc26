#!/usr/bin/env bash
# Builds the container image with podman, FROM scratch (no registry is
# needed): the static binary is compiled here. Usage: build/image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-localhost/entitled:latest}"
ctx="$(mktemp -d)"
trap 'rm -rf "$ctx"' EXIT
CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags "-s -w" -o "$ctx/entitled" ./cmd/entitled
cp /etc/ssl/certs/ca-certificates.crt "$ctx/ca-certificates.crt"
mkdir "$ctx/data"
podman build --format docker -f Containerfile -t "$tag" "$ctx"
