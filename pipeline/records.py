"""What our components keep on a Doc: its text, read once (`doc_text`), and their records.

The records they set on a Doc (`doc._.entities`, `._.dates`, `._.events`, `._.quotes`,
`._.claims`) are frozen dataclasses; this teaches srsly's msgpack to carry them, so that
`Doc.to_bytes`, `DocBin(store_user_data=True)` and `nlp.pipe(n_process=2)` keep them as
spaCy keeps its own annotations.

A record is packed as {"__news_record__": "pipeline.events.Event", "fields": [...]} and
unpacked only into a class of this package marked with `@record`: reading a DocBin never
imports or builds anything else. The codec is registered with srsly when our components are
imported (by `pipeline.load()`, or by `spacy.load()` of a saved pipeline through our
`spacy_factories` entry points); read a DocBin after one of those.
"""
from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING, Any, TypeVar

from srsly.msgpack import msgpack_decoders, msgpack_encoders

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

TAG = "__news_record__"
PACKAGE = "pipeline."
T = TypeVar("T")


def record(cls: type[T]) -> type[T]:
    """Class decorator: instances of the dataclass `cls` survive msgpack (see the module)."""
    cls.__news_record__ = True  # type: ignore[attr-defined]
    return cls


def encode(obj: Any, chain: Any = None) -> Any:
    if getattr(type(obj), "__news_record__", False) and dataclasses.is_dataclass(obj):
        cls = type(obj)
        return {TAG: f"{cls.__module__}.{cls.__qualname__}",
                "fields": [getattr(obj, f.name) for f in dataclasses.fields(obj)]}
    return obj if chain is None else chain(obj)


def decode(obj: Any, chain: Any = None) -> Any:
    if isinstance(obj, dict) and TAG in obj:
        module, _, name = obj[TAG].rpartition(".")
        cls = getattr(importlib.import_module(module), name, None) \
            if module.startswith(PACKAGE) else None
        if not getattr(cls, "__news_record__", False):
            raise ValueError(f"not a record of this pipeline: {obj[TAG]!r}")
        return cls(*map(_as_declared, dataclasses.fields(cls), obj["fields"]))
    return obj if chain is None else chain(obj)


def _as_declared(field: dataclasses.Field, value: Any) -> Any:
    """msgpack reads arrays back as lists or tuples, as the reader chose (DocBin: tuples);
    a field gets the sequence type it declares."""
    if isinstance(value, list | tuple):
        if isinstance(field.default, tuple):
            return tuple(value)
        if field.default_factory is list:
            return list(value)
    return value


msgpack_encoders.register("news_records", func=encode)
msgpack_decoders.register("news_records", func=decode)


TEXT_KEY = ("news", "text")  # where doc_text keeps it in doc.user_data


def doc_text(doc: Doc) -> str:
    """`doc.text`, read once per Doc: `Doc.text` joins every token anew at each call, and
    each of our stages reads it. A Doc's text never changes, so it is kept in `user_data`
    (and travels with `Doc.to_bytes`)."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def span_text(span: Span) -> str:
    """`span.text`, read off the Doc's text: `Span.text` makes every token's Token anew."""
    return doc_text(span.doc)[span.start_char:span.end_char]

