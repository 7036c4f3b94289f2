"""What `newsletter` alone prints: the README's five-minute tour, from nothing to a first issue online."""

from __future__ import annotations

TOUR = """\
A five-minute tour, from nothing to a first issue reviewed and online:

  1. newsletter init my-project
     Start a project (it asks for its name, address and grant), then: cd my-project
  2. newsletter new "Kick-off meeting in Luxembourg" --type event
     Write a news item: open the new file in content/news/ and write below the second ---.
  3. newsletter build
     Build the web archive, the emails, the feeds and the social drafts into output/.
  4. newsletter check
     List every problem to fix before sending, each with its file and line.
  5. newsletter preview
     Review each issue in your browser: email, plain text, social posts and checks.
  6. newsletter publish
     Put output/ online where [publish] to says, then import the issue's email.zip in your email service.

Every command: newsletter --help. One command: newsletter build --help."""
