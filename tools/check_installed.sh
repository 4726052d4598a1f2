#!/usr/bin/env bash
# What a user gets: build the wheel, install it (not editable) into a fresh virtual environment, and run it
# from another folder on an empty profile: the demo, PDFs with the embedded CJK font, a chart, the forms,
# the Chinese command line and a first start of the window (offscreen).
#   tools/check_installed.sh [PYTHON]     (default: python3)
set -euo pipefail
python=${1:-python3}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kpidesk-installed-XXXXXX")
trap 'rm -rf "$work"' EXIT

step() { printf '\n== %s\n' "$*"; }
fail() { echo "check_installed: $*" >&2; exit 1; }

step "build the wheel"
"$python" -m pip wheel --no-deps -q -w "$work/dist" "$repo"
wheel=$(ls "$work"/dist/kpidesk-*.whl)

step "install it into a fresh virtual environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel"
bin="$work/venv/bin"

# A new user: empty HOME, no project on the path, started from an unrelated folder.
mkdir -p "$work/home" "$work/elsewhere"
cd "$work/elsewhere"
export HOME="$work/home" QT_QPA_PLATFORM=offscreen MPLBACKEND=Agg
unset PYTHONPATH KPIDESK_DB KPIDESK_LOG KPIDESK_LANG XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME XDG_CACHE_HOME

step "kpidesk demo"
"$bin/kpidesk" demo

step "kpidesk pdf"
"$bin/kpidesk" pdf --period 2025-12 --summary --lang zh --out sheets.pdf
[ -s sheets.pdf ] || fail "no PDF written"
grep -aq "FontFile2" sheets.pdf || fail "the PDF has no embedded TrueType font"

step "kpidesk pdf of one finalized sheet (its charts drawn by a process of its own)"
"$bin/kpidesk" pdf --period 2025-11 --employee CS001 --lang zh --out one.pdf | tee one.txt
grep -q "1 页" one.txt || fail "the one-sheet PDF is not one page"
[ "$(grep -ac '/Subtype /Image' one.pdf)" -ge 2 ] || fail "the one-sheet PDF lacks its two charts"

step "kpidesk chart"
"$bin/kpidesk" chart distribution --period 2025-12 --lang zh --out grades.png
[ -s grades.png ] || fail "no chart written"

step "kpidesk forms list"
"$bin/kpidesk" forms list | tee forms.txt
grep -q "customer_service_staff" forms.txt || fail "the bundled forms are missing"

step "kpidesk --lang zh --help"
"$bin/kpidesk" --lang zh --help | tee help.txt
grep -q "员工绩效考核" help.txt || fail "the command line does not speak Chinese"

step "a mistyped --db is refused"
if "$bin/kpidesk" --db missing.db info; then fail "a missing database was accepted"; fi
[ ! -e missing.db ] || fail "a missing database was created"

step "first start of the window (offscreen)"
rm -rf "$HOME" && mkdir -p "$HOME"
"$bin/kpidesk-gui" --quit-after 2 | tee gui.txt
grep -q "KPI Desk window shown: welcome; CJK font loaded: yes" gui.txt || fail "the window did not start as expected"

echo
echo "check_installed: the installed package works"
