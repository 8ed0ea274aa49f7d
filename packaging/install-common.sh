# Shared by install.sh, install-wheelhouse.sh and uninstall.sh (sourced, not run).
#
# Per user (default): the program in ~/.local/opt/studio-comm, the command linked from
# ~/.local/bin, the desktop entry and icon under ${XDG_DATA_HOME:-~/.local/share}.
# System-wide (--system, as root): /opt/studio-comm, /usr/local/bin, /usr/share.
# The installer records what it placed outside the program folder in
# <program folder>/.installed-files; uninstalling removes exactly those and the folder.

die() { echo "studio-comm: $*" >&2; exit 1; }

usage() {
  echo "usage: $(basename "$0") [--system]"
  echo "  per user by default; --system installs for every user (run as root)"
}

parse_options() {  # sets SYSTEM and the paths below
  SYSTEM=0
  for arg in "$@"; do
    case $arg in
      --system) SYSTEM=1 ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; exit 2 ;;
    esac
  done
  if [ "$SYSTEM" = 1 ]; then
    [ "$(id -u)" = 0 ] || die "--system needs root (try sudo)"
    PREFIX_DIR=/opt/studio-comm
    BIN_DIR=/usr/local/bin
    DATA_DIR=/usr/share
  else
    [ -n "${HOME:-}" ] || die "HOME is not set"
    PREFIX_DIR=$HOME/.local/opt/studio-comm
    BIN_DIR=$HOME/.local/bin
    DATA_DIR=${XDG_DATA_HOME:-$HOME/.local/share}
  fi
  APPS_DIR=$DATA_DIR/applications
  ICON_DIR=$DATA_DIR/icons/hicolor/scalable/apps
}

refresh_caches() {
  # Only refresh caches that exist: desktops scan these folders anyway, and a cache created
  # here would outlive the uninstall.
  if [ -f "$APPS_DIR/mimeinfo.cache" ] && command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$APPS_DIR" || true
  fi
  if [ -f "$DATA_DIR/icons/hicolor/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -t "$DATA_DIR/icons/hicolor" || true
  fi
}

remove_installed() {  # remove_installed DIR: the files DIR's manifest lists, then DIR
  local dir=$1 file
  while IFS= read -r file; do
    [ -n "$file" ] || continue
    if [ -L "$file" ]; then
      # the command link: only if it still points into this installation
      case $(readlink "$file") in "$dir"/*) rm -f "$file" ;; esac
    elif [ -f "$file" ]; then
      rm -f "$file"
    fi
  done < "$dir/.installed-files"
  rm -rf "$dir"
  refresh_caches
}

remove_previous() {  # an earlier installation in PREFIX_DIR is replaced, anything else kept
  [ -e "$PREFIX_DIR" ] || return 0
  [ -f "$PREFIX_DIR/.installed-files" ] \
    || die "$PREFIX_DIR exists and was not made by this installer; move it away first"
  remove_installed "$PREFIX_DIR"
}

register() {  # register EXECUTABLE: command link, desktop entry, icon, uninstaller, manifest
  local exe=$1 src=$HERE/share
  mkdir -p "$BIN_DIR" "$APPS_DIR" "$ICON_DIR"
  ln -sfn "$exe" "$BIN_DIR/studio-comm"
  # Absolute paths: ~/.local/bin is not on every desktop session's PATH.
  sed -e "s|^Exec=.*|Exec=\"$exe\"|" -e "s|^TryExec=.*|TryExec=$exe|" \
    "$src/studio-comm.desktop" > "$APPS_DIR/studio-comm.desktop"
  chmod 644 "$APPS_DIR/studio-comm.desktop"
  cp "$src/studio-comm.svg" "$ICON_DIR/studio-comm.svg"
  chmod 644 "$ICON_DIR/studio-comm.svg"
  cp "$HERE/uninstall.sh" "$HERE/install-common.sh" "$PREFIX_DIR/"
  # Every user runs a system-wide copy, whatever umask it was unpacked with.
  [ "$SYSTEM" = 0 ] || chmod -R go+rX,go-w "$PREFIX_DIR"
  printf '%s\n' "$BIN_DIR/studio-comm" "$APPS_DIR/studio-comm.desktop" "$ICON_DIR/studio-comm.svg" \
    > "$PREFIX_DIR/.installed-files"
  refresh_caches
  echo "studio-comm $(cat "$HERE/VERSION") installed in $PREFIX_DIR"
  echo "start it from the applications menu or with: $BIN_DIR/studio-comm"
  echo "uninstall: $PREFIX_DIR/uninstall.sh"
}
