"""What the relay tests share: the studios and their keys, request and lookup helpers."""

from __future__ import annotations

import secrets
import uuid
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from studio_comm.journal import Journal

STUDIO, OTHER_STUDIO = 1210, 1211
# Random per run, so a key found in a log line can only have come from this run's relay.
KEY = f"whk-{secrets.token_hex(12)}"
OTHER_KEY = f"whk-{secrets.token_hex(12)}"
KEYS_TEXT = f"# studio-comm relay keys\n{STUDIO} {KEY}\n{OTHER_STUDIO} {OTHER_KEY}  # second studio\n"


def write_keys(path: Path, text: str = KEYS_TEXT, mode: int = 0o600) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


def pg_schema_target(url: str, schema: str) -> str:
    """The URL with the schema as its search_path (how the journal fixtures isolate tests)."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def body(type_: str = "CUSTOMER_COMMUNICATION_PREFERENCES_UPDATED", *, entity: int = 7893459,
         uuid_: str | None = None, **event) -> dict:
    return {"entityId": entity, "uuid": uuid_ or str(uuid.uuid4()),
            "payload": [{"timestamp": 1642779144176, "type": type_, **event}]}


def post(url: str, studio: int | str = STUDIO, json=None, key: str | None = KEY, **kwargs) -> httpx.Response:
    headers = kwargs.pop("headers", {})
    if key is not None:
        headers["X-API-KEY"] = key
    return httpx.post(f"{url}/webhooks/{studio}", json=json, headers=headers, timeout=30, **kwargs)


def stored(journal: Journal, uuid_: str, studio: int = STUDIO) -> list:
    """The studio's events with this uuid (the whole feed, read from its start)."""
    return [e for e in journal.events_after(studio, limit=1_000_000).events if e.uuid == uuid_.lower()]
