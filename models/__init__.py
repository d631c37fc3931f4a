"""The pipeline's data: lexicons, patterns and trained components, kept as files so that
users can read and extend them. A package only so that it ships inside the wheel, as
`pipeline.models` (see pyproject.toml and pipeline/resources.py)."""
