#!/bin/sh
# Chromium for kaleido's chart images (advisor/export.py): the chromium on PATH with background networking off;
# launched without it, renders stalled 5-6 s at random.
exec chromium --disable-background-networking "$@"
