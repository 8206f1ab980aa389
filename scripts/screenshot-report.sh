#!/usr/bin/env bash
# Renders an HTML report (sotay report --format html) with headless Chromium, to look at the
# layout without a printer: OUT.png is the first page on screen at A4 size (794×1123 px, 96 dpi)
# and OUT.pdf, next to it, is the whole report as printed on A4.
# Installs Chromium (Debian package "chromium") and the Liberation fonts when missing.
#
# Usage: scripts/screenshot-report.sh REPORT.html OUT.png
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "Cách dùng / usage: $0 REPORT.html OUT.png" >&2
    exit 2
fi
report=$1
png=$2
if [ ! -f "$report" ]; then
    echo "Không thấy tệp / no such file: $report" >&2
    exit 1
fi

find_chromium() {
    command -v chromium || command -v chromium-browser || true
}

browser=$(find_chromium)
if [ -z "$browser" ]; then
    echo "Cài Chromium / installing Chromium (apt-get install chromium fonts-liberation)" >&2
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation
    browser=$(find_chromium)
    if [ -z "$browser" ]; then
        echo "Không tìm thấy chromium sau khi cài / chromium not found after installing" >&2
        exit 1
    fi
fi

# Absolute paths: Chromium resolves file:// URLs and output names from its own directory.
absolute() {
    local dir
    dir=$(cd "$(dirname "$1")" && pwd)
    echo "$dir/$(basename "$1")"
}
mkdir -p "$(dirname "$png")"
report_path=$(absolute "$report")
png_path=$(absolute "$png")
pdf_path="${png_path%.png}.pdf"

# A throw-away profile, so a running browser or a locked profile never gets in the way.
profile=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$profile" "$log"' EXIT

run() {
    if ! "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
        --no-first-run --no-default-browser-check --run-all-compositor-stages-before-draw "$@" \
        "file://$report_path" >"$log" 2>&1; then
        cat "$log" >&2
        exit 1
    fi
}

rm -f "$png_path" "$pdf_path"
run --window-size=794,1123 --screenshot="$png_path"
run --no-pdf-header-footer --print-to-pdf="$pdf_path"

# A blank or failed render is a few hundred bytes; a real page of text is far more.
size=$(wc -c <"$png_path" 2>/dev/null || echo 0)
if [ "$size" -lt 10240 ]; then
    echo "Ảnh chụp quá nhỏ / screenshot too small ($size bytes): $png_path" >&2
    cat "$log" >&2
    exit 1
fi
if [ ! -s "$pdf_path" ]; then
    echo "Không tạo được PDF / no PDF written: $pdf_path" >&2
    exit 1
fi
echo "$png_path"
echo "$pdf_path"
