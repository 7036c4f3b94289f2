"""`newsletter preview`: a review workspace served on 127.0.0.1 that rebuilds and reloads on every change."""
