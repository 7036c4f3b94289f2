"""Social media posts: measure text as each platform counts it, split threads, shorten summaries."""
