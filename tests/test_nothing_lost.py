"""Nothing lost on a corpus as people collect it: copies of one wire story under the frames
of many real sites (taken from the dev pages), updated versions of a story, and short
briefs all keep their whole body, and the copies are linked as near-duplicates."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from evaluation.tasks import DATA
from pipeline.clean import clean, furniture_key
from pipeline.ingest import find_files
from pipeline.runner import corpus_jobs, extract_to

DEV_PAGES = DATA / "boilerplate_dev.jsonl"

HEADLINE = "Peru Declares Emergency After Floods Kill 12"
STORY = [
    "LIMA, Peru (AP) — Peru's government declared a state of emergency in three northern "
    "regions on Tuesday after floods and mudslides killed at least 12 people and left "
    "thousands homeless.",
    "President Dina Boluarte said the army would send helicopters with food and water to "
    "towns cut off by the swollen rivers in Piura, Tumbes and Lambayeque.",
    "The national weather service warned that heavy rain would continue through the weekend, "
    "and officials urged families living near riverbanks to move to shelters.",
    "Farmers said the water had destroyed rice and lemon crops across thousands of hectares, "
    "a blow to an economy that depends heavily on agricultural exports.",
    "Critics in Congress accused the government of failing to clean drainage channels before "
    "the rainy season, as it had promised after similar floods in 2017.",
    "A spokesman for the armed forces declined to comment.",
]
UPDATES = [
    "The death toll rose to 15 on Wednesday, the civil defence institute said.",
    "Rescue teams reached the town of Sullana by boat late on Wednesday.",
]


def site_frames(n: int) -> list[tuple[str, str]]:
    """The header and footer of n real pages of different sites (told apart by their first
    line, the site's name or menu): the dump before the first annotated body line and after
    the last one."""
    if not DEV_PAGES.is_file():
        pytest.skip(f"the development data is not at {DEV_PAGES}")
    frames, sites = [], set()
    for line in DEV_PAGES.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        raw = page["raw_text"]
        site = next((line.strip() for line in raw.splitlines() if line.strip()), "")
        found = sorted(raw.find(snippet) for snippet in page["with"])
        if site in sites or len(found) < 2 or found[0] < 0:
            continue
        last = raw.find("\n\n", found[-1])
        frames.append((raw[:raw.rfind("\n\n", 0, found[0]) + 1], raw[last:] if last > 0 else ""))
        sites.add(site)
        if len(frames) == n:
            return frames
    raise AssertionError(f"only {len(frames)} site frames in the dev pages")


def framed(frame: tuple[str, str], *paragraphs: str) -> str:
    return frame[0] + "\n\n".join(paragraphs) + frame[1]


def write(folder: Path, pages: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def cleaned_texts(folder: Path) -> dict[str, str]:
    """What `make extract` would keep of each page, without the cost of spaCy."""
    return {job.doc_id: clean(Path(job.path).read_text(encoding="utf-8"),
                              furniture=job.furniture).text
            for job in corpus_jobs(find_files(folder))}


@pytest.mark.parametrize("copies", [2, 3, 10, 50])
def test_copies_of_a_wire_story_under_other_sites_frames_keep_their_whole_body(
        tmp_path, copies):
    frames = site_frames(copies)
    folder = write(tmp_path, {f"copy-{i:02}": framed(frame, HEADLINE, *STORY)
                              for i, frame in enumerate(frames)})
    jobs = {job.doc_id: job for job in corpus_jobs(find_files(folder))}
    for doc_id, text in cleaned_texts(folder).items():
        missing = [p for p in STORY if p not in text]
        assert not missing, (doc_id, missing)
    linked = [job for job in jobs.values() if job.near_duplicate_of]
    assert {job.near_duplicate_of for job in linked} == {"copy-00"}
    assert all(0 < job.shared_body <= 1 for job in linked)
    # a copy on a sister site of one already holding the story (abc7 beside abc13: one
    # template) must share most of the longer page to be linked, and is not when its sidebars
    # are long; its body is kept all the same
    assert len(linked) >= 0.95 * (copies - 1)


def test_the_frame_a_site_repeats_still_goes_when_its_pages_tell_other_stories(tmp_path):
    """The counter-case: one site's frame around five different stories is furniture."""
    frame = site_frames(1)[0]
    stories = [[f"{place} council voted on {day} to spend {n} million soles on new schools, "
                f"the mayor of {place} told reporters after the session.",
                f"Teachers in {place} said the money would pay for {n * 3} classrooms and "
                "that the work should begin before the rainy season starts."]
               for place, day, n in (("Cusco", "Monday", 4), ("Arequipa", "Tuesday", 7),
                                     ("Trujillo", "Friday", 2), ("Piura", "Sunday", 9),
                                     ("Tacna", "Thursday", 5))]
    folder = write(tmp_path, {f"story-{i}": framed(frame, f"Schools Story {i}", *story)
                              for i, story in enumerate(stories)})
    jobs = {job.doc_id: job for job in corpus_jobs(find_files(folder))}
    assert all(len(job.furniture) >= 10 for job in jobs.values())  # the frame's lines found
    assert not any(job.near_duplicate_of for job in jobs.values())
    for (doc_id, text), story in zip(sorted(cleaned_texts(folder).items()), stories):
        assert all(paragraph in text for paragraph in story), doc_id
        body = {furniture_key(paragraph) for paragraph in text.split("\n\n")[1:]}  # no title
        assert not body & jobs[doc_id].furniture, doc_id


def test_updated_versions_of_a_story_keep_their_whole_body(tmp_path):
    frame = site_frames(1)[0]
    versions = {"v1": [HEADLINE, *STORY],
                "v2": [HEADLINE, STORY[0], UPDATES[0], *STORY[1:]],
                "v3": ["Peru Floods Kill 15", STORY[0], UPDATES[0], UPDATES[1], *STORY[1:]]}
    folder = write(tmp_path, {name: framed(frame, *body) for name, body in versions.items()})
    texts = cleaned_texts(folder)
    for name, body in versions.items():
        assert all(p in texts[name] for p in body[1:]), name
    jobs = {job.doc_id: job for job in corpus_jobs(find_files(folder))}
    assert jobs["v2"].near_duplicate_of == jobs["v3"].near_duplicate_of == "v1"


PLACES = ["Lima", "Cusco", "Arequipa", "Piura", "Iquitos", "Tacna", "Puno", "Huancayo",
          "Chiclayo", "Trujillo"]
CLOSINGS = [
    "A spokesman for the armed forces declined to comment.",
    "Boluarte has said she will not resign.",
    "Analysts had expected the decision.",
    "Police are investigating.",
    "The ministry did not give a reason for the delay.",
]


def briefs() -> dict[str, list[str]]:
    """Three-paragraph briefs, each closing with the kind of line a brief ends on."""
    out = {}
    for i, place in enumerate(PLACES):
        day, next_day = (("Monday", "Tuesday"), ("Friday", "Saturday"))[i % 2]
        out[f"brief-{i}"] = [
            f"Protest Blocks Roads Near {place}",
            f"Hundreds of farmers blocked the main roads into {place} on {day} to demand "
            f"lower fertiliser prices, and {20 + i} trucks were stranded overnight.",
            f"The regional governor of {place} said talks with the protest leaders would resume "
            f"on {next_day} at the offices of the ombudsman.",
            CLOSINGS[i % len(CLOSINGS)],
        ]
    return out


def test_short_briefs_keep_their_last_paragraph_bare_or_in_a_site_frame(tmp_path):
    frame = site_frames(1)[0]
    pages = {name: "\n\n".join(body) for name, body in briefs().items()}
    pages |= {f"framed-{name}": framed(frame, *body) for name, body in briefs().items()}
    texts = cleaned_texts(write(tmp_path, pages))
    for name, body in briefs().items():
        for doc_id in (name, f"framed-{name}"):
            assert texts[doc_id].endswith(body[-1]), (doc_id, texts[doc_id][-120:])


def test_a_closing_line_is_told_from_a_footer_by_what_it_says():
    body = ("Prices Rise Again\n\nPeru's consumer prices rose 0.4% in March, the statistics "
            "institute said on Friday, driven by food and transport costs.\n\nThe central bank "
            "said inflation would return to its target range by the end of the year.\n\n")
    for footer in ("Follow us on Twitter for the latest news.",
                   "Jane Doe contributed to this report.",
                   "Read the full story on our website...",
                   "Please enable JavaScript to view the comments."):
        assert footer not in clean(body + footer).text, footer
    assert clean(body + "Economists had expected a rise of 0.3%.").text.endswith("0.3%.")


@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    """One real run over a corpus mixing all of the above: every file a row, every body kept."""
    folder = tmp_path_factory.mktemp("mixed")
    frames = site_frames(10)
    pages = {f"copy-{i}": framed(frame, HEADLINE, *STORY) for i, frame in enumerate(frames)}
    pages["copy-exact"] = pages["copy-3"]
    pages["update"] = framed(frames[0], HEADLINE, STORY[0], UPDATES[0], *STORY[1:])
    pages |= {name: framed(frames[1], *body) for name, body in briefs().items()}
    write(folder, pages)
    out = folder.parent / f"{folder.name}-out"
    summary = extract_to(folder, out, workers=1)
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    return pages, summary, documents.set_index("doc_id"), out


def test_every_file_of_the_mixed_corpus_is_one_ok_row_with_its_whole_body(mixed_run):
    pages, summary, documents, out = mixed_run
    assert summary.documents == len(pages) and summary.errors == 0
    assert sorted(documents.index) == sorted(pages) and set(documents.status) == {"ok"}
    bodies = {name: STORY for name in pages if name.startswith("copy")}
    bodies["update"] = [STORY[0], UPDATES[0], *STORY[1:]]
    bodies |= {name: body[1:] for name, body in briefs().items()}
    for doc_id, body in bodies.items():
        text = (out / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert all(paragraph in text for paragraph in body), doc_id
    removed = pd.read_csv(out / "removed.csv", dtype=str, keep_default_na=False)
    story_lines = set(STORY) | set(UPDATES)
    assert not story_lines & set(removed.text)


def test_copies_are_linked_so_a_story_can_be_counted_once(mixed_run):
    documents = mixed_run[2]
    copies = documents[documents.index.str.startswith("copy") | (documents.index == "update")]
    assert set(copies.near_duplicate_of) == {"", "copy-0"}
    assert (copies.near_duplicate_of == "").sum() == 1  # one story
    assert copies.loc["copy-exact", "duplicate_of"] == "copy-3"
    assert float(copies.loc["copy-exact", "shared_body"]) >= 0.5
    briefs_rows = documents[documents.index.str.startswith("brief")]
    assert (briefs_rows.near_duplicate_of == "").all()  # same frame, other stories


# --- a folder as scrapers leave it ---------------------------------------------------------

BRIEF = "\n\n".join(briefs()["brief-0"])
FOLDER: dict[str, bytes] = {
    "x.txt": BRIEF.encode(),
    "x.html": f"<html><body><article><h1>Roads</h1><p>{STORY[0]}</p><p>{STORY[1]}</p>"
              "</article></body></html>".encode(),
    "x-2.txt": "\n\n".join([HEADLINE, *STORY]).encode(),
    "utf16.txt": BRIEF.encode("utf-16-le"),
    "vtab.txt": BRIEF.replace("\n\n", "\v", 1).encode(),
    "ctrlz.txt": BRIEF.encode() + b"\x1a",
    "lynx.txt": b"\x1b[1m" + BRIEF.encode().replace(b"\n\n", b"\x1b[0m\n\n", 1),
    "nul-head.txt": b"\x00" + BRIEF.encode(),
    "nul-deep.txt": BRIEF.encode().replace(b"trucks", b"tru\x00cks"),
}


@pytest.fixture(scope="module")
def scraped(tmp_path_factory):
    """One run over a folder with name collisions, odd encodings and control characters,
    links to a device, a FIFO and a file outside, a folder that cannot be listed, and the
    output folder inside it; run twice."""
    folder = tmp_path_factory.mktemp("scraped")
    for name, data in FOLDER.items():
        (folder / name).write_bytes(data)
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.txt")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if isinstance(path, str | os.PathLike) and Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    out = folder / "out"  # inside the input folder
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "scandir", scandir)
        first = extract_to(folder, out, workers=1)
        second = extract_to(folder, out, workers=1, cache=out / ".cache.sqlite")
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    return first, second, documents.set_index("path"), out, folder


def test_every_file_found_is_one_row_and_no_output_is_read_back(scraped):
    first, second, documents, _, folder = scraped
    expected = {*FOLDER, "zero.txt", "fifo.txt", "passwd.txt", "locked"}
    assert {Path(p).relative_to(folder).as_posix() for p in documents.index} == expected
    assert first.documents == second.documents == len(expected)
    assert documents.doc_id.is_unique


@pytest.mark.parametrize(("name", "error"), [
    ("zero.txt", "symlink leads outside the input folder (to /dev/zero)"),
    ("fifo.txt", "not a regular file"),
    ("passwd.txt", "symlink leads outside the input folder"),
    ("locked", "cannot read folder: Permission denied"),
])
def test_what_is_not_to_be_read_is_an_error_row_that_says_why(scraped, name, error):
    documents, folder = scraped[2], scraped[4]
    row = documents.loc[(folder / name).as_posix()]
    assert row.status == "error" and error in row.error


def test_colliding_names_each_keep_their_own_text(scraped):
    documents, out, folder = scraped[2], scraped[3], scraped[4]
    ids = {name: documents.loc[(folder / name).as_posix(), "doc_id"]
           for name in ("x.txt", "x.html", "x-2.txt")}
    assert ids == {"x.txt": "x.txt", "x.html": "x.html", "x-2.txt": "x-2"}
    assert (out / "text" / "x-2.txt").read_text(encoding="utf-8").startswith(HEADLINE)
    assert STORY[0] in (out / "text" / "x.html.txt").read_text(encoding="utf-8")
    assert "farmers blocked" in (out / "text" / "x.txt.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["utf16.txt", "vtab.txt", "ctrlz.txt", "lynx.txt",
                                  "nul-head.txt", "nul-deep.txt"])
