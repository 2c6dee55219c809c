#!/usr/bin/env bash
# A production install starts: copies the checkout's files (what git tracks, and new files it does not ignore) into a
# scratch folder, runs `npm ci --omit=dev` there, and runs the `npm start` smoke test (scripts/smoke-start.sh) on it.
# Anything the server needs at run time but lists as a devDependency fails here.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
# embedded PostgreSQL runs its binaries (under node_modules) as an unprivileged user when started as root
chmod 0755 "$scratch"
trap 'rm -rf "$scratch"' EXIT
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$scratch"
cd "$scratch"
echo "== npm ci --omit=dev in $scratch"
npm ci --omit=dev --no-audit --no-fund
for dev in vitest @biomejs/biome playwright-core; do
  if [ -e "node_modules/$dev" ]; then echo "smoke: $dev is installed by a production install"; exit 1; fi
done
bash scripts/smoke-start.sh
echo "production install: npm ci --omit=dev && npm start served and stopped cleanly"
