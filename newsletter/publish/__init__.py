"""`newsletter publish`: upload output/ to where site_url is served, only what changed."""
