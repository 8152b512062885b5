#!/usr/bin/env bash
# Runs every test: Node, real Chromium (browser mode) and workerd. Installs what the tests need
# from Debian when it is missing: Chromium, and PyCryptodome for the Python interop vectors.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

missing=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
/usr/bin/python3 -c 'import Cryptodome' 2>/dev/null || missing+=(python3-pycryptodome)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -d node_modules ] || npm ci --no-audit --no-fund
mkdir -p test-results
exec npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
