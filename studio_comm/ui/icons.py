"""The application's SVG icons and stylesheet, loaded from the `studio_comm.resources` package.

Names are file stems under resources/icons/ (e.g. "lock", "error", "sent"). Icons are
cached: item models ask for them on every paint.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from PySide6.QtGui import QIcon


def resource_path(*parts: str) -> str:
    return str(files("studio_comm.resources").joinpath(*parts))


@cache
def icon(name: str) -> QIcon:
    return QIcon(resource_path("icons", f"{name}.svg"))


def stylesheet() -> str:
    return files("studio_comm.resources").joinpath("style.qss").read_text(encoding="utf-8")
