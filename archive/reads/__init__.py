"""Reads: selectors, search, names and filters, each in a fixed number of queries.

Visibility comes from the QuerySet methods of archive.models; nothing here writes.
"""
