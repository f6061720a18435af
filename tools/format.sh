#!/usr/bin/env bash
# Keeps the style by tool: C with clang-format (.clang-format, the kernel
# style), Python with ruff (pyproject.toml: lint rules and import order).
#
#   bash tools/format.sh [--check] [c|python]
#
# Without --check it rewrites files in place (C reformatted, Python's
# fixable findings fixed); with --check it changes nothing and fails on
# any finding. tests/tool/test_style.py runs the checks in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
what=${1:-all}
case "$what" in
c | python | all) ;;
*)
	echo "format: unknown target '$what': use c, python or nothing for both" >&2
	exit 2
	;;
esac

# Our own C: libraries, platforms, apps and benchmark programs (upstream
# sources are fetched into the cache, never into the tree). Not build output.
c_files() {
	find lib plat apps tests/apps bench \( -name build -o -name .kiln \) -prune -o \
		-type f \( -name '*.c' -o -name '*.h' \) -print | sort
}

ruff() {
	if command -v ruff >/dev/null; then
		command ruff "$@"
	elif python3 -c 'import ruff' 2>/dev/null; then
		python3 -m ruff "$@"
	else
		echo "format: ruff is not installed; run \`bash tools/setup.sh\`" >&2
		exit 2
	fi
}

need_clang_format() {
	if ! command -v clang-format >/dev/null; then
		echo "format: clang-format is not installed; run \`bash tools/setup.sh\`" >&2
		exit 2
	fi
}

status=0
if [ "$what" != python ]; then
	need_clang_format
	if [ $check = 1 ]; then
		c_files | xargs clang-format --dry-run -Werror || status=1
	else
		c_files | xargs clang-format -i
	fi
fi
if [ "$what" != c ]; then
	if [ $check = 1 ]; then
		ruff check --quiet . || status=1
	else
		ruff check --quiet --fix . || status=1
	fi
fi
exit $status
