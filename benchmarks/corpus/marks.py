"""How generated rows are marked, twice, so they are never mixed up with curated data.

Every slug (sources, stories, articles, entities) starts with :data:`SLUG_PREFIX`, *and*
a second field carries a marker no curated row has: the :data:`URL_HOST` of sources and
articles, the :data:`GENERATED_NOTE` description of stories and entities. ``--clear``
removes rows with both marks, so an imported article whose slug happens to start with
``gen-`` (``Gen. Haftar says…``) survives.
"""

SLUG_PREFIX = "gen-"
URL_HOST = "generated.invalid"  # RFC 2606: never a real host
GENERATED_NOTE = "Synthetic (generate_corpus)"