def test_odd_bytes_keep_the_text_and_say_what_was_repaired(scraped, name):
    documents, out, folder = scraped[2], scraped[3], scraped[4]
    row = documents.loc[(folder / name).as_posix()]
    assert row.status == "ok", row.error
    text = (out / "text" / f"{row.doc_id}.txt").read_text(encoding="utf-8")
    assert "blocked the main roads into Lima" in text and CLOSINGS[0] in text
    removed = pd.read_csv(out / "removed.csv", dtype=str, keep_default_na=False)
    repairs = removed[(removed.doc_id == row.doc_id) & (removed.reason == "control-characters")]
    assert len(repairs) == (name != "utf16.txt") and set(repairs.line) <= {"0"}


def test_no_control_character_reaches_a_table_or_a_text(scraped):
    out = scraped[3]
    for path in [*out.glob("*.csv"), *(out / "text").glob("*.txt")]:
        content = path.read_text(encoding="utf-8-sig")
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", content), path.name


@pytest.mark.parametrize("suffix", [".txt", ".html", ".md"])
def test_no_cleaner_removes_a_whole_story_as_furniture_but_each_removes_a_part(suffix):
    """What every cleaner shares (`sparing_the_story`): when the lines a site repeats are all
    of a page's story sentences they stay; a repeated line beside the story still goes."""
    page = {".txt": "\n\n".join([HEADLINE, *STORY]),
            ".md": "\n\n".join([f"# {HEADLINE}", *STORY]),
            ".html": f"<html><head><title>{HEADLINE}</title></head><body><article>"
                     f"<h1>{HEADLINE}</h1>{''.join(f'<p>{p}</p>' for p in STORY)}"
                     "</article></body></html>"}[suffix]
    long_lines = [p for p in STORY if len(p.split()) >= 8]
    whole = clean(page, furniture={furniture_key(p) for p in long_lines}, suffix=suffix)
    assert all(p in whole.text for p in long_lines)
    part = clean(page, furniture={furniture_key(STORY[2])}, suffix=suffix)
    assert STORY[2] not in part.text and STORY[1] in part.text and STORY[3] in part.text


