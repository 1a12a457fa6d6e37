#!/usr/bin/env bash
# Installs what `elicence render --pdf/--png` needs on Debian/Ubuntu:
#   chromium         headless Chromium prints the HTML licence to PDF / PNG
#   fonts-thai-tlwg  Thai fonts: Laksaman (the free TH Sarabun PSK design, the
#                    Thai government's document face), Loma, Garuda, Norasi...
# Optional, not installed here: fonts-noto-core (Noto Sans Thai), or TH Sarabun
# New / Sarabun from the SIPA or Google Fonts downloads; the page's CSS uses
# them first when present. The HTML alone (`elicence render` without --pdf or
# --png) needs none of this: print it from any browser.
# Idempotent: quick when everything is already there.
set -euo pipefail

need_apt=()
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 \
  && ! command -v google-chrome >/dev/null 2>&1; then
  need_apt+=(chromium)
fi
dpkg -s fonts-thai-tlwg >/dev/null 2>&1 || need_apt+=(fonts-thai-tlwg)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install-render-deps: installing ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
fc-list :lang=th family | grep -qi -E 'laksaman|sarabun|noto sans thai|loma' \
  || { echo "install-render-deps: no Thai font found after install" >&2; exit 1; }
echo "install-render-deps: ready (Thai fonts: $(fc-list :lang=th family | sort -u | tr '\n' ' '))"
