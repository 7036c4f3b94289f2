"""The build cache: every file it keeps lives in the project's CACHE_DIR."""

CACHE_DIR = ".newsletter-cache"
