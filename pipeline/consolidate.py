"""One name, one label across a corpus: the statistical model calls a city a PERSON in one
article and a GPE in the next, so counts per `entity_id` (label/name-slug) split. Once
every document is done, each name takes the label most documents gave it (each document
votes once, so one long article's habit does not outvote many short ones; mentions break
a tie), and its rows in every table take the id that goes with it. The well-known names
of the entity lexicon keep the label it gives them.

Only the full name is voted on, so two people who share a surname ("Boric" alone in one
article, "Gabriel Boric" in another) are never merged; and a document that itself tells
two entities of one name apart (Paris the person and Paris the city) keeps both.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from pipeline.entities import LEXICON, slug
from pipeline.schema import Rows

FIXED = frozenset(slug(name) for name, _ in LEXICON.short_form.values())

# The columns holding an entity_id, by table.
ID_COLUMNS = {"entities": ("entity_id",), "mentions": ("entity_id",),
              "events": ("actor_id", "target_id", "location_id"), "citations": ("source_id",)}


def _split(entity_id: str) -> tuple[str, str]:
    label, _, name = entity_id.partition("/")
    return label, name


class CorpusLabels:
    """The corpus vote, fed document by document (`add`), then read by `relabel`."""

    def __init__(self) -> None:
        self.votes: dict[str, Counter] = defaultdict(Counter)  # name slug -> documents by label
        self.mentions: dict[str, Counter] = defaultdict(Counter)  # ... -> mentions by label
        self.ids: dict[str, set[str]] = {}  # doc_id -> its entity ids
        self._winners: dict[str, str] | None = None

    def add(self, entities: Iterable[dict]) -> None:
        """One document's `entities` rows: the document votes each entity's label once (a
        long article's habit does not outvote many short ones); mentions break a tie."""
        for row in entities:
            label, name = _split(row["entity_id"])
            if name not in FIXED:
                self.votes[name][label] += 1
                self.mentions[name][label] += row["n_mentions"]
            self.ids.setdefault(row["doc_id"], set()).add(row["entity_id"])
        self._winners = None

    def winners(self) -> dict[str, str]:
        """Name slug -> the label of most documents (then of most mentions, then the first
        in alphabetical order, so the result does not depend on the order of the
        documents), for the names seen with more than one label."""
        if self._winners is None:
            self._winners = {
                name: min(counts, key=lambda label: (-counts[label],
                                                     -self.mentions[name][label], label))
                for name, counts in self.votes.items() if len(counts) > 1}
        return self._winners

    def new_id(self, doc_id: str, entity_id: str) -> str:
        """The id this document's entity takes; its own when the document already has an
        entity of the winning id (it tells the two apart)."""
        label, name = _split(entity_id)
        winner = self.winners().get(name)
        if winner is None or winner == label:
            return entity_id
        new = f"{winner}/{name}"
        return entity_id if new in self.ids.get(doc_id, ()) else new

    def changed_documents(self) -> set[str]:
        """The documents with an entity whose id the vote changes."""
        return {doc_id for doc_id, ids in self.ids.items()
                if any(self.new_id(doc_id, entity_id) != entity_id for entity_id in ids)}

    def relabel(self, table: str, row: dict) -> dict:
        """The row with its entity ids (and an entity's label) as the corpus vote has them."""
        changed = {}
        for column in ID_COLUMNS.get(table, ()):
            old = row.get(column)
            if old and (new := self.new_id(row["doc_id"], old)) != old:
                changed[column] = new
        if table == "entities" and "entity_id" in changed:
            changed["label"] = _split(changed["entity_id"])[0].upper()
        return row | changed if changed else row

    def relabel_rows(self, rows: Rows) -> None:
        """Every table of `rows`, in place."""
        if not self.winners():
            return
        for table in ID_COLUMNS:
            rows[table] = [self.relabel(table, row) for row in rows.get(table, [])]