# --- updated versions beside partial copies --------------------------------------------------

STRIKE = "Chile Copper Miners Strike Over Pay"
STRIKE_STORY = [
    "SANTIAGO, Chile (AP) — Workers at the largest copper mine in northern Chile walked off "
    "the job on Monday after talks over pay and bonuses broke down late on Sunday night.",
    "The union said about 2,400 miners had joined the strike and that the pits and the "
    "processing plant near Antofagasta would stay closed until the company made a better offer.",
    "The company said it had offered a raise of four percent and a one-off bonus, and that the "
    "union's demand for eight percent would put the future of the mine at risk.",
    "Copper prices rose by more than two percent in London after the news, as traders worried "
    "that a long strike would cut supplies already squeezed by floods in Peru.",
    "The labour ministry said it would call both sides to a meeting in Santiago on Wednesday, "
    "and urged them to keep the talks going while the mine stays shut.",
    "A strike at the same mine in 2017 lasted 44 days and cost the company close to one billion "
    "dollars in lost output, according to estimates by analysts at the time.",
]
STRIKE_UPDATES = [
    "By Tuesday evening the strike had spread to two smaller mines nearby, where contract "
    "workers stopped the trucks that carry ore to the port in solidarity with the miners.",
    "The company said late on Tuesday that it would return to the table on Thursday, a day "
    "after the ministry meeting, and that it was willing to improve its bonus offer.",
]
STRIKE_OWN = [  # what the cut copies add of their own
    "Our correspondent in Antofagasta said the picket lines outside the main gate were calm on "
    "Monday afternoon and that police kept their distance from the strikers.",
    "Shares of the company fell three percent in early trading in Toronto on Monday, while "
    "shares of rival producers in Canada and Australia rose on the news.",
]


