"""Bring news items in from other publishing systems."""
