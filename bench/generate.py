"""Generate one seeded newsletter archive as a newsletter, a Hugo and a Pelican project.

Usage: python bench/generate.py DEST [--items N] [--seed S]

DEST/newsletter/ is a newsletter project (newsletter.toml, content/news, content/issues),
DEST/hugo/ and DEST/pelican/ hold the same items and issues for those generators.
The same seed and N always give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path


import mirrors
from corpus_words import (
    AUTHORS,
    EMOJI,
    LINK_TARGETS,
    NOUNS,
    OBJECTS,
    PARTNERS,
    PLACES,
    QUOTES,
    SUBJECTS,
    TAGS,
    TITLE_PATTERNS,
    VENUES,
    VERBS,
)

PROJECT_NAME = "HELIOSTOR"
SITE_URL = "https://heliostor.example.eu/newsletter/"
TIMEZONE = "Europe/Brussels"
# Items run backwards from this day so every one is published at any later reference date.
LAST_DAY = dt.date(2025, 12, 15)
ITEMS_PER_ISSUE = 10


@dataclass(frozen=True, slots=True)
class Item:
    """One generated news item, independent of the generator that will build it."""

    slug: str
    title: str
    date: dt.date | dt.datetime
    summary: str
    type: str
    tags: tuple[str, ...]
    work_packages: tuple[str, ...]
    author: str
    image: str
    image_alt: str
    event: dict[str, object] | None
    publication: dict[str, object] | None
    draft: bool
    body: str

    @property
    def day(self) -> dt.date:
        """Return the calendar day of the item."""
        return self.date.date() if isinstance(self.date, dt.datetime) else self.date


@dataclass(frozen=True, slots=True)
class Issue:
    """One generated newsletter issue."""

    slug: str
    number: int
    title: str
    date: dt.date
    subject: str
    items: tuple[str, ...] | None
    body: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything generated for one seed and size."""

    items: tuple[Item, ...]
    issues: tuple[Issue, ...]


def slugify(text: str) -> str:
    """Turn a title into an ASCII slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].rstrip("-")


class Writer:
    """Produce sentences and Markdown blocks from one seeded random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, seq: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(seq)

    def decorate(self, phrase: str) -> str:
        """Mark up a phrase now and then the way editors do."""
        roll = self.rng.random()
        if roll < 0.08:
            return f"**{phrase}**"
        if roll < 0.14:
            return f"*{phrase}*"
        if roll < 0.20:
            return f"[{phrase}]({self.pick(LINK_TARGETS)})"
        return phrase

    def sentence(self, *, plain: bool = False) -> str:
        obj = self.pick(OBJECTS)
        words = [self.pick(SUBJECTS), self.pick(VERBS), obj if plain else self.decorate(obj)]
        roll = self.rng.random()
        if roll < 0.15:
            words.append(f"in {self.pick(PLACES)}")
        elif roll < 0.25:
            words.append(f"with {self.pick(AUTHORS)}")
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        if not plain and self.rng.random() < 0.07:
            text += f" {self.pick(EMOJI)}"
        return text

    def paragraph(self, low: int = 2, high: int = 5) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(low, high)))

    def heading(self) -> str:
        return f"{'#' * self.rng.choice((2, 2, 3))} {self.pick(NOUNS).capitalize()} {self.pick(('update', 'results', 'next steps', 'in numbers', 'highlights'))}"

    def bullet_list(self) -> str:
        marker = self.rng.choice(("-", "*", "1."))
        lines = []
        for index in range(self.rng.randint(3, 6)):
            prefix = f"{index + 1}." if marker == "1." else marker
            lines.append(f"{prefix} {self.decorate(self.pick(OBJECTS))}: {self.sentence()}")
        return "\n".join(lines)

    def table(self) -> str:
        header = "| Partner | Country | Cells tested | Capacity retention |"
        rule = "| --- | :---: | ---: | ---: |"
        rows = []
        for _ in range(self.rng.randint(2, 5)):
            partner = self.rng.choice(PARTNERS)
            rows.append(
                f"| {partner['short']} | {partner['country']} | {self.rng.randint(4, 400)} "
                f"| {self.rng.uniform(70, 99.5):.1f} % |"
            )
        return "\n".join([header, rule, *rows])

    def quote(self) -> str:
        return f"> {self.pick(QUOTES)}\n>\n> — {self.pick(AUTHORS)}"

    def body(self) -> str:
        """Return 150-600 words of Markdown made of varied blocks."""
        target = self.rng.randint(150, 600)
        blocks = [self.paragraph(3, 5)]
        words = len(blocks[0].split())
        makers = (self.paragraph, self.paragraph, self.heading, self.bullet_list, self.table, self.quote)
        previous = self.paragraph
        while words < target:
            maker = self.rng.choice([maker for maker in makers if maker == self.paragraph or maker != previous])
            previous = maker
            block = maker()
            if block.startswith("#"):
                block = f"{block}\n\n{self.paragraph()}"
            size = len(block.split())
            if words + size > 600 and words >= 150:
                break
            blocks.append(block)
            words += size
        return "\n\n".join(blocks) + "\n"


