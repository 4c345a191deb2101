#!/usr/bin/env bash
# Installs the Debian packages the portal needs beyond Python: a CJK font for PDFs, Pango for
# WeasyPrint, cairo for the Word briefing's chart images, poppler-utils to check PDFs in tests, chromium for browser tests and redis-server
# for the fault tests.
# Does nothing when they are present; needs root (or sudo) only when something is missing.
set -euo pipefail
need=()
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s libpangoft2-1.0-0 >/dev/null 2>&1 || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
dpkg -s libcairo2 >/dev/null 2>&1 || need+=(libcairo2)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# The fault tests start a Redis server of their own on a free port.
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
