"""newsletter.toml -> frozen, typed settings: one module per table, read with the helpers of reader.py.

A new table is a module here (its frozen dataclass and a `TABLE = SettingsTable(...)`) plus one
line in load.py's TABLES and one field of Settings.
"""
