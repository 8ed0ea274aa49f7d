#!/usr/bin/env bash
# Install studio-comm from this wheelhouse into a virtual environment, with no network:
# pip sees only the wheels in ./wheels (--no-index, and --isolated from any pip config).
# Needs the Python named in ./PYTHON with its venv module (Debian: python3-venv).
#   ./install-wheelhouse.sh            ~/.local/opt/studio-comm, ~/.local/bin, menu entry
#   sudo ./install-wheelhouse.sh --system   /opt/studio-comm, /usr/local/bin, menu entry
#   PYTHON=/path/to/python3.11 ./install-wheelhouse.sh     another interpreter
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/install-common.sh"
parse_options "$@"
want=$(cat "$HERE/PYTHON")
python=${PYTHON:-python$want}
command -v "$python" >/dev/null || die "needs Python $want ($python not found; set PYTHON=/path/to/python$want)"
"$python" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" \
  || die "$python is not Python $want, which these wheels are built for"

remove_previous
mkdir -p "$(dirname "$PREFIX_DIR")"
trap 'rm -rf "$PREFIX_DIR"' EXIT  # a failed install leaves nothing behind
"$python" -m venv "$PREFIX_DIR" || die "could not create a virtual environment (Debian/Ubuntu: apt install python$want-venv)"
"$PREFIX_DIR/bin/python" -m pip --isolated --disable-pip-version-check install --quiet \
  --no-index --find-links "$HERE/wheels" "studio-comm[postgres]"
trap - EXIT
register "$PREFIX_DIR/bin/studio-comm"
