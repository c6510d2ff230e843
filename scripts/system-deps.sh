#!/usr/bin/env bash
# Check the Debian packages a part of the service needs; install them when running as root,
# otherwise print the exact command and stop.
#   scripts/system-deps.sh runtime   WeasyPrint's libraries (the demo and the service)
#   scripts/system-deps.sh test      the above, plus tools the tests read PDFs with, Chromium and Dovecot
#                                    (Playwright drives Chromium; IMAP tests start Dovecot)
set -euo pipefail

runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
test_tools=(poppler-utils chromium dovecot-imapd)

case "${1:-runtime}" in
  runtime) wanted=("${runtime[@]}") ;;
  test) wanted=("${runtime[@]}" "${test_tools[@]}") ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}" >&2
  echo "Install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
