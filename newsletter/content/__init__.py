"""Load and validate the project's news items and issues."""
