"""The build server: after the first rebuild, `newsletter build` answers without starting over.

A build in a fresh process spends most of a small project's time importing the libraries (Markdown,
Jinja, the email package) and reading its caches back from disk. So a rebuild in the terminal, once it
is done, forks: the command ends as always, and its copy stays on in the background as the project's
build server, holding what it loaded and the caches in memory (cache/warm.py, as the preview keeps
them). The next `newsletter build` in the project hands its arguments, folder and environment over a
Unix socket to that server, and prints what it answers: the same output, the same bytes in output/,
the same exit status, as if it had built itself.

A server serves one project, for the user who started it (its socket is in a folder only they can
open), one build at a time, in the command's folder, environment and umask; Ctrl-C in the command stops
the build it runs there. It stops after NEWSLETTER_SERVER_IDLE seconds without a build (600), when the
program is upgraded or the command's Python runs otherwise (it declines, and the command builds itself),
when its socket or the project's settings file goes, after a build stopped halfway or a bug, and on
`newsletter build --no-server`. Only a command run from a terminal starts one (not a script, a scheduled
job); NEWSLETTER_SERVER=off turns it off, and so does CI (a machine that builds once); where a process
cannot fork (Windows), every build runs in its own process, as with it off. Any doubt on the way (no
server, one that declines or stops) means the command builds itself.
"""

