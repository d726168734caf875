#!/usr/bin/env bash
# Takes the README's screenshot of `papers serve` (Sources/papers/Server/page.png) with headless Chromium:
#   swift build -c release && Scripts/screenshot-serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$out"' EXIT
.build/release/papers serve --port 0 > "$out/serve.out" &
server=$!
for _ in $(seq 50); do grep -q "127.0.0.1:" "$out/serve.out" 2>/dev/null && break; sleep 0.1; done
port=$(grep -o "127.0.0.1:[0-9]*" "$out/serve.out" | cut -d: -f2)
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$out/profile" \
    --window-size=1280,900 --virtual-time-budget=5000 --screenshot=Sources/papers/Server/page.png \
    "http://127.0.0.1:$port/?q=binary+neural+networks" 2>/dev/null
echo "Wrote Sources/papers/Server/page.png"
