"""How texts enter the archive: manifests (read and checked, no writes) and the importer
(one locked transaction, through archive.services); Wikidata's entity JSON read."""
