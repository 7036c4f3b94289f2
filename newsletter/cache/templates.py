"""Compiled theme templates kept between builds, so a rebuild does not compile Jinja again.

Jinja compiles each template to Python code, which takes longer than rendering most pages.
Its own bytecode cache stores that code under `.newsletter-cache/`, checked against the
template's source; the folder is named after Jinja's version and the environment's options,
so a change of either starts a new one. A cache that cannot be read or written is skipped.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file-system bytecode cache, creating its folder and never failing a build."""

    def __init__(self, folder: Path, environment: jinja2.Environment):
        options = (
            jinja2.__version__,
            sorted(environment.extensions),
            environment.block_start_string, environment.variable_start_string,
            environment.comment_start_string, environment.line_statement_prefix,
            environment.trim_blocks, environment.lstrip_blocks, environment.keep_trailing_newline,
            environment.newline_sequence, environment.optimized,
        )
        key = hashlib.sha256(repr(options).encode()).hexdigest()[:16]
        self.folder = folder / key
        for old in folder.glob("*") if folder.is_dir() else ():
            if old.name != key:  # compiled under other options: never read again
                shutil.rmtree(old, ignore_errors=True)
        super().__init__(str(self.folder), "%s.jinja")

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError, TypeError):  # unreadable or damaged: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            os.makedirs(self.folder, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # only the next build's shortcut is lost
