"""The extraction cache: each document's table rows and cleaned text, kept in SQLite under a
key of everything that decides them, so re-running over a grown corpus processes only what
is new or changed. JSON in SQLite, never pickle: a cache file cannot run code when read.
"""
from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import sqlite3
import sys
import time
from pathlib import Path

import spacy

from pipeline.resources import MODELS

PACKAGE = Path(__file__).resolve().parent
SQLITE_FILES = ("", "-journal", "-wal", "-shm")  # a database and the files beside it


@functools.cache
def pipeline_version(model: str, claims: str = "textcat") -> str:
    """A digest of our code, our models/ files, spaCy's version, the English model's and
    the claims classifier chosen: a change to any of them makes every cached document
    stale, and rows from one claims classifier are never reused for the other."""
    digest = hashlib.sha256(f"spacy {spacy.__version__} claims {claims}".encode())
    for name in (model, model.replace("_", "-")):
        try:
            digest.update(f"{name} {importlib.metadata.version(name)}".encode())
            break
        except importlib.metadata.PackageNotFoundError:
            continue
    files = [*PACKAGE.glob("*.py"), *(p for p in MODELS.rglob("*") if p.suffix != ".pyc")]
    for path in sorted(files):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def document_key(version: str, *parts: object) -> str:
    """The cache key of one document: the pipeline version and what the document's rows
    depend on (its id, path, content digest, options, the furniture lines it holds)."""
    return hashlib.sha256(json.dumps([version, *parts], default=sorted).encode()).hexdigest()


class Cache:
    """Rows and text by document key; written in one transaction per batch, so an
    interrupted run leaves every finished batch usable by the next."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = _opened(path)
        except sqlite3.DatabaseError as error:  # damaged, not SQLite, a folder, unreadable
            aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            for suffix in SQLITE_FILES:  # a stale journal would be replayed into the new one
                if (part := path.with_name(path.name + suffix)).exists():
                    os.replace(part, aside.with_name(aside.name + suffix))
            print(f"warning: the cache {path} cannot be used ({error}): set aside as "
                  f"{aside.name}; the documents are processed again", file=sys.stderr)
            self.connection = _opened(path)

    def get(self, key: str) -> tuple[dict, str] | None:
        found = self.connection.execute(
            "SELECT rows, text FROM documents WHERE key = ?", (key,)).fetchone()
        return (json.loads(found[0]), found[1]) if found else None

    def put(self, key: str, rows: dict, text: str) -> None:
        self.connection.execute("INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
                                (key, json.dumps(rows), text))

    def last_run(self, out: Path, key: str) -> dict | None:
        """The summary of the last run into `out`, if it had these inputs (`key`) and its
        files are still there unchanged: then there is nothing to redo."""
        found = self.connection.execute(
            "SELECT key, files, summary FROM runs WHERE out = ?", (str(out.resolve()),)
        ).fetchone()
        self.close()
        if found is None or found[0] != key or found[1] != files_digest(out):
            return None
        return json.loads(found[2])

    def record_run(self, out: Path, key: str, summary: dict) -> None:
        self.connection.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?)",
                                (str(out.resolve()), key, files_digest(out), json.dumps(summary)))
        self.close()

    def commit(self) -> None:
        self.connection.commit()

    def close(self) -> None:
        self.connection.commit()
        self.connection.close()


def _opened(path: Path) -> sqlite3.Connection:
    """A connection to a checked cache (a quick integrity check: a cache file is small)."""
    connection = sqlite3.connect(path)
    try:
        if connection.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
            raise sqlite3.DatabaseError("damaged database")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS documents (key TEXT PRIMARY KEY, rows TEXT, text TEXT)")
        connection.execute(  # the last run into each output folder
            "CREATE TABLE IF NOT EXISTS runs (out TEXT PRIMARY KEY, key TEXT, files TEXT, "
            "summary TEXT)")
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def files_digest(out: Path) -> str:
    """A digest of the tables and texts in an output folder (not the cache itself): the
    cache and the report compare it to know whether the folder has changed since."""
    digest = hashlib.sha256()
    for path in sorted([*out.glob("*.csv"), *out.glob("*.json"), *out.glob("text/*.txt")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
