"""Regenerate the translation sources and compile them, offline, with the installed PySide6.

    .venv/bin/python scripts/translations.py          # update the .ts files, compile the .qm files
    .venv/bin/python scripts/translations.py --check  # only report: out of date or unfinished?

`pyside6-lupdate` scans studio_comm/ui/ and studio_comm/app.py for `self.tr(...)` and
`QCoreApplication.translate(...)` and merges the texts into resources/translations/
studio_comm_de.ts (every text) and studio_comm_en.ts (English is the source language: only
the plural forms, "%n minute(s)" -> "1 minute" / "%n minutes"). New texts arrive as
unfinished; translate them in Qt Linguist (`pyside6-linguist`) or in the XML, then run this
again so `pyside6-lrelease` compiles studio_comm_<lang>.qm, which the app loads and the
packaged builds ship. Commit the .ts and the .qm files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
SOURCES = ["studio_comm/ui", "studio_comm/app.py"]
LANGUAGES = {"de": [], "en": ["-pluralonly"]}  # language -> extra lupdate options


def tool(name: str) -> str | None:
    """`pyside6-<name>` next to this Python (the venv's), else on PATH."""
    exe = f"pyside6-{name}" + (".exe" if sys.platform == "win32" else "")
    beside = Path(sys.executable).parent / exe
    return str(beside) if beside.exists() else shutil.which(exe)


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"studio_comm_{language}.ts"


def lupdate(language: str, target: Path) -> None:
    """Merge the sources' texts into `target` (created if missing), dropping vanished ones."""
    exe = tool("lupdate")
    if exe is None:
        raise SystemExit("pyside6-lupdate not found: install the project into .venv first")
    subprocess.run(
        [exe, "-silent", "-extensions", "py", "-no-obsolete", "-locations", "none",
         "-source-language", "en", "-target-language", language, *LANGUAGES[language],
         *SOURCES, "-ts", str(target)],
        cwd=ROOT, check=True,
    )


def lrelease(source: Path, target: Path) -> None:
    exe = tool("lrelease")
    if exe is None:
        raise SystemExit("pyside6-lrelease not found: install the project into .venv first")
    subprocess.run([exe, "-silent", str(source), "-qm", str(target)], cwd=ROOT, check=True)


def messages(path: Path) -> dict[tuple[str, str, str], ET.Element]:
    """(context, source text, disambiguation) -> <message> of a .ts file."""
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "", message.findtext("comment") or "")] = message
    return found


def unfinished(path: Path) -> list[tuple[str, str, str]]:
    """Texts without a finished translation (marked unfinished, or an empty form)."""
    missing = []
    for key, message in messages(path).items():
        translation = message.find("translation")
        forms = translation.findall("numerusform") if message.get("numerus") == "yes" else [translation]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(
            (f.text or "").strip() for f in forms
        ):
            missing.append(key)
    return missing


def check() -> int:
    """1 when a .ts file lacks texts of the sources, keeps vanished ones, or is unfinished."""
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for language in LANGUAGES:
            committed = ts_path(language)
            fresh = Path(tmp) / committed.name
            lupdate(language, fresh)
            have = set(messages(committed)) if committed.exists() else set()
            want = set(messages(fresh))
            for label, keys in (("missing", want - have), ("vanished", have - want)):
                for context, text, _comment in sorted(keys):
                    print(f"{committed.name}: {label}: [{context}] {text!r}")
                    status = 1
            for context, text, _comment in unfinished(committed) if committed.exists() else ():
                print(f"{committed.name}: unfinished: [{context}] {text!r}")
                status = 1
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="report out-of-date or unfinished texts, change nothing")
    args = parser.parse_args(argv)
    if args.check:
        return check()
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        lupdate(language, ts_path(language))
        lrelease(ts_path(language), ts_path(language).with_suffix(".qm"))
        left = len(unfinished(ts_path(language)))
        print(f"{ts_path(language).relative_to(ROOT)}: {len(messages(ts_path(language)))} texts, {left} unfinished")
    return 0


if __name__ == "__main__":
    sys.exit(main())
