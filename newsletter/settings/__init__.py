"""newsletter.toml -> frozen, typed settings: one module per table, read with the helpers of reader.py.

A new table is a module here (its frozen dataclass, its `DOC = TableDoc(...)` for the settings file
`newsletter init` writes, and a `TABLE = SettingsTable(..., doc=DOC)`) plus one line in load.py's
TABLES and one field of Settings.
"""

SETTINGS_FILE = "newsletter.toml"  # the project's settings; finding a project needs no more of the package
