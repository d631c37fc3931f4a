"""Raw news articles in, tidy linked tables out.

    import pipeline
    result = pipeline.extract("corpus/")            # a folder, a file, or a list of paths
    result.entities                                 # pandas DataFrames, one per table
    result = pipeline.extract_text(text, published="2016-04-19")
    result.to_csv("outputs/")
    cleaned = pipeline.clean(raw)                   # one stage alone
    nlp = pipeline.load(); doc = nlp(text); doc._.events
"""
from pipeline.clean import clean
from pipeline.nlp import load
from pipeline.runner import Options, extract, extract_text
from pipeline.tables import Result

__all__ = ["Options", "Result", "clean", "extract", "extract_text", "load"]
