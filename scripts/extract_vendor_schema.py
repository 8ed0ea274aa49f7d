#!/usr/bin/env python3
"""Write tests/data/magicline_schema.json: a facts-only extract of the vendor's OpenAPI file.

Keeps, for the operations studio-comm uses, the parameters, request bodies and response
schemas, and every component schema reachable from them: types, formats, enums, required
lists, items, properties, bounds, defaults and $refs. Leaves out all description, summary
and example texts. Usage:

    python scripts/extract_vendor_schema.py [OPENAPI_JSON] [-o OUTPUT]

OPENAPI_JSON defaults to ../shared/magicline/openapi-1.5.0.json beside the repository.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "magicline" / "openapi-1.5.0.json"
DEFAULT_OUTPUT = REPO / "tests" / "data" / "magicline_schema.json"

OPERATIONS = [
    ("get", "/v1/customers"),
    ("get", "/v1/customers/by"),
    ("post", "/v1/customers/search"),
    ("get", "/v1/customers/{customerId}"),
    ("get", "/v1/studios/information"),
    ("get", "/v1/employees"),
    ("get", "/v1/communications/{customerId}/communication-preferences"),
    ("put", "/v1/communications/{customerId}/communication-preferences"),
    ("post", "/v1/communications/{customerId}/threads"),
    ("put", "/v1/communications/{customerId}/threads/{threadId}"),
]
SCHEMA_KEYS = {"type", "format", "enum", "required", "items", "properties", "$ref",
               "minimum", "maximum", "minLength", "maxLength", "pattern", "default",
               "nullable", "deprecated", "additionalProperties", "allOf", "oneOf", "anyOf",
               "minItems", "maxItems", "const"}


def facts(schema):
    """A schema without texts: only the keys that constrain values."""
    if isinstance(schema, list):
        return [facts(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    result = {}
    for key, value in schema.items():
        if key not in SCHEMA_KEYS:
            continue
        if key == "properties":
            result[key] = {name: facts(sub) for name, sub in value.items()}
        elif isinstance(value, (dict, list)) and key not in ("enum", "required", "default"):
            result[key] = facts(value)
        else:
            result[key] = value
    return result


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value.rsplit("/", 1)[-1]
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def json_schema(content: dict | None):
    return facts((content or {}).get("application/json", {}).get("schema", {}))


def extract(spec: dict) -> dict:
    paths: dict = {}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        entry: dict = {
            "operationId": operation.get("operationId"),
            "parameters": [
                {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                 "schema": facts(p.get("schema", {}))}
                for p in operation.get("parameters", [])],
            "responses": {code: json_schema(response.get("content"))
                          for code, response in operation.get("responses", {}).items()},
        }
        if "requestBody" in operation:
            entry["requestBody"] = {
                "required": operation["requestBody"].get("required", False),
                "schema": json_schema(operation["requestBody"].get("content"))}
        paths.setdefault(path, {})[method] = entry
    all_schemas = spec["components"]["schemas"]
    wanted, todo = {}, list(refs(paths))
    while todo:
        name = todo.pop()
        if name not in wanted:
            wanted[name] = facts(all_schemas[name])
            todo += list(refs(wanted[name]))
    return {"openapi": spec.get("openapi"), "version": spec.get("info", {}).get("version"),
            "paths": paths, "components": {"schemas": dict(sorted(wanted.items()))}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    result = extract(json.loads(args.source.read_text(encoding="utf-8")))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n",
                           encoding="utf-8")
    print(f"wrote {args.output} ({len(result['components']['schemas'])} schemas)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
