"""How texts and names enter the archive: manifests, the importer, suggested mentions and
Wikidata's names."""