def make_items(rng: random.Random, count: int) -> list[Item]:
    """Return `count` items, oldest first, with unique slugs."""
    writer = Writer(rng)
    days: list[dt.date] = []
    day = LAST_DAY
    for _ in range(count):
        days.append(day)
        day -= dt.timedelta(days=rng.choice((0, 1, 1, 1, 2, 3)))
    days.reverse()
    seen: set[str] = set()
    items = []
    for index, day in enumerate(days):
        title = rng.choice(TITLE_PATTERNS).format(
            noun=rng.choice(NOUNS), place=rng.choice(PLACES), partner=rng.choice(PARTNERS)["short"]
        )
        title = title[0].upper() + title[1:]
        slug = slugify(title)
        if slug in seen:
            slug = f"{slug}-{index}"
        seen.add(slug)
        item_type = rng.choices(("news", "event", "publication"), weights=(75, 15, 10))[0]
        when: dt.date | dt.datetime = day
        if rng.random() < 0.25:
            offset = dt.timezone(dt.timedelta(hours=rng.choice((1, 2))))
            when = dt.datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.choice((0, 15, 30, 45)), tzinfo=offset)
        event = None
        if item_type == "event":
            start = day + dt.timedelta(days=rng.randint(10, 60))
            event = {
                "start": start,
                "end": start + dt.timedelta(days=rng.randint(0, 3)),
                "location": rng.choice(PLACES),
                "url": f"https://events.example.org/{slug}",
            }
        publication = None
        if item_type == "publication":
            publication = {
                "doi": f"10.{rng.randint(1000, 9999)}/{rng.choice(('j', 'acs', 'ees'))}.{day.year}.{rng.randint(10000, 99999)}",
                "venue": rng.choice(VENUES),
                "authors": rng.sample(AUTHORS, rng.randint(2, 5)),
                "open_access_url": f"https://zenodo.org/records/{rng.randint(1000000, 9999999)}",
            }
        items.append(
            Item(
                slug=slug,
                title=title,
                date=when,
                summary=writer.sentence(plain=True),
                type=item_type,
                tags=tuple(sorted(rng.sample(TAGS, rng.randint(1, 4)))),
                work_packages=tuple(sorted(rng.sample([f"WP{n}" for n in range(1, 9)], rng.randint(1, 2)))),
                author=rng.choice(AUTHORS),
                image=f"https://images.example.eu/news/{day.year}/{slug}.jpg",
                image_alt=f"{rng.choice(('Photo of', 'Diagram of', 'Chart showing'))} {rng.choice(OBJECTS)}",
                event=event,
                publication=publication,
                draft=rng.random() < 0.02,
                body=writer.body(),
            )
        )
    return items


