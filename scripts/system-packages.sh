#!/usr/bin/env bash
# Debian's Chromium (real-browser tests, chart images), CJK fonts (Chinese in images) and colour emoji (the
# nicknames are full of them): installed
# when missing and this is root on Debian; otherwise one line says what to install.
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || missing+=(fonts-noto-color-emoji)
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null) \
    || echo "warning: apt-get could not install ${missing[*]}; browser tests will be skipped" >&2
else
  echo "note: install ${missing[*]} (Debian: sudo apt-get install ${missing[*]}) for the browser tests; they are skipped without it" >&2
fi
exit 0
