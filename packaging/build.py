"""Build studio-comm's offline bundles into dist/ (`./dev build`).

1. The application folder (PyInstaller --onedir, packaging/studio-comm.spec) with the
   install scripts, packed as studio-comm-<version>-<os>-<arch>.tar.gz (.zip on Windows).
2. The wheelhouse: the project's wheel and every dependency's wheel for one Python and
   platform, with install-wheelhouse.sh, packed as
   studio-comm-<version>-wheelhouse-<python tag>-<platform>.tar.gz.

    python packaging/build.py [--dist DIR] [--work DIR] [--only app|wheelhouse]
                              [--python-version 3.12 --platform win_amd64]

--python-version/--platform build the wheelhouse for another target (binary wheels only).
See packaging/README.md.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
# The wheelhouse carries the PostgreSQL driver too: a chain's desks may share one journal.
REQUIREMENT_EXTRAS = "[postgres]"
# pip evaluates the dependencies' environment markers for the machine it runs on, not for
# --platform: a wheelhouse for another system adds what is required only there.
TARGET_ONLY = {
    "win": ["pywin32-ctypes>=0.2.0", "colorama", "tzdata"],  # keyring, click, zoneinfo
    "manylinux": ["SecretStorage>=3.2"],  # keyring
}
# Files next to the app or the wheels in each archive: (source, name in the archive).
SHARE = [
    (ROOT / "resources" / "studio-comm.desktop", "share/studio-comm.desktop"),
    (ROOT / "resources" / "icons" / "studio-comm.svg", "share/studio-comm.svg"),
    (PACKAGING / "README.md", "README.md"),
]


def version() -> str:
    namespace: dict = {}
    exec((ROOT / "studio_comm" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def os_arch() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")  # Windows says AMD64
    return f"{system}-{machine}"


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def pack(folder: Path, archive: Path) -> Path:
    """Pack `folder` (as its top-level directory) into a .tar.gz, or a .zip on Windows."""
    archive.unlink(missing_ok=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(folder.rglob("*")):
                zf.write(path, path.relative_to(folder.parent))
    else:
        def owned_by_nobody(info: tarfile.TarInfo) -> tarfile.TarInfo:
            # Unpacked by whoever installs: files owned by the builder's ids would be odd.
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            return info

        with tarfile.open(archive, "w:gz", compresslevel=6) as tf:
            tf.add(folder, arcname=folder.name, filter=owned_by_nobody)
    return archive


def stage_common(stage: Path, scripts: list[str], **facts: str) -> None:
    """The desktop entry, icon, README and install scripts; `facts` become small files."""
    for name, value in facts.items():
        (stage / name).write_text(value + "\n", encoding="utf-8")
    for source, name in SHARE:
        (stage / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, stage / name)
    for script in scripts:
        shutil.copy2(PACKAGING / script, stage / script)
        (stage / script).chmod(0o755)


def build_app(dist: Path, work: Path, ver: str) -> tuple[Path, Path]:
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
         "--distpath", str(work / "pyinstaller-dist"), "--workpath", str(work / "pyinstaller"),
         str(PACKAGING / "studio-comm.spec")])
    built = work / "pyinstaller-dist" / ("studio-comm.app" if sys.platform == "darwin" else "studio-comm")
    stage = work / f"studio-comm-{ver}-{os_arch()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    shutil.move(str(built), stage / ("studio-comm.app" if sys.platform == "darwin" else "app"))
    scripts = ["install.sh", "uninstall.sh", "install-common.sh"] if sys.platform.startswith("linux") else []
    stage_common(stage, scripts, VERSION=ver)
    suffix = ".zip" if sys.platform == "win32" else ".tar.gz"
    return pack(stage, dist / f"{stage.name}{suffix}"), stage


def build_wheelhouse(dist: Path, work: Path, ver: str, python_version: str | None,
                     target_platform: str | None) -> tuple[Path, Path]:
    cross = bool(python_version or target_platform)
    py = (python_version or f"{sys.version_info.major}.{sys.version_info.minor}").replace(".", "")
    plat = target_platform or sysconfig.get_platform().replace(".", "_")
    stage = work / f"studio-comm-{ver}-wheelhouse-cp{py}-{plat}"
    wheels = stage / "wheels"
    shutil.rmtree(stage, ignore_errors=True)
    wheels.mkdir(parents=True)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    # Built from a copy: setuptools leaves build/lib behind in the source tree, and stale
    # files there would end up in the next wheel.
    source = work / "source"
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("studio_comm", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    run([*pip, "wheel", "--no-deps", "--wheel-dir", str(wheels), str(source)])
    (project,) = wheels.glob("studio_comm-*.whl")
    requirement = f"{project}{REQUIREMENT_EXTRAS}"
    if cross:
        target = ["--only-binary=:all:", "--implementation", "cp"]
        target += ["--python-version", python_version] if python_version else []
        target += ["--platform", target_platform] if target_platform else []
        extra = [req for prefix, reqs in TARGET_ONLY.items() if plat.startswith(prefix) for req in reqs]
        run([*pip, "download", "--dest", str(wheels), *target, requirement, *extra])
    else:
        # pip wheel also turns any dependency published only as source into a wheel.
        run([*pip, "wheel", "--wheel-dir", str(wheels), requirement])
        # Prove the set is complete: resolve it with no index at all.
        run([*pip, "install", "--dry-run", "--ignore-installed", "--no-index", "--find-links", str(wheels),
             requirement], stdout=subprocess.DEVNULL)
    stage_common(stage, ["install-wheelhouse.sh", "install-wheelhouse.cmd", "uninstall.sh", "install-common.sh"],
                 VERSION=ver, PYTHON=f"{py[0]}.{py[1:]}")
    suffix = ".zip" if plat.startswith("win") else ".tar.gz"
    return pack(stage, dist / f"{stage.name}{suffix}"), stage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the archives go (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "packaging",
                        help="scratch folder (default: build/packaging/)")
    parser.add_argument("--only", choices=["app", "wheelhouse"], help="build just one of the two")
    parser.add_argument("--python-version", help="wheelhouse for this Python, e.g. 3.12 (default: this one)")
    parser.add_argument("--platform", help="wheelhouse for this platform tag, e.g. win_amd64, macosx_11_0_arm64")
    options = parser.parse_args(argv)
    dist, work = options.dist.resolve(), options.work.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    ver = version()

    results = []
    if options.only in (None, "app"):
        started = time.monotonic()
        archive, folder = build_app(dist, work, ver)
        results.append(("application", archive, folder, time.monotonic() - started))
    if options.only in (None, "wheelhouse"):
        started = time.monotonic()
        archive, folder = build_wheelhouse(dist, work, ver, options.python_version, options.platform)
        results.append(("wheelhouse", archive, folder, time.monotonic() - started))

    print()
    for kind, archive, folder, seconds in results:
        print(f"{kind:12} {archive.stat().st_size / 1e6:7.1f} MB packed  "
              f"{tree_size(folder) / 1e6:7.1f} MB unpacked  {seconds:5.0f} s  {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
