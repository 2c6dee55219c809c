#!/usr/bin/env bash
# Starts `npm start` on a fresh embedded database, waits for /readyz, fetches the JWKS, then presses Ctrl-C
# (SIGINT to the whole process group, as a terminal does) and checks that Latch and its PostgreSQL stopped cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(mktemp -d)
chmod 0755 "$data"
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
log="$data/start.log"
setsid bash -c "LATCH_DATA_DIR='$data' PORT='$port' HOST=127.0.0.1 exec npm start" >"$log" 2>&1 &
pid=$!
cleanup() { kill -KILL -- "-$pid" 2>/dev/null || true; pkill -f "postgres -D $data" 2>/dev/null || true; rm -rf "$data"; }
trap cleanup EXIT
fail() { echo "smoke: $1"; cat "$log"; exit 1; }
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || fail "npm start exited early"
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" || fail "/readyz never answered"
echo
curl -fsS "http://127.0.0.1:$port/.well-known/jwks.json" | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const k=JSON.parse(s).keys;
  if(!Array.isArray(k)||k.length<1||!k[0].kid||k[0].d){console.error("bad JWKS",s);process.exit(1)}
  console.log("JWKS ok:",k.map(x=>x.kid+" "+x.alg).join(", "))})'
for _ in $(seq 1 60); do grep -q "API key:" "$log" && break; sleep 0.5; done
grep -q "API key:" "$log" || fail "first-run banner missing"
kill -INT -- "-$pid"
for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
kill -0 "$pid" 2>/dev/null && fail "npm start did not stop within 10 s of Ctrl-C"
grep -q '"msg":"stopped"' "$log" || fail "Latch did not log a clean stop"
pgrep -f "postgres -D $data" >/dev/null && fail "embedded PostgreSQL still running after stop"
echo "smoke test of npm start passed: served, answered, stopped cleanly"
