"""What old migrations ran, frozen: copies of code and SQL as they were when each migration
was made, so that later edits of the live modules do not change an old migration. The
migration loader reads only the modules directly in archive/migrations/, not this package."""
