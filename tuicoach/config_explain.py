"""msgspec's validation messages, reworded for a person editing a TOML file.

Imported only when a config has a mistake or is printed, so start-up never
pays for ``msgspec.inspect``. :func:`explain` turns "Expected `int` <= 100 -
at `$.burst.weight`" into the dotted key and "500 is out of range: expected
between 0 and 100"; :func:`field_notes` reads the comments declared with
``msgspec.Meta`` for ``tuicoach config``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from typing import Any

import msgspec.inspect as mi

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<at>[^`]*)`)?$", re.DOTALL)
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_FIELD = re.compile(r"^Object (?P<what>contains unknown|missing required) field `(?P<name>[^`]+)`$")
_POST_INIT = re.compile(r"^(?P<name>[a-z_]+): (?P<problem>.+)$", re.DOTALL)


def explain(
    text: str, data: object, schema: Any, noun: str = "setting", prefix: str = ""
) -> tuple[str, str]:
    """``(dotted key, problem)`` for a ``msgspec.ValidationError`` message about ``data``,
    which sits at ``prefix`` in the file."""
    match = _AT.match(text)
    assert match is not None
    message, at = match["message"], match["at"] or ""
    key, problem = _explain(message, at, data, schema, noun, prefix)
    return key, problem


def _explain(
    message: str, at: str, data: object, schema: Any, noun: str, prefix: str
) -> tuple[str, str]:
    steps: list[str | int] = [name if name else int(index) for name, index in _STEP.findall(at)]
    info = _at(mi.type_info(schema), steps)
    if found := _FIELD.match(message):
        name = found["name"]
        known = _field_names(info)
        if found["what"] == "missing required":
            struct = _struct(info)
            needed = ", ".join(f.name for f in struct.fields if f.required) if struct else name
            return prefix + at + f".{name}", f"missing (each entry needs {needed})"
        close = difflib.get_close_matches(name, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
        return prefix + at + f".{name}", f"unknown {noun}{hint}"
    if (post := _POST_INIT.match(message)) and post["name"] in _field_names(info):
        return prefix + at + f".{post['name']}", post["problem"]
    value = _value(data, steps)
    return prefix + at, _expected(info, value, prefix + at) or message[:1].lower() + message[1:]


def field_notes(schema: Any) -> dict[str, tuple[str, object]]:
    """Each field of a struct: ``(its description, an example for an unset value)``."""
    info = mi.type_info(schema)
    assert isinstance(info, mi.StructType)
    notes: dict[str, tuple[str, object]] = {}
    for f in info.fields:
        meta = f.type if isinstance(f.type, mi.Metadata) else None
        description = (meta.extra_json_schema or {}).get("description", "") if meta else ""
        example = (meta.extra or {}).get("example") if meta else None
        notes[f.name] = (description, example)
    return notes


def _unwrap(info: Any) -> tuple[Any, dict[str, Any]]:
    extra: dict[str, Any] = {}
    while True:
        if isinstance(info, mi.Metadata):
            extra |= info.extra or {}
            info = info.type
        elif isinstance(info, mi.UnionType):
            kept = [t for t in info.types if not isinstance(t, mi.NoneType)]
            info = kept[0] if len(kept) == 1 else info
            if len(kept) != 1:
                return info, extra
        else:
            return info, extra


def _struct(info: Any) -> mi.StructType | None:
    inner, _ = _unwrap(info)
    return inner if isinstance(inner, mi.StructType) else None


def _field_names(info: Any) -> list[str]:
    struct = _struct(info)
    return [f.encode_name for f in struct.fields] if struct else []


def _at(info: Any, steps: list[str | int]) -> Any:
    for step in steps:
        inner, _ = _unwrap(info)
        if isinstance(inner, mi.StructType) and isinstance(step, str):
            info = next((f.type for f in inner.fields if f.encode_name == step), None)
        elif isinstance(inner, mi.DictType):
            info = inner.value_type
        elif isinstance(inner, mi.ListType):
            info = inner.item_type
        else:
            return None
    return info


def _value(data: object, steps: list[str | int]) -> object:
    for step in steps:
        if isinstance(data, dict) and isinstance(step, str):
            data = data.get(step)
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return None
    return data


def _span(inner: Any) -> str:
    low, high = inner.ge, inner.le
    if high is None:
        return f"at least {low:g}"
    if low is None:
        return f"at most {high:g}"
    return f"between {low:g} and {high:g}"


def _expected(info: Any, value: object, at: str) -> str | None:
    inner, extra = _unwrap(info)
    got = show(value)
    if "expected" in extra and not isinstance(inner, mi.LiteralType):
        return f"expected {extra['expected']}, got {got}"
    if isinstance(inner, mi.BoolType):
        return f"expected true or false, got {got}"
    if isinstance(inner, mi.IntType | mi.FloatType):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"expected a number, got {got}"
        if isinstance(inner, mi.IntType) and not isinstance(value, int):
            return f"expected a whole number, got {got}"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{got} is not a number tuicoach can use: expected {_span(inner)}"
        return f"{got} is out of range: expected {_span(inner)}"
    if isinstance(inner, mi.LiteralType):
        choices = extra.get("choices", inner.values)
        return f"{got} is not one of {', '.join(map(str, choices))}"
    if isinstance(inner, mi.ListType):
        if isinstance(value, list):
            return f"expected one or more entries, got {len(value)}"
        item, _ = _unwrap(inner.item_type)
        if isinstance(item, mi.StructType):
            return f"expected one or more [[{at}]] tables, got {got}"
        return f"expected a list of strings, got {got}"
    if isinstance(inner, mi.StructType | mi.DictType):
        return f"expected a table ([{at}]), got {got}"
    if isinstance(inner, mi.StrType):
        return f"expected a string in quotes, got {got}"
    return None


def show(value: object) -> str:
    """A value as it looks in TOML, for error messages."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
