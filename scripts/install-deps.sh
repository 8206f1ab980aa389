#!/usr/bin/env bash
# Installs the system libraries Sổ Tay builds against, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command to run and fails.
set -euo pipefail

# postgresql-15: the tests of the PostgreSQL store run a throwaway cluster of their own.
# libqrencode, libturbojpeg: the handout's QR code and the photos' sending copies.
# time: GNU time, which gives the benchmark the peak memory of a command it runs.
packages=(libsqlite3-dev libcurl4-openssl-dev libreadline-dev libqrencode-dev libturbojpeg0-dev libjpeg62-turbo-dev python3 python3-venv sqlite3 postgresql-15 time)
missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    echo "Cài thư viện hệ thống còn thiếu / installing missing system libraries: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}"
else
    echo "Thiếu thư viện hệ thống / missing system libraries: ${missing[*]}" >&2
    echo "Chạy lệnh này rồi thử lại / run this, then try again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi
