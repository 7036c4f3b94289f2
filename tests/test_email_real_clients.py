"""The email in real clients: Thunderbird draws it, light and with its dark reader; SpamAssassin scores it.

Slow (Thunderbird starts twice, SpamAssassin once per issue): every other email test runs without them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from newsletter.build import BuildOptions, build_project
from newsletter.channels.email.palette import contrast
from newsletter.send import prepare_test_message

from .conftest import EXAMPLE_AS_OF, copy_example

HERE = Path(__file__).parent
PRIMARY = (0x00, 0x79, 0x6B)  # the example's [brand] primary_color: the issue's title band
EU_BLUE = (0x00, 0x33, 0x99)  # the emblem's blue, drawn only if the attached image loaded
PREFERENCES = """\
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mail.provider.suppress_dialog_on_startup", true);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("app.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("mailnews.message_display.disable_remote_image", true);
"""
# Thunderbird's dark reader recolours the message itself, whatever its CSS asks for.
DARK_READER = """\
user_pref("ui.systemUsesDarkTheme", 1);
user_pref("mail.dark-reader.enabled", true);
"""


def rgb_hex(colour: tuple[int, int, int]) -> str:
    return "".join(f"{value:02X}" for value in colour)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("clients"))
    return build_project(root, BuildOptions(as_of=EXAMPLE_AS_OF)).out_dir


def thunderbird_screenshot(eml: Path, folder: Path, dark: bool) -> Image.Image:
    """Thunderbird's window showing `eml` (on a screen tall enough for the whole email)."""
    profile = folder / ("dark" if dark else "light")
    profile.mkdir(parents=True)
    (profile / "user.js").write_text(PREFERENCES + (DARK_READER if dark else ""))
    screenshot = folder / f"{profile.name}.png"
    # Drawn when the title band and the emblem of the footer show, which is also when the images loaded.
    subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1024x3600x24", sys.executable, str(HERE / "thunderbird_shot.py"),
                    str(profile), str(eml), str(screenshot), rgb_hex(PRIMARY), rgb_hex(EU_BLUE)],
                   check=False, timeout=300)
    assert screenshot.exists(), f"Thunderbird did not draw {eml.name}; see {screenshot.with_suffix('.timeout.png')}"
    return Image.open(screenshot).convert("RGB")


def near(colour: tuple[int, int, int], other: tuple[int, int, int], distance: int) -> bool:
    return all(abs(a - b) <= distance for a, b in zip(colour, other))


def title_band(shot: Image.Image) -> tuple[int, int, int]:
    """Left, right and top of the title band: the first row mostly in the brand's primary colour."""
    pixels = shot.load()
    for y in range(shot.height):
        row = [x for x in range(0, shot.width, 2) if near(pixels[x, y], PRIMARY, 10)]
        if len(row) > 200:
            return row[0], row[-1], y
    raise AssertionError("no title band on the screenshot")


def logo_ink(logo: Path) -> tuple[int, int, int]:
    """The logo's own drawing colour: its most used colour that would read on white."""
    with Image.open(logo) as image:
        colours = sorted(image.convert("RGBA").getcolors(1 << 16) or [], reverse=True)
    return next(colour[:3] for _count, colour in colours if colour[3] == 255 and contrast(_hex(colour[:3]), "#FFFFFF") >= 3)


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + rgb_hex(colour)


def logo_contrast(shot: Image.Image, ink: tuple[int, int, int]) -> tuple[int, float]:
    """In the header above the title band: how many pixels show the logo's ink, and its contrast with what is around."""
    left, right, top = title_band(shot)
    header = shot.crop((left, max(0, top - 130), right, top))
    pixels = header.load()
    inked = [(x, y) for x in range(header.width) for y in range(header.height) if near(pixels[x, y], ink, 24)]
    if not inked:
        return 0, 1.0
    xs, ys = [x for x, _ in inked], [y for _, y in inked]
    around = header.crop((max(0, min(xs) - 8), max(0, min(ys) - 8), max(xs) + 8, max(ys) + 8))
    colours = sorted(around.getcolors(1 << 16) or [], reverse=True)
    background = next(colour for _count, colour in colours if not near(colour, ink, 24))
    return len(inked), contrast(_hex(ink), _hex(background))


needs_thunderbird = pytest.mark.skipif(
    not (shutil.which("thunderbird") and shutil.which("xvfb-run")),
    reason="needs Debian's thunderbird and xvfb: apt-get install thunderbird xvfb xauth")


@needs_thunderbird
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark-reader"])
def test_thunderbird_shows_the_logo_and_the_images(example: Path, tmp_path: Path, dark: bool):
    issue = example / "issues" / "issue-2"
    shot = thunderbird_screenshot(issue / "email.eml", tmp_path, dark)
    left, right, top = title_band(shot)
    page = ImageStat.Stat(shot.crop((left, top + 200, right, top + 260)).convert("L")).median[0]
    assert (page < 80) if dark else (page > 200), "the message is in the mode asked for"
    [logo] = issue.glob("images/logo-*.png")
    inked, ratio = logo_contrast(shot, logo_ink(logo))
    assert inked >= 50, "the logo image is drawn"  # an image that did not load shows its alt text instead
    # Thunderbird's dark reader darkens the header around the logo: its own tile keeps it readable.
    assert ratio >= 3.0, f"the logo reads at {ratio:.2f}:1"


def spamassassin_scores(messages: list[EmailMessage]) -> list[tuple[float, str]]:
    """SpamAssassin's score of each message with its local rules only (no network tests), and the rules that fired."""
    # One mbox, one run: SpamAssassin takes seconds to load its rules.
    mbox = b"".join(b"From reviewer@opincharge.eu Tue Dec 31 12:00:00 2024\n"
                    + message.as_bytes(policy=policy.default.clone(mangle_from_=True)) + b"\n"
                    for message in messages)
    result = subprocess.run(["spamassassin", "--local", "--mbox"], input=mbox, capture_output=True, check=False,
                            timeout=300)
    found = re.findall(rb"^X-Spam-Status: (?:Yes|No), score=(-?[\d.]+) .*?tests=(.*?)(?: autolearn=| version=)",
                       result.stdout, re.S | re.M)
    assert len(found) == len(messages), result.stderr.decode()
    return [(float(score), " ".join(rules.decode().split())) for score, rules in found]


@pytest.mark.skipif(not shutil.which("spamassassin"), reason="needs Debian's spamassassin: apt-get install spamassassin")
def test_spamassassin_scores_each_test_send_below_one(example: Path):
    reviewer = (Address("Reviewer", "reviewer", "opincharge.eu"),)
    emls = sorted(example.glob("issues/*/email.eml"))
    tests = []
    for eml in emls:
        message = BytesParser(policy=policy.default).parsebytes(eml.read_bytes())
        assert isinstance(message, EmailMessage)
        tests.append(prepare_test_message(message, reviewer, now=datetime(2024, 12, 31, 12, tzinfo=timezone.utc)))
    for eml, (score, rules) in zip(emls, spamassassin_scores(tests)):
        assert score < 1.0, f"{eml.parent.name}: {score} ({rules})"
        assert "HTML_FONT_LOW_CONTRAST" not in rules, eml.parent.name
