"""Public pages and feeds: thin views over archive.reads, written out by archive.formats."""
