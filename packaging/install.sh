#!/usr/bin/env bash
# Install the studio-comm application folder from this unpacked archive; nothing is
# downloaded. Per user by default, for every user with --system (as root).
#   ./install.sh            ~/.local/opt/studio-comm, ~/.local/bin/studio-comm, menu entry
#   sudo ./install.sh --system   /opt/studio-comm, /usr/local/bin/studio-comm, menu entry
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/install-common.sh"
parse_options "$@"
[ -x "$HERE/app/studio-comm" ] || die "app/studio-comm is missing: run this script from the unpacked archive"

remove_previous
mkdir -p "$(dirname "$PREFIX_DIR")"
# Copy under a temporary name first, so an interrupted copy never looks installed.
cp -a "$HERE/app" "$PREFIX_DIR.partial.$$"
mv "$PREFIX_DIR.partial.$$" "$PREFIX_DIR"
register "$PREFIX_DIR/studio-comm"