def strike_folder(folder: Path) -> dict[str, list[str]]:
    """One site's frame around three updated versions of a story, the story's first half and
    its lede and two paragraphs under the same frame, the lede and two paragraphs with two
    sentences of their own as Markdown and as HTML, and three briefs of the site. The
    partial copies do not join the story (on its site they share too little of the longer
    page), so each counts as a story of the site and its shared paragraphs reach the
    furniture thresholds there. Returns the story files' doc ids and their bodies."""
    frame = site_frames(1)[0]
    cut = [*STRIKE_STORY[:3], *STRIKE_OWN]
    bodies = {"story-update-1": STRIKE_STORY,
              "story-update-2": [*STRIKE_STORY, STRIKE_UPDATES[0]],
              "story-update-3": [*STRIKE_STORY, *STRIKE_UPDATES],
              "wire-first-half": STRIKE_STORY[:4],
              "wire-lede": STRIKE_STORY[:3]}
    pages = {f"{name}.txt": framed(frame, STRIKE, *body) for name, body in bodies.items()}
    pages |= {f"{name}.txt": framed(frame, *body) for name, body in list(briefs().items())[:3]}
    pages["wire-syndicated.md"] = "\n\n".join([f"# {STRIKE}", *cut])
    pages["wire-portal.html"] = (
        f"<html><head><title>{STRIKE}</title></head><body><nav><ul><li><a href='/'>Home</a>"
        "</li><li><a href='/world'>World</a></li></ul></nav>"
        f"<article><h1>{STRIKE}</h1>"
        f"{''.join(f'<p>{p}</p>' for p in cut)}</article><footer><p>Contact us</p></footer>"
        "</body></html>")
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    return bodies | {"wire-syndicated": cut, "wire-portal": cut}


