"""HTTP plumbing under every page and API answer: the page cache and the middleware."""
