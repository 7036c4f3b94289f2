"""The social platforms drafts are written for: how each counts a post (counting.py) and writes it."""

# Each platform's name as people write it: all that a page or an email showing a platform needs,
# without loading how each one counts a post.
LABELS = {"x": "X", "mastodon": "Mastodon", "bluesky": "Bluesky", "linkedin": "LinkedIn", "threads": "Threads"}
