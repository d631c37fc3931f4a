"""`python -m evaluation.dump_corpus OUTDIR`: labelled w3m / lynx dumps of public test pages.

Builds training data for the dump line classifier without hand labels. Each page is a
(source HTML, expected article text) pair from an extractor's test suite; the page is rendered
with w3m and lynx exactly as boilerplate_dev.jsonl was (RENDER_* below reproduce its stored
dumps byte for byte on 111 / 109 of the 111 pages), and every dump line is labelled body (1)
or boilerplate (0) by aligning the dump's word sequence to the expected text's (lines with no
word are null). Pages whose expected text is poorly found in a dump are dropped and counted.

Sources are read from repository snapshots (bare git dirs, `--mirrors`, default /work/.mirror):
Mozilla Readability's test pages and its ports' (fivefilters/readability.php,
go-shiori/go-readability: deduplicated against Mozilla's), newspaper's and newspaper4k's
(html, text) fixtures. Writes OUTDIR/pages.jsonl, OUTDIR/stats.json and OUTDIR/README.md.

`python -m evaluation.dump_corpus OUTDIR --dev-check` also labels the development pages with
trafilatura's extraction of their HTML as the expected text and reports how often their
hand-made `with` snippets fall on body lines and `without` snippets on boilerplate lines.
"""
from __future__ import annotations

import argparse
import collections
import difflib
import hashlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import lxml.html

from evaluation.tasks import DATA

RENDER_W3M = ["w3m", "-dump", "-T", "text/html", "-cols", "1000", "-O", "UTF-8"]
RENDER_LYNX = ["lynx", "-dump", "-stdin", "-force_html", "-display_charset=UTF-8",
               "-width=1000", "-nolist"]
TIMEOUT = 60  # seconds per page and renderer
BODY_SHARE = 0.7  # a line is body when this share of its words align to the expected text
MIN_BLOCK = 3  # aligned runs shorter than this many words are chance matches
MIN_COVERAGE = 0.6  # expected words found in a dump, under which the page is dropped
NEAR_DUP = 0.8  # Jaccard of expected-text 8-word shingles above which two pages are one
DEV = DATA / "boilerplate_dev.jsonl"
MIRRORS = Path("/work/.mirror")

SOURCES = {
    # name: (repository, kind, paths, licence note)
    "mozilla-readability": ("mozilla/readability", "readability", "test/test-pages",
                            "Apache-2.0 (repository); pages belong to their sites"),
    "readability-php": ("fivefilters/readability.php", "readability", "test/test-pages",
                        "Apache-2.0 (repository); port of Readability.js, reuses and adds "
                        "test pages; pages belong to their sites"),
    "go-readability": ("go-shiori/go-readability", "readability", "test-pages",
                       "MIT (repository); port of Readability.js, reuses its test pages; "
                       "pages belong to their sites"),
    "newspaper": ("codelucas/newspaper", "newspaper", ("tests/data/html", "tests/data/text",
                                                       ".txt"),
                  "MIT (repository); expected text is newspaper's own accepted output; "
                  "pages belong to their sites"),
    "newspaper4k": ("AndyTheFactory/newspaper4k", "newspaper",
                    ("tests/data/html", "tests/data/txt", ".txt"),
                    "MIT (repository); expected text is newspaper4k's accepted output; "
                    "pages belong to their sites"),
}

BLOCK_TAGS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
              "h6", "pre", "blockquote", "table", "tr", "td", "th", "thead", "tbody",
              "figure", "figcaption", "section", "article", "header", "footer", "aside",
              "main", "nav", "form", "hr", "br", "address", "details", "summary", "caption"}
SKIP_TAGS = {"script", "style", "noscript", "template"}


# --- reading the snapshots ---------------------------------------------------------------

def git_dir(repo: str, mirrors: Path) -> Path:
    return mirrors / repo.replace("/", "+") / "repo"


def git_ls(gd: Path, under: str) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(gd), "ls-tree", "-r", "--name-only", "HEAD",
                          under], capture_output=True, check=True, text=True).stdout
    return out.splitlines()


def git_show(gd: Path, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(gd), "show", f"HEAD:{path}"],
                          capture_output=True, check=True).stdout


