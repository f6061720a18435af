#!/usr/bin/env bash
# Installs everything Kiln needs on a fresh Debian 12 machine: the compiler
# and QEMU from Debian, source-package access (deb-src) for fetching
# upstream C sources, and the kiln Python package with its test tools.
# Run as root (or with sudo). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: run as root (sudo bash tools/setup.sh)" >&2
	exit 2
fi

# deb-src: copy the system's Debian sources entry with Types: deb-src, so
# `apt-get source` works (external C sources come from Debian packages).
src_list=/etc/apt/sources.list.d/kiln-deb-src.sources
if [ ! -f "$src_list" ] && [ -f /etc/apt/sources.list.d/debian.sources ]; then
	sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
	gcc libc6-dev binutils make qemu-system-x86 python3 python3-pip python3-venv \
	dpkg-dev patch linux-libc-dev cpio ca-certificates >/dev/null
# Autoport: SQLite's amalgamation is generated with tclsh, patch applies our
# patches; the host's lua5.4 and sqlite3 are the references of the app tests;
# musl-tools' musl-gcc builds the same SQLite as a static Linux program
# (bench/sqlite_inserts.py); redis-tools' redis-cli is the client of the
# Redis app test (tests/boot/test_redis.py); curl is a client of the nginx
# app test (tests/boot/test_nginx.py).
apt-get install -y -qq --no-install-recommends tcl patch lua5.4 sqlite3 musl-tools redis-tools curl >/dev/null
# The style tools: clang-format for the C (.clang-format; Debian's version,
# since another version formats differently), ruff comes with the test extra.
apt-get install -y -qq --no-install-recommends clang-format >/dev/null
# The network benchmarks' load generator (bench/http_reply.py); iproute2's
# ip and ss for `kiln run --net tap` and the network tests.
apt-get install -y -qq --no-install-recommends wrk iproute2 >/dev/null

# The kiln package (editable: the libraries live in this tree), pytest and
# ruff (tools/format.sh), and matplotlib, with which the benchmarks draw
# their plots (bench/README.md).
pip_args=(install -q -e ".[test,bench]")
# (grep reads the whole help: with -q it could stop pip mid-write, and
# pipefail would count pip's broken pipe as "no such option".)
if python3 -m pip install --help 2>/dev/null | grep -- --break-system-packages >/dev/null &&
	python3 -c 'import sys, sysconfig, os; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))'; then
	pip_args+=(--break-system-packages)
fi
python3 -m pip "${pip_args[@]}"
echo "setup: done; run the tests with: python3 -m pytest -q"
