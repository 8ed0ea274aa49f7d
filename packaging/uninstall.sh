#!/usr/bin/env bash
# Remove studio-comm as installed by install.sh or install-wheelhouse.sh: the program
# folder, the command link, the desktop entry and the icon. Settings, the journal and
# the keyring entries of the user stay.
#   ./uninstall.sh [--system]      (or run the copy inside the installed folder)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/install-common.sh"
parse_options "$@"
# The copy inside an installation removes that installation, wherever it is.
[ -f "$HERE/.installed-files" ] && PREFIX_DIR=$HERE
[ -f "$PREFIX_DIR/.installed-files" ] || die "nothing installed in $PREFIX_DIR"
cd /  # the folder being removed may be the current one
remove_installed "$PREFIX_DIR"
echo "studio-comm removed from $PREFIX_DIR"