def git_head(gd: Path) -> str:
    return subprocess.run(["git", "--git-dir", str(gd), "rev-parse", "HEAD"],
                          capture_output=True, check=True, text=True).stdout.strip()


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def decode_html(data: bytes) -> str:
    """The page's text: BOM, then the declared charset, then UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace")
    m = META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for enc in (declared, "cp1252"):
        try:
            return data.decode(enc) if enc else data.decode("cp1252")
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


def text_of_html(html: str) -> str:
    """Block-separated text of an HTML fragment (Readability's expected.html)."""
    root = lxml.html.fromstring(html or "<div></div>")
    parts: list[str] = []

    def walk(el):
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text and isinstance(el.tag, str):
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    blocks = [re.sub(r"[ \t\r\f\v\n]+", " ", b).strip() for b in re.split(r"\n\s*\n", text)]
    return "\n\n".join(b for b in blocks if b)


def page_url(doc) -> str | None:
    for xp in ('//link[@rel="canonical"]/@href', '//meta[@property="og:url"]/@content',
               '//meta[@name="twitter:url"]/@content', '//meta[@name="og:url"]/@content'):
        for v in doc.xpath(xp):
            v = v.strip()
            if v.startswith("http"):
                return v
    return None


def registrable(url: str | None) -> str | None:
    if not url:
        return None
    try:
        import tld
        return tld.get_fld(url, fail_silently=True)
    except Exception:  # noqa: BLE001 - any odd URL: no site from it
        return None


def link_site(doc) -> str | None:
    """The registrable domain most of the page's absolute links point to (3 or more)."""
    counts = collections.Counter(registrable(h) for h in doc.xpath("//a/@href")
                                 if h.startswith("http"))
    counts.pop(None, None)
    for site, n in counts.most_common(1):
        if n >= 3 and site_group(site) not in {"twitter", "facebook", "google", "youtube"}:
            return site
    return None


def site_group(site: str) -> str:
    """The site's name without its public suffix (bbc.co.uk, bbc.com -> bbc): group on it."""
    return re.split(r"[.-]", site)[0].lower()


def pages_from(name: str, mirrors: Path):
    repo, kind, spec, licence = SOURCES[name]
    gd = git_dir(repo, mirrors)
    if not gd.exists():
        print(f"{name}: no snapshot at {gd}, skipped", file=sys.stderr)
        return
    commit = git_head(gd)
    if kind == "readability":
        files = git_ls(gd, spec)
        folders = sorted({f.split("/")[-2] for f in files if f.endswith("/source.html")})
        have = set(files)
        for folder in folders:
            base = f"{spec}/{folder}"
            if f"{base}/expected.html" not in have:
                continue
            meta = {}
            if f"{base}/expected-metadata.json" in have:
                try:
                    meta = json.loads(git_show(gd, f"{base}/expected-metadata.json"))
                except ValueError:
                    meta = {}
            yield {"source_set": name, "key": folder, "path": f"{repo}@{commit}:{base}",
                   "html": decode_html(git_show(gd, f"{base}/source.html")),
                   "expected_text": text_of_html(
                       decode_html(git_show(gd, f"{base}/expected.html"))),
                   "fallback_site": re.sub(r"[-_]?\d+$", "", folder) or folder,
                   "lang": (meta.get("lang") or None), "title": meta.get("title"),
                   "licence": licence}
    else:
        html_dir, text_dir, ext = spec
        texts = {Path(f).stem: f for f in git_ls(gd, text_dir) if f.endswith(ext)}
        for f in git_ls(gd, html_dir):
            stem = Path(f).stem
            if not f.endswith(".html") or stem not in texts:
                continue
            yield {"source_set": name, "key": stem, "path": f"{repo}@{commit}:{f}",
                   "html": decode_html(git_show(gd, f)),
                   "expected_text": decode_html(git_show(gd, texts[stem])).strip(),
                   "fallback_site": re.sub(r"[-_]?\d+$", "", stem) or stem,
                   "lang": None, "title": None, "licence": licence}


# --- rendering ---------------------------------------------------------------------------

def for_renderer(html: str) -> bytes:
    """UTF-8 bytes of the page; a declared charset other than UTF-8 is rewritten to UTF-8,
    since lynx obeys the <meta> over -assume_charset and the text is already decoded."""
    def fix(m):
        return m.group(1) + "utf-8"
    html = re.sub(r"""(<meta[^>]+charset\s*=\s*["']?\s*)(?!utf-?8)[A-Za-z0-9_.:-]+""",
                  fix, html, flags=re.I)
    return html.encode("utf-8", "replace")


def render(html: str) -> tuple[str, str]:
    data = for_renderer(html)
    outs = []
    for cmd in (RENDER_W3M, RENDER_LYNX):
        p = subprocess.run(cmd, input=data, capture_output=True, timeout=TIMEOUT)
        if p.returncode != 0:
            raise RuntimeError(f"{cmd[0]} exit {p.returncode}: {p.stderr[:200]!r}")
        outs.append(p.stdout.decode("utf-8", "replace"))
    return outs[0], outs[1]


# --- alignment and labels ----------------------------------------------------------------

CJK = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# one token per character in scripts written without spaces (Chinese, Japanese, Thai)
WORD = re.compile(rf"[{CJK}]|(?:(?![{CJK}])\w)+")


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower()
    return WORD.findall(text)


def align(dump: str, expected: str) -> tuple[list, float]:
    """Per dump line 1 (body), 0 (boilerplate) or None (no word); share of expected words found.

    The dump's whole word sequence is aligned to the expected text's (difflib on word
    lists, so a paragraph wrapped over lines aligns as one run); runs shorter than MIN_BLOCK
    words are ignored; a line is body when BODY_SHARE of its words fall in aligned runs."""
    lines = dump.split("\n")
    dw, owner = [], []
    for i, line in enumerate(lines):
        for w in words(line):
            dw.append(w)
            owner.append(i)
    ew = words(expected)
    matched = [False] * len(dw)
    found = 0
    if dw and ew:
        sm = difflib.SequenceMatcher(None, dw, ew, autojunk=False)
        for a, _b, size in sm.get_matching_blocks():
            if size >= MIN_BLOCK:
                found += size
                for k in range(a, a + size):
                    matched[k] = True
    per_line_total = collections.Counter(owner)
    per_line_hit = collections.Counter(o for o, m in zip(owner, matched) if m)
    labels = []
    for i in range(len(lines)):
        n = per_line_total.get(i, 0)
        labels.append(None if n == 0 else int(per_line_hit.get(i, 0) / n >= BODY_SHARE))
    return labels, (found / len(ew) if ew else 0.0)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


SENT = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def with_snippets(expected: str, dumps: list[str], k: int = 5) -> list[str]:
    """Up to k sentence openings of 10-20 words from the expected text, spread over it,
    each found verbatim (after whitespace normalisation) in every dump."""
    nd = [norm(d) for d in dumps]
    cands = []
    for block in expected.split("\n\n"):
        for sent in SENT.split(block):
            toks = sent.split()
            if len(toks) < 10:
                continue
            snip = " ".join(toks[:min(len(toks), 16)])
            snip = snip.rstrip(",;:")
            if all(snip in d for d in nd):
                cands.append(snip)
    return spread(list(dict.fromkeys(cands)), k)


def without_snippets(dump: str, labels: list, expected: str, others: list[str],
                     k: int = 5) -> list[str]:
    """Up to k boilerplate lines (3-20 words, cut to 15) absent from the expected text and
    present in every other dump."""
    ne = norm(expected)
    no = [norm(o) for o in others]
    cands = []
    for line, lab in zip(dump.split("\n"), labels):
        if lab != 0:
            continue
        text = norm(line)
        text = re.sub(r"^[•□*+#o·-]+\s+", "", text)
        toks = text.split()
        if len(toks) < 3 or not re.search(r"[A-Za-z]{3}", text):
            continue
        snip = " ".join(toks[:15])
        if snip in ne or not all(snip in o for o in no):
            continue
        cands.append(snip)
    return spread(list(dict.fromkeys(cands)), k)


def spread(items: list, k: int) -> list:
    if len(items) <= k:
        return items
    step = len(items) / k
    return [items[int(i * step + step / 2)] for i in range(k)]


def shingles(text: str, n: int = 8) -> set:
    w = words(text)
    return {" ".join(w[i:i + n]) for i in range(max(1, len(w) - n + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# --- the corpus --------------------------------------------------------------------------

def dev_site(row: dict) -> str:
    """The site group of a development page: from its URL, else from its id."""
    return site_group(registrable(row.get("url")) or row["id"].split("-")[0])


def dev_sites() -> set[str]:
    if not DEV.exists():
        return set()
    return {dev_site(json.loads(line)) for line in DEV.open(encoding="utf-8")}


def build(outdir: Path, mirrors: Path, limit: int | None = None) -> dict:
    outdir.mkdir(parents=True, exist_ok=True)
    stats = collections.defaultdict(collections.Counter)
    seen_html: dict[str, str] = {}
    kept_shingles: list[tuple[str, set]] = []
    devsites = dev_sites()
    rows_out = 0
    t0 = time.time()
    with (outdir / "pages.jsonl").open("w", encoding="utf-8") as fh:
        for name in SOURCES:
            n = 0
            for page in pages_from(name, mirrors):
                n += 1
                if limit and n > limit:
                    break
                st = stats[name]
                st["read"] += 1
                digest = hashlib.sha1(norm(page["html"]).encode()).hexdigest()
                if digest in seen_html:
                    st["dup_html"] += 1
                    continue
                seen_html[digest] = page["key"]
                if (len(page["html"]) < 2500 or "lorem ipsum" in page["expected_text"].lower()):
                    st["synthetic"] += 1  # a test suite's made-up page
                    continue
                if len(words(page["expected_text"])) < 30:
                    st["short_expected"] += 1
                    continue
                sh = shingles(page["expected_text"])
                if any(jaccard(sh, other) >= NEAR_DUP for _, other in kept_shingles):
                    st["dup_expected"] += 1
                    continue
                try:
                    w3m, lynx = render(page["html"])
                except (subprocess.TimeoutExpired, RuntimeError, OSError) as err:
                    st["render_failed"] += 1
                    print(f"{name}/{page['key']}: render failed: {err}", file=sys.stderr)
                    continue
                lab_w, cov_w = align(w3m, page["expected_text"])
                lab_l, cov_l = align(lynx, page["expected_text"])
                if min(cov_w, cov_l) < MIN_COVERAGE:
                    st["poor_alignment"] += 1
                    print(f"{name}/{page['key']}: poor alignment w3m {cov_w:.2f} lynx "
                          f"{cov_l:.2f}", file=sys.stderr)
                    continue
                if 0 not in lab_w or 0 not in lab_l:
                    st["no_boilerplate"] += 1  # nothing to learn from: a synthetic test page
                    continue
                doc = lxml.html.fromstring(page["html"] or "<html></html>")
                url = page_url(doc)
                site = registrable(url)
                site_from = "url"
                if not site and re.search(r"[a-z]", page["fallback_site"].lower()):
                    site, site_from = page["fallback_site"].lower(), "name"
                if not site:
                    site, site_from = link_site(doc), "links"
                if not site:
                    site, site_from = page["fallback_site"].lower(), "name"
                lang = page["lang"] or (doc.xpath("string(/html/@lang)") or None)
                row = {
                    "id": f"{name}:{page['key']}", "site": site, "site_group": site_group(site),
                    "site_from": site_from, "site_in_dev": site_group(site) in devsites,
                    "source_set": name, "source_path": page["path"], "licence": page["licence"],
                    "url": url, "lang": lang, "html_chars": len(page["html"]),
                    "title": page["title"],
                    "html": page["html"], "raw_text": w3m, "raw_text_lynx": lynx,
                    "expected_text": page["expected_text"],
                    "line_labels_w3m": lab_w, "line_labels_lynx": lab_l,
                    "coverage_w3m": round(cov_w, 4), "coverage_lynx": round(cov_l, 4),
                    "with": with_snippets(page["expected_text"], [w3m, lynx]),
                    "without": without_snippets(w3m, lab_w, page["expected_text"], [lynx]),
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                kept_shingles.append((row["id"], sh))
                rows_out += 1
                st["kept"] += 1
                for field, labs in (("w3m", lab_w), ("lynx", lab_l)):
                    c = collections.Counter(labs)
                    st[f"{field}_body"] += c[1]
                    st[f"{field}_boilerplate"] += c[0]
                    st[f"{field}_null"] += c[None]
                st["with"] += len(row["with"])
                st["without"] += len(row["without"])
                stats["_sites"][f"{name}\t{site}"] += 1
                stats["_lang"][(lang or "unknown")[:2].lower()] += 1
    sites = collections.Counter()
    per_set_sites = collections.defaultdict(set)
    for key, cnt in stats.pop("_sites").items():
        name, site = key.split("\t")
        sites[site] += cnt
        per_set_sites[name].add(site)
    summary = {
        "pages": rows_out,
        "sites": len(sites),
        "site_groups": len({site_group(s) for s in sites}),
        "sites_in_dev": sorted(s for s in sites if site_group(s) in devsites),
        "per_source": {k: dict(v, sites=len(per_set_sites[k])) for k, v in stats.items()
                       if k != "_lang"},
        "lang": dict(stats["_lang"]),
        "seconds": round(time.time() - t0, 1),
        "settings": {"w3m": " ".join(RENDER_W3M), "lynx": " ".join(RENDER_LYNX),
                     "body_share": BODY_SHARE, "min_block": MIN_BLOCK,
                     "min_coverage": MIN_COVERAGE, "near_dup": NEAR_DUP},
    }
    totals = collections.Counter()
    for v in summary["per_source"].values():
        totals.update({x: y for x, y in v.items() if x != "sites"})
    summary["totals"] = dict(totals)
    (outdir / "stats.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    write_readme(outdir, summary)
    return summary


def write_readme(outdir: Path, summary: dict) -> None:
    lines = [
        "# Labelled w3m / lynx dumps of public extractor test pages",
        "",
        "Made by `python -m evaluation.dump_corpus` (project branch wt-corpus17). One row per",
        "page in pages.jsonl: id, site (registrable domain of the page's canonical / og:url,",
        "else from the test folder or file name: `site_from`), site_group (the site without",
        "its public suffix: split train/eval on it), source_set, source_path",
        "(repository@commit:path), licence, url, lang, html, raw_text (w3m), raw_text_lynx,",
        "expected_text, line_labels_w3m / line_labels_lynx (1 body, 0 boilerplate, null no",
        "word; one per `\\n`-separated line of the dump), coverage_* (share of expected words",
        "aligned in the dump), with / without (snippets in the style of boilerplate_dev).",
        "",
        "Rendering (reproduces boilerplate_dev.jsonl's stored dumps from its html):",
        f"`{summary['settings']['w3m']}` and `{summary['settings']['lynx']}`, the page fed",
        "as UTF-8 on stdin (a non-UTF-8 <meta> charset rewritten to utf-8).",
        "",
        "Labels are not hand-made: a line is body when >= 70% of its words fall in runs of",
        ">= 3 words aligned (difflib on the word sequences) with the expected text, which is",
        "the extractor's expected output, not a human annotation: Readability's expected.html",
        "(its reader view) or newspaper's accepted text. Pages under 60% expected-word",
        "coverage in either dump were dropped.",
        "",
        "## Sources and licences",
        "",
        "| source_set | repository | files | licence |",
        "| --- | --- | --- | --- |",
    ]
    for name, (repo, kind, spec, licence) in SOURCES.items():
        path = spec if isinstance(spec, str) else f"{spec[0]} + {spec[1]}"
        files = ("*/source.html, expected.html, expected-metadata.json" if kind == "readability"
                 else "*.html with the same-named text file")
        lines.append(f"| {name} | github.com/{repo} | {path}/{files} | {licence} |")
    lines += [
        "",
        "The repositories' licences cover their code and fixtures as distributed; the pages",
        "are copies of third-party web pages kept by those projects as test data, and their",
        "text belongs to the sites. Use for research / training of the cleaner, do not",
        "republish. Not used: scrapinghub's article-extraction-benchmark, trafilatura's tests",
        "and evaluation pages, MEANTIME, CoNLL++, CheckThat!; goose3's fixtures (their",
        "expected text is only the article's beginning); dragnet_data (its HTML archive is",
        "absent from the snapshot).",
        "",
        "## Figures",
        "",
        "```",
        json.dumps({k: v for k, v in summary.items() if k != "settings"}, indent=1),
        "```",
    ]
    (outdir / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- quality check on the development pages ---------------------------------------------

def line_spans(dump: str, snippet: str) -> list[int] | None:
    """Indices of the dump lines a snippet falls on (whitespace-normalised match)."""
    chars, owner = [], []
    prev_space = True
    for i, line in enumerate(dump.split("\n")):
        for ch in line + "\n":
            if ch.isspace():
                if not prev_space:
                    chars.append(" ")
                    owner.append(i)
                prev_space = True
            else:
                chars.append(ch)
                owner.append(i)
                prev_space = False
    text = "".join(chars)
    pos = text.find(norm(snippet))
    if pos < 0:
        return None
    return sorted(set(owner[pos:pos + len(norm(snippet))]))


def dev_check(path: Path = DEV) -> dict:
    import trafilatura
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    res = collections.defaultdict(collections.Counter)
    for row in rows:
        expected = trafilatura.extract(row["html"]) or ""
        for field in ("raw_text", "raw_text_lynx"):
            dump = row[field]
            labels, cov = align(dump, expected)
            r = res[field]
            r["pages"] += 1
            r["coverage_sum_x1000"] += int(cov * 1000)
            for kind, want in (("with", 1), ("without", 0)):
                for snip in row[kind]:
                    spans = line_spans(dump, snip)
                    if spans is None:
                        r[f"{kind}_not_in_dump"] += 1
                        continue
                    labs = [labels[i] for i in spans if labels[i] is not None]
                    if not labs:
                        r[f"{kind}_no_word_lines"] += 1
                        continue
                    r[f"{kind}_in_dump"] += 1
                    # the snippet's label: the label of the lines it mostly lies on
                    share = sum(labs) / len(labs)
                    got = 1 if share >= 0.5 else 0
                    r[f"{kind}_agree"] += int(got == want)
                    # a miss the teacher explains (a with snippet trafilatura left out, a
                    # without snippet it kept) against one of the alignment's own making
                    in_teacher = norm(snip) in norm(expected)
                    if got != want:
                        r[f"{kind}_miss_teacher" if in_teacher != bool(want)
                          else f"{kind}_miss_alignment"] += 1
    out = {}
    for field, r in res.items():
        d = dict(r)
        d["mean_coverage"] = round(r["coverage_sum_x1000"] / 1000 / max(1, r["pages"]), 3)
        del d["coverage_sum_x1000"]
        for kind in ("with", "without"):
            n = r[f"{kind}_in_dump"]
            d[f"{kind}_agreement"] = round(r[f"{kind}_agree"] / n, 4) if n else None
        n = r["with_in_dump"] + r["without_in_dump"]
        d["agreement"] = round((r["with_agree"] + r["without_agree"]) / n, 4) if n else None
        out[field] = d
    return out


def render_check(path: Path = DEV, n: int | None = None) -> dict:
    """How many development pages RENDER_* reproduce exactly, and mean line similarity."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")][:n]
    res = {}
    for field, cmd in (("raw_text", RENDER_W3M), ("raw_text_lynx", RENDER_LYNX)):
        exact = 0
        sims = []
        for row in rows:
            out = subprocess.run(cmd, input=for_renderer(row["html"]), capture_output=True,
                                 timeout=TIMEOUT).stdout.decode("utf-8", "replace")
            exact += out.rstrip("\n") == row[field].rstrip("\n")
            a, b = out.splitlines(), row[field].splitlines()
            sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
            same = sum(x.size for x in sm.get_matching_blocks())
            sims.append(2 * same / max(1, len(a) + len(b)))
        res[field] = {"pages": len(rows), "exact": exact,
                      "mean_line_similarity": round(sum(sims) / len(sims), 4),
                      "min_line_similarity": round(min(sims), 4)}
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evaluation.dump_corpus", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--mirrors", type=Path, default=MIRRORS,
                    help="folder of repository snapshots (owner+name/repo bare git dirs)")
    ap.add_argument("--limit", type=int, help="at most this many pages per source (a trial)")
    ap.add_argument("--dev-check", action="store_true",
                    help="also check rendering and labelling on boilerplate_dev.jsonl")
    args = ap.parse_args(argv)
    summary = build(args.outdir, args.mirrors, args.limit)
    print(json.dumps({k: v for k, v in summary.items() if k != "settings"}, indent=1))
    if args.dev_check and DEV.exists():
        check = {"render": render_check(), "labels": dev_check()}
        print(json.dumps(check, indent=1))
        (args.outdir / "dev_check.json").write_text(json.dumps(check, indent=1) + "\n",
                                                     encoding="utf-8")
        with (args.outdir / "README.md").open("a", encoding="utf-8") as fh:
            fh.write("\n## Check on boilerplate_dev.jsonl (dev_check.json)\n\n"
                     "render: the commands above against the stored dumps; labels: the same "
                     "labelling with trafilatura's extraction of each dev page as the expected "
                     "text, scored by whether the hand-made `with` snippets fall on body lines "
                     "and `without` snippets on boilerplate lines (`*_miss_teacher`: trafilatura "
                     "itself left out / kept the snippet).\n\n```\n"
                     + json.dumps(check, indent=1) + "\n```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
