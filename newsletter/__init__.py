"""Turn a folder of Markdown news items into newsletters, feeds, a web archive and social drafts."""

__version__ = "0.1.0"
