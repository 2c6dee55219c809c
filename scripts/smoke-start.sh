#!/usr/bin/env bash
# Starts `npm start` on a fresh embedded database, waits for /readyz, fetches the JWKS, and stops it with SIGTERM.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
chmod 0755 "$data"
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$data/start.log"
LATCH_DATA_DIR="$data" PORT="$port" HOST=127.0.0.1 npm start >"$log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "npm start exited early:"; cat "$log"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz"; echo
curl -fsS "http://127.0.0.1:$port/.well-known/jwks.json" | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const k=JSON.parse(s).keys;
  if(!Array.isArray(k)||k.length<1||!k[0].kid||k[0].d){console.error("bad JWKS",s);process.exit(1)}
  console.log("JWKS ok:",k.map(x=>x.kid+" "+x.alg).join(", "))})'
grep -q "API key:" "$log" || { echo "first-run banner missing:"; cat "$log"; exit 1; }
kill -TERM "$pid"
wait "$pid" || { echo "npm start did not stop cleanly:"; cat "$log"; exit 1; }
trap - EXIT
rm -rf "$data"
echo "smoke test of npm start passed"