def test_updates_beside_partial_copies_of_their_story_keep_their_whole_body(tmp_path):
    import pipeline

    bodies = strike_folder(tmp_path)
    result = pipeline.extract(tmp_path, workers=1)
    missing = {doc_id: [body.index(p) for p in body if p not in result.texts[doc_id]]
               for doc_id, body in bodies.items()}
    assert not any(missing.values()), missing  # paragraph numbers
    removed = result.removed
    repeated = removed[removed.reason == "cross-document"]
    story_lines = {*STRIKE_STORY, *STRIKE_UPDATES, *STRIKE_OWN}
    lost = repeated[repeated.doc_id.isin(bodies) & repeated.text.isin(story_lines)]
    assert lost.empty, lost[["doc_id", "text"]].to_string()
    # the site's frame still goes, from the versions of the story as from its briefs
    frame = set(repeated[repeated.doc_id == "brief-0"].text)
    assert len(frame) >= 10
    for doc_id in ("story-update-1", "story-update-2", "story-update-3"):
        assert frame <= set(repeated[repeated.doc_id == doc_id].text), doc_id


@pytest.mark.parametrize("suffix", [".txt", ".html", ".md"])
def test_a_repeated_beginning_stays_beside_the_page_s_own_paragraphs_a_repeated_end_goes(suffix):
    """`sparing_the_story` v4, in every cleaner: repeated paragraphs that open the story (the
    part a cut copy keeps) stay beside the page's own; the same run after it goes."""
    body = [*STRIKE_STORY, *STRIKE_UPDATES]
    page = {".txt": "\n\n".join([STRIKE, *body]),
            ".md": "\n\n".join([f"# {STRIKE}", *body]),
            ".html": f"<html><head><title>{STRIKE}</title></head><body><article>"
                     f"<h1>{STRIKE}</h1>{''.join(f'<p>{p}</p>' for p in body)}"
                     "</article></body></html>"}[suffix]
    opening = clean(page, furniture={furniture_key(p) for p in body[:2]}, suffix=suffix)
    assert all(p in opening.text for p in body)
    end = clean(page, furniture={furniture_key(p) for p in body[-2:]}, suffix=suffix)
    assert not any(p in end.text for p in body[-2:]) and all(p in end.text for p in body[:-2])
