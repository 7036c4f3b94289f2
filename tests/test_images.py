"""Images made for a channel with Pillow: scaled down to a width, never up, without metadata, same bytes each time."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from newsletter.images import fit_width

FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif"}

SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 300 100">
<rect x="10" y="10" width="280" height="80" fill="#1B2A4A"/></svg>"""


def cairo_works() -> bool:
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@st.composite
def image_files(draw: st.DrawFn) -> tuple[bytes, str, int, int]:
    """An image file as a camera or a designer saves one: any size and mode, with metadata."""
    width, height = draw(st.integers(1, 640)), draw(st.integers(1, 480))
    file_format = draw(st.sampled_from(sorted(FORMATS)))
    mode = draw(st.sampled_from(["RGB", "RGBA", "L", "P"] if file_format in ("PNG", "GIF") else ["RGB", "L"]))
    colour = draw(st.integers(0, 255))
    image = Image.new(mode, (width, height), colour if mode in ("L", "P") else (colour, 90, 200, 128)[: len(mode)])
    image.putpixel((width // 2, height // 2), 0 if mode in ("L", "P") else (0,) * len(mode))
    out = io.BytesIO()
    options: dict[str, object] = {}
    if file_format in ("JPEG", "WEBP"):
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"  # Make
        exif[0x0132] = "2024:01:01 10:00:00"  # DateTime
        options["exif"] = exif.tobytes()
    elif file_format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", "Someone")
        options["pnginfo"] = info
    image.save(out, file_format, **options)
    return out.getvalue(), FORMATS[file_format], width, height


def saved(folder: Path, stem: str, source: tuple[bytes, str, int, int]) -> Path:
    """An image from `image_files`, written to a file of its format's extension."""
    file = folder / f"{stem}{source[1]}"
    file.write_bytes(source[0])
    return file


# Each generated image is a file in the test's own folder, which every example shares.
EACH_IMAGE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@EACH_IMAGE
@given(source=image_files(), target=st.integers(20, 700))
def test_made_images_fit_keep_their_shape_and_carry_no_metadata(tmp_path: Path, source, target: int):
    _data, _extension, width, height = source
    file = saved(tmp_path, "photo", source)
    picture = fit_width(file, target)
    assert picture is not None
    assert picture.width == min(width, target)  # scaled down to the width, never up
    assert abs(picture.height - height * picture.width / width) <= 1  # the same shape
    with Image.open(io.BytesIO(picture.data)) as made:
        assert (made.width, made.height) == (picture.width, picture.height)
        assert made.format in ("PNG", "JPEG", "GIF")  # what every mail client shows; no WebP
        assert picture.extension == {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif"}[made.format]
        assert not made.getexif()
        assert not {"exif", "icc_profile", "Author", "XML:com.adobe.xmp"} & set(made.info)
    # The same file gives the same bytes, even read afresh from another path.
    assert fit_width(saved(tmp_path, "copy", source), target) == picture


def test_a_photo_too_large_for_email_is_scaled_and_compressed(tmp_path: Path):
    # A 1600 px photograph, saved at high quality as cameras do.
    photo = Image.effect_mandelbrot((1600, 1067), (-2.0, -1.2, 1.0, 1.2), 60).convert("RGB")
    file = tmp_path / "photo.jpg"
    photo.save(file, "JPEG", quality=98)
    picture = fit_width(file, 1104)
    assert picture is not None and (picture.width, picture.extension) == (1104, ".jpg")
    assert len(picture.data) < file.stat().st_size / 2


def test_a_tiled_image_is_opaque_with_a_margin(tmp_path: Path):
    logo = Image.new("RGBA", (400, 100), (0, 0, 0, 0))
    for x in range(100, 300):
        logo.putpixel((x, 50), (27, 42, 74, 255))  # a navy stroke on transparency
    file = tmp_path / "logo.png"
    logo.save(file)
    picture = fit_width(file, 400, tile="#FFFFFF")
    assert picture is not None and picture.width == 400
    with Image.open(io.BytesIO(picture.data)) as made:
        rgba = made.convert("RGBA")
        assert rgba.getpixel((0, 0)) == (255, 255, 255, 255)  # opaque white, not transparent
        assert rgba.getchannel("A").getextrema() == (255, 255)
        assert rgba.getpixel((200, picture.height // 2))[:3] != (255, 255, 255)  # the stroke survives


@EACH_IMAGE
@given(source=image_files(), target=st.integers(1, 700))
def test_a_tiled_image_of_any_size_is_opaque_and_never_wider_than_asked(tmp_path: Path, source, target: int):
    # A partner's logo may be a one-pixel spacer or a thin rule shown a few pixels wide.
    picture = fit_width(saved(tmp_path, "logo", source), target, tile="#FFFFFF")
    assert picture is not None and 1 <= picture.width <= target
    with Image.open(io.BytesIO(picture.data)) as made:
        assert made.convert("RGBA").getchannel("A").getextrema() == (255, 255)


@pytest.mark.skipif(not cairo_works(), reason="cairosvg needs the cairo library: apt-get install libcairo2")
def test_an_svg_is_drawn_as_png_at_the_width_asked(tmp_path: Path):
    file = tmp_path / "logo.svg"
    file.write_bytes(SVG)
    picture = fit_width(file, 400)
    assert picture is not None
    assert (picture.width, picture.height, picture.extension) == (400, 133, ".png")


def test_what_is_no_image_is_none(tmp_path: Path):
    file = tmp_path / "broken.png"
    file.write_bytes(b"not an image at all")
    assert fit_width(file, 400) is None
    svg = tmp_path / "broken.svg"
    svg.write_bytes(b"<svg")
    assert fit_width(svg, 400) is None