def make_issues(rng: random.Random, items: list[Item]) -> list[Issue]:
    """Return one issue per ten items, dated on the day of its last item."""
    writer = Writer(rng)
    issues = []
    for number in range(1, len(items) // ITEMS_PER_ISSUE + 1):
        group = items[(number - 1) * ITEMS_PER_ISSUE : number * ITEMS_PER_ISSUE]
        day = group[-1].day
        # Most issues take the default selection by date; some pick and order their items by hand.
        chosen = None
        if number % 5 == 0:
            chosen = tuple(item.slug for item in sorted(group, key=lambda item: item.type) if not item.draft)
        title = f"{PROJECT_NAME} newsletter #{number}: {rng.choice(NOUNS)} {rng.choice(('news', 'special', 'round-up'))}"
        body = "\n\n".join(
            ["Dear readers,", writer.paragraph(2, 3), writer.paragraph(2, 4), f"— The {PROJECT_NAME} communication team {rng.choice(EMOJI)}"]
        )
        issues.append(
            Issue(
                slug=f"issue-{number:03d}",
                number=number,
                title=title,
                date=day,
                subject=f"{title} {rng.choice(EMOJI)}",
                items=chosen,
                body=body + "\n",
            )
        )
    return issues


def make_corpus(count: int, seed: int) -> Corpus:
    """Return the items and issues for a seed and size."""
    rng = random.Random(f"newsletter-bench:{seed}:{count}")
    items = make_items(rng, count)
    return Corpus(items=tuple(items), issues=tuple(make_issues(rng, items)))


def write_newsletter(corpus: Corpus, root: Path) -> None:
    """Write the corpus as a newsletter project."""
    (root / "content" / "news").mkdir(parents=True, exist_ok=True)
    (root / "content" / "issues").mkdir(parents=True, exist_ok=True)
    (root / "newsletter.toml").write_text(newsletter_toml(), encoding="utf-8")
    for item in corpus.items:
        path = root / "content" / "news" / f"{item.day.isoformat()}-{item.slug}.md"
        path.write_text(mirrors.markdown_page(mirrors.item_fields(item), item.body), encoding="utf-8")
    for issue in corpus.issues:
        data: dict[str, object] = {
            "title": issue.title,
            "number": issue.number,
            "date": issue.date,
            "subject": issue.subject,
        }
        if issue.items is not None:
            data["items"] = list(issue.items)
        path = root / "content" / "issues" / f"{issue.date.isoformat()}-{issue.slug}.md"
        path.write_text(mirrors.markdown_page(data, issue.body), encoding="utf-8")


def newsletter_toml() -> str:
    """Return the project settings."""
    partners = "".join(
        f'\n[[partners]]\nname = "{partner["name"]}"\nshort = "{partner["short"]}"\n'
        f'country = "{partner["country"]}"\nrole = "{partner["role"]}"\nurl = "{partner["url"]}"\n'
        f'handles = {{ mastodon = "@{partner["short"].lower()}@social.example.org" }}\n'
        for partner in PARTNERS
    )
    return f"""[project]
name = "{PROJECT_NAME}"
tagline = "Long-duration storage for a solar Europe"
site_url = "{SITE_URL}"
language = "en"
timezone = "{TIMEZONE}"
contact = "comms@heliostor.example.eu"

[funding]
programme = "Horizon Europe"
grant_agreement = "101099999"
granting_authority = "CINEA"
emblem = true

[email]
from = "{PROJECT_NAME} News <news@heliostor.example.eu>"
reply_to = "comms@heliostor.example.eu"
esp = "mailchimp"

[feeds]
max_items = 50

[social]
hashtags = ["{PROJECT_NAME}", "EnergyStorage", "HorizonEU"]
accounts = {{ x = "@heliostor_eu", mastodon = "@heliostor@social.example.org", bluesky = "@heliostor.example.eu", linkedin = "heliostor" }}
{partners}"""


def generate(dest: Path, count: int, seed: int = 1) -> Corpus:
    """Write the newsletter, Hugo and Pelican projects for `count` items under `dest`."""
    corpus = make_corpus(count, seed)
    write_newsletter(corpus, dest / "newsletter")
    mirrors.write_hugo(corpus, dest / "hugo", site_url=SITE_URL, title=PROJECT_NAME)
    mirrors.write_pelican(corpus, dest / "pelican", site_url=SITE_URL, title=PROJECT_NAME, timezone=TIMEZONE)
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    corpus = generate(args.dest, args.items, args.seed)
    print(f"{len(corpus.items)} items, {len(corpus.issues)} issues -> {args.dest}")


if __name__ == "__main__":
    main()
