"""Open an .eml in Thunderbird on the X display this runs on and save a screenshot once it has drawn.

Run under xvfb-run by test_email_real_clients.py:
    python thunderbird_shot.py PROFILE EML SCREENSHOT RGB...
It grabs the screen until every colour given (as 6 hex digits) shows and two grabs in a row are
the same, then closes the Thunderbird it started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image, ImageChops, ImageGrab

GRABS = 240  # at half a second each: a Thunderbird that never draws the message fails the test


def has_colour(image: Image.Image, colour: tuple[int, int, int], pixels: int = 50) -> bool:
    """Whether at least `pixels` pixels of `image` are within a few levels of `colour`."""
    bands = [band.point(lambda value, target=target: 255 if abs(value - target) <= 12 else 0)
             for band, target in zip(image.split(), colour)]
    matched = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
    return sum(matched.histogram()[255:]) >= pixels


def main(profile: str, eml: str, screenshot: str, *colours: str) -> int:
    wanted = [tuple(int(hex_colour[i:i + 2], 16) for i in (0, 2, 4)) for hex_colour in colours]
    thunderbird = subprocess.Popen(["thunderbird", "--profile", profile, "--no-remote", "-file", eml],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        previous = None
        for _ in range(GRABS):
            time.sleep(0.5)
            shot = ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).convert("RGB")
            drawn = all(has_colour(shot, colour) for colour in wanted)  # type: ignore[arg-type]
            if drawn and previous is not None and ImageChops.difference(shot, previous).getbbox() is None:
                shot.save(screenshot)
                return 0
            previous = shot
        if previous is not None:  # what it showed instead, to look at
            previous.save(Path(screenshot).with_suffix(".timeout.png"))
        return 1
    finally:
        thunderbird.terminate()
        try:
            thunderbird.wait(30)
        except subprocess.TimeoutExpired:
            thunderbird.kill()
            thunderbird.wait()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
