"""Static files in production: hashed, compressed, and ES module imports rewritten too.

The annotator is native ES modules (static/archive/admin/annotator/). Without the flag
below, the hashed main.js would import the plain-named modules, which are cached only
briefly: for a while after a deploy a browser could mix old and new modules.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
