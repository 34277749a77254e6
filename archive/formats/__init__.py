"""How the archive writes things out: HTML bodies and dates, highlights, citations, CSV and
JSON exports, JSON-LD. Functions of rows already read: no queries of their own."""
