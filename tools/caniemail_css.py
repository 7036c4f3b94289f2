"""Write newsletter/checks/email_css_support.json from a checkout of caniemail (MIT licence).

    git clone https://github.com/hteumeuleu/caniemail && python tools/caniemail_css.py caniemail

For each CSS property caniemail tests on its own (`_features/css-<property>.md`), whether the
latest tested version of Outlook for Windows, Outlook.com and Gmail (webmail) supports it:
"y" yes, "a" partly, "n" no. `check` warns about a property a project's own email template adds
that one of them drops.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import yaml

CLIENTS = {"Outlook for Windows": ("outlook", "windows"), "Outlook.com": ("outlook", "outlook-com"),
           "Gmail": ("gmail", "desktop-webmail")}
OUT = Path(__file__).resolve().parents[1] / "newsletter" / "checks" / "email_css_support.json"


def latest(stats: dict[str, object]) -> str | None:
    """The support flag ("y", "a", "n") of the newest version caniemail tested."""
    if not stats:
        return None
    version = max(stats, key=lambda name: [int(part) if part.isdigit() else 0 for part in re.split(r"[.-]", str(name))])
    return str(stats[version]).split()[0][:1]


def main(checkout: str) -> None:
    support: dict[str, dict[str, str]] = {}
    for feature in sorted((Path(checkout) / "_features").glob("css-*.md")):
        front = feature.read_text(encoding="utf-8").split("---")[1].replace("\t", "    ")
        try:
            data = yaml.safe_load(front)
        except yaml.YAMLError:
            continue  # two gradient pages quote oddly; gradients are values, not properties
        title = str(data.get("title", ""))
        prop = feature.stem.removeprefix("css-")
        if title != prop and title.strip("`") != prop:
            continue  # a selector, unit, value or at-rule page, not a property of its own
        flags = {}
        for client, (family, platform) in CLIENTS.items():
            flag = latest((data.get("stats") or {}).get(family, {}).get(platform, {}))
            if flag:
                flags[client] = flag
        support[prop] = flags
    OUT.write_text(json.dumps(support, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(support)} properties written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
