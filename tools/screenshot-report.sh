#!/usr/bin/env bash
# Renders a report.html in headless Chromium and checks that the page is not blank.
#   bash tools/screenshot-report.sh REPORT.html OUT.png
# Installs Debian's chromium with apt-get when it is missing (root or sudo; tools/apt-install.sh, as for Open MPI).
# Exits non-zero when the screenshot is missing or blank: fewer than MIN_COLOURS distinct colours or less than
# MIN_INK of its pixels away from white. It tells a rendered page from a blank one; it does not prove each plot rendered
# (a text-only page passes too): the tests check the SVGs are inline and well-formed.
set -euo pipefail
if [ "$#" -ne 2 ]; then
  echo "usage: $0 REPORT.html OUT.png" >&2
  exit 2
fi
report="$(realpath "$1")"
out="$(realpath -m "$2")"
if [ ! -f "$report" ]; then
  echo "error: REPORT.html: '$1' does not exist" >&2
  exit 2
fi

if ! command -v chromium >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install.sh" "Chromium" chromium
fi

mkdir -p "$(dirname "$out")"
rm -f "$out"
# A fresh profile directory per run: headless Chromium refuses a profile another instance holds.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# The network flags keep Chromium from dialling out at start: a closed build machine refuses those connections, many at a time.
timeout 180 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --disable-quic --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --screenshot="$out" --window-size=1280,2000 "file://$report" >/dev/null 2>&1 || true
if [ ! -s "$out" ]; then
  echo "error: chromium wrote no screenshot of $report" >&2
  exit 1
fi

# Blank check with the Python standard library only (zlib + struct): decode the PNG's pixels, count colours and ink.
python3 - "$out" <<'PY'
import struct, sys, zlib

MIN_COLOURS = 16      # a rendered report has plot palettes and anti-aliased text: hundreds of colours; a blank page has one
MIN_INK = 0.02        # fraction of pixels that are not near-white; rendered reports measured 4.6 % (fit) to 21 % (simulate)

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"error: {path} is not a PNG")
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour_type = struct.unpack(">IIBB", body[:10])
        if depth != 8 or colour_type not in (2, 6):
            sys.exit(f"error: {path}: unexpected PNG format (bit depth {depth}, colour type {colour_type})")
        channels = 3 if colour_type == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * channels
previous = bytearray(stride)
colours, ink, pixels, offset = set(), 0, 0, 0
for _ in range(height):
    kind = raw[offset]
    line = bytearray(raw[offset + 1:offset + 1 + stride])
    offset += 1 + stride
    # PNG filters (PNG spec, section 9): None, Sub, Up, Average, Paeth
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up = previous[i]
        upleft = previous[i - channels] if i >= channels else 0
        if kind == 1: line[i] = (line[i] + left) & 255
        elif kind == 2: line[i] = (line[i] + up) & 255
        elif kind == 3: line[i] = (line[i] + (left + up) // 2) & 255
        elif kind == 4:
            p = left + up - upleft
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
            line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else upleft)) & 255
    for i in range(0, stride, channels):
        r, g, b = line[i], line[i + 1], line[i + 2]
        colours.add((r, g, b))
        if min(r, g, b) < 235: ink += 1
        pixels += 1
    previous = line
share = ink / pixels
print(f"{path}: {width}x{height}, {len(colours)} colours, {share:.1%} of pixels inked")
if len(colours) < MIN_COLOURS or share < MIN_INK:
    sys.exit(f"error: {path} looks blank ({len(colours)} colours, {share:.1%} inked; need {MIN_COLOURS} colours and {MIN_INK:.0%})")
PY
