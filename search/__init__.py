"""The read path: requests, query parsing, filters, facets, teasers and suggestions.

Everything here returns plain result objects; only ``teasers`` produces (sanitised) HTML.
"""
