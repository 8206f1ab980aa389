#!/usr/bin/env bash
# Installs the Python packages the interop tests use (Tests/requirements.txt) into .venv-test/.
# Does nothing when the virtualenv is there and was built from the current requirements file.
# Needs python3 with its venv module: as root it installs python3-venv with apt-get when that is
# what is missing; otherwise it prints the exact command to run and fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/Tests/requirements.txt"
venv="$root/.venv-test"
stamp="$venv/.requirements.sha256"
python="${PYTHON:-python3}"

want="$(sha256sum "$requirements" | cut -d' ' -f1)"

# Test tools from Debian, checked before the fast path below, so a machine whose virtualenv is
# already made still gets them:
# - the officer's console is tested in headless Chromium, driven through chromedriver (plain
#   WebDriver over HTTP: no Selenium, no npm);
# - the handout tests render the page with Chromium (and its fonts) and read its QR code back
#   with zbarimg; the photo legibility test reads a reduced page with tesseract (Vietnamese) and
#   turns Chromium's PNG into pixels with ImageMagick's convert.
if ! command -v zbarimg >/dev/null 2>&1 || ! command -v tesseract >/dev/null 2>&1 || ! command -v convert >/dev/null 2>&1 \
    || ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
    || ! { [ -f /usr/share/tesseract-ocr/5/tessdata/vie.traineddata ] || [ -f /usr/share/tesseract-ocr/4.00/tessdata/vie.traineddata ]; }; then
    tools=(chromium chromium-driver zbar-tools fonts-liberation tesseract-ocr tesseract-ocr-vie imagemagick)
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Cài ${tools[*]} / installing ${tools[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tools[@]}" || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${tools[@]}"; }
    else
        echo "Thiếu công cụ cho phần thử / missing test tools: sudo apt-get install -y ${tools[*]}" >&2
        exit 1
    fi
fi

# Fast path: built from this very requirements file, and its interpreter still runs.
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c '' 2>/dev/null; then
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    echo "Không tìm thấy $python / $python not found. Chạy scripts/install-deps.sh trước / run scripts/install-deps.sh first." >&2
    exit 1
fi

venv_installed() {
    dpkg-query -W -f='${Status}' python3-venv 2>/dev/null | grep -q "install ok installed"
}

errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT

# (Re)creates the virtualenv from scratch, so packages dropped from the requirements do not linger.
# A failed attempt can leave a half-made directory (python but no pip): it is removed.
create_venv() {
    if "$python" -m venv --clear "$venv" 2>"$errors"; then
        return 0
    fi
    rm -rf "$venv"
    return 1
}

# The hub's hardening tests drive `openssl s_client` (TLS versions) and `prlimit` (a hub with
# 1,024 descriptors). Both are on a usual Debian 12; a minimal image may lack openssl.
if ! command -v openssl >/dev/null 2>&1 || ! command -v prlimit >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Cài openssl, util-linux / installing openssl, util-linux"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl util-linux || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl util-linux; }
    else
        echo "Thiếu openssl hoặc prlimit / missing openssl or prlimit: sudo apt-get install -y openssl util-linux" >&2
        exit 1
    fi
fi

echo "Cài gói Python cho phần thử / installing Python test packages into .venv-test/"
if ! create_venv; then
    if command -v dpkg-query >/dev/null 2>&1 && ! venv_installed; then
        if [ "$(id -u)" -eq 0 ]; then
            echo "Cài python3-venv / installing python3-venv"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            apt-get install -y -qq python3-venv
        else
            echo "Thiếu gói hệ thống / missing system package: python3-venv" >&2
            echo "Chạy lệnh này rồi thử lại / run this, then try again:" >&2
            echo "  sudo apt-get update && sudo apt-get install -y python3-venv" >&2
            exit 1
        fi
    fi
    if ! create_venv; then
        echo "Không tạo được virtualenv / could not create the virtualenv at $venv:" >&2
        cat "$errors" >&2
        exit 1
    fi
fi

if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"; then
    rm -f "$stamp"
    echo "Không cài được gói Python (mạng?) / could not install the Python packages (network?)." >&2
    echo "Sửa lỗi ở trên rồi chạy lại / fix the error above, then run again: scripts/install-test-deps.sh" >&2
    exit 1
fi

echo "$want" >"$stamp"
