"""Raw news articles in, tidy linked tables out.

    import pipeline
    result = pipeline.extract("corpus/")            # a folder, a file, or a list of paths
    result                                          # in Jupyter: documents, failures, rows
    result.entities                                 # pandas DataFrames, one per table
    result.texts["002_159aca854b71736f"]            # the cleaned text offsets point into
    result.show("002_159aca854b71736f")             # entities, dates and claims highlighted
    result = pipeline.extract_text(text, published="2016-04-19")
    result.to_csv("outputs/")                       # the files `make extract` writes
    pipeline.extract_to("corpus/", "outputs/")      # the same, streamed: for big corpora
    result = pipeline.Result.read_csv("outputs/")   # and back
    cleaned = pipeline.clean(raw)                   # one stage alone
    nlp = pipeline.load(); doc = nlp(text); doc._.events

    from pipeline import report
    report.write("outputs/")                        # outputs/report.html, to read in a browser
    report.top_entities(result.entities), report.timeline(result.events)

`extract` and `extract_text` take the `Options` as keywords (`workers=2`, `cache=...`);
notebooks/quickstart.ipynb walks through a run.
"""
from pipeline.clean import clean
from pipeline.nlp import load
from pipeline.result import Result
from pipeline.runner import Options, extract, extract_text, extract_to

__all__ = ["Options", "Result", "clean", "extract", "extract_text", "extract_to", "load"]
