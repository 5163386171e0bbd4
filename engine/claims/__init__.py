"""What the measurements say about the document's claims.

The comparison of a training and an inference run row by row (:mod:`engine.claims.compare`),
the verdict on each claim (:mod:`engine.claims.verdicts`), the guided experiments and their
verdicts, and the exports of their tables. Values are typed (quantities with units, ratios,
statuses, message ids with parameters); words are made at the edge.
"""
