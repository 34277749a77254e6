"""Plain-Python text utilities (normalisation, entity matching, paragraph alignment)."""
