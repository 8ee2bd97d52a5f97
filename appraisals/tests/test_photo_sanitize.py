"""Behaviour of `photo_sanitize`: what uploads it refuses, and what survives into storage.

Every fixture is built here in memory, so these tests need neither Django nor files on disk.
"""

import hashlib
import io
import struct
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile

from appraisals import uploads
from appraisals.uploads import PhotoRejected, SanitizedPhoto, photo_sanitize
from tests.tools import tool_missing

MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000
RED = (255, 0, 0)
BLUE = (0, 0, 255)
SERIAL = "SN-4F2A9C7731"


def sanitize(
    data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS
) -> SanitizedPhoto:
    return photo_sanitize(data=data, max_bytes=max_bytes, max_pixels=max_pixels)


def rejection(data: bytes, **limits: int) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as caught:
        sanitize(data, **limits)
    return caught.value


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def marked_photo(width: int = 120, height: int = 80) -> Image.Image:
    """White, with a red block in the top-left corner and a blue one bottom-right."""
    image = Image.new("RGB", (width, height), (255, 255, 255))
    image.paste(RED, (0, 0, width // 4, height // 4))
    image.paste(BLUE, (width - width // 4, height - height // 4, width, height))
    return image


def noisy_photo(width: int = 400, height: int = 300) -> Image.Image:
    # Noise doesn't compress, so half the file really is half the picture.
    pixels = np.random.default_rng(3).integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(int(a) - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def png_claiming(width: int, height: int) -> bytes:
    """A valid-looking PNG whose header claims width x height, with almost no data behind it."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "EOS R5"  # Model
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.6), 3: "E", 4: (2.0, 17.0, 40.2), 18: "WGS-84"}
    exif[0x8769] = {0xA431: SERIAL}  # BodySerialNumber, in the Exif IFD
    return exif


def icc_profile_with_red_and_blue_swapped() -> bytes:
    """A minimal ICC v2 RGB display profile: sRGB's primaries with red and blue exchanged."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    gamma_2_2 = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"rTRC", gamma_2_2),
        (b"gTRC", gamma_2_2),
        (b"bTRC", gamma_2_2),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, tag in tags:
        table += signature + struct.pack(">II", offset + len(body), len(tag))
        body += tag
    header = (
        struct.pack(">I", offset + len(body))
        + bytes(4)
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(28)
        + s15(0.9642)
        + s15(1.0)
        + s15(0.8249)
        + bytes(48)
    )
    return header + struct.pack(">I", len(tags)) + table + body


def test_it_rejects_an_empty_file() -> None:
    error = rejection(b"")

    assert (error.code, error.message) == ("empty", "The file is empty. Choose the photo again.")


def test_it_rejects_a_file_over_the_size_limit_naming_the_limit() -> None:
    data = encode(noisy_photo(), "PNG")

    error = rejection(data, max_bytes=len(data) - 1)
    limit = rejection(b"\xff" * (2 * 1024 * 1024 + 1), max_bytes=2 * 1024 * 1024)

    assert error.code == "too_large"
    assert limit.message.startswith("The file is 2 MB; the limit is 2 MB.")


def test_a_file_exactly_at_the_size_limit_is_accepted() -> None:
    data = encode(marked_photo(), "PNG")

    assert sanitize(data, max_bytes=len(data)).width == 120


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n",
        b"Hello, this is my handbag receipt.\n" * 20,
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        bytes(range(256)) * 8,
    ],
    ids=["pdf", "text", "svg", "binary"],
)
def test_it_rejects_a_file_that_is_not_an_image(data: bytes) -> None:
    error = rejection(data)

    assert error.code == "not_an_image"
    assert error.message == (
        "This file is not a photo we can read. Upload a JPEG, PNG, WebP or HEIC image."
    )


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")])
def test_it_rejects_other_image_formats_listing_the_accepted_ones(fmt: str, name: str) -> None:
    error = rejection(encode(marked_photo(), fmt))

    assert error.code == "unsupported_format"
    assert name in error.message
    assert "JPEG, PNG, WebP or HEIC" in error.message


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_it_rejects_a_truncated_photo(fmt: str) -> None:
    data = encode(noisy_photo(), fmt)

    error = rejection(data[: len(data) // 2])

    assert (error.code, error.message) == (
        "corrupt",
        "The photo is damaged or only partly uploaded. Upload it again.",
    )


def test_it_rejects_a_truncated_photo_even_if_pillow_was_told_to_allow_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = encode(noisy_photo(), "JPEG")

    assert rejection(data[: len(data) // 2]).code == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True


def test_it_rejects_a_header_claiming_huge_dimensions_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    data = png_claiming(100_000, 100_000)

    error = rejection(data)

    assert len(data) < 200
    assert error.code == "decompression_bomb"
    assert error.message == (
        "This image is too large in pixels (100000×100000); the limit is 50 megapixels."
    )


@pytest.mark.parametrize(
    "max_pixels",
    [10_000_000, 5_000_000],
    ids=["between-limit-and-twice (Pillow only warns)", "over-twice (Pillow raises)"],
)
def test_it_rejects_a_small_file_that_decodes_to_too_many_pixels(max_pixels: int) -> None:
    # A real bomb: 12 megapixels of one colour compress to a few kilobytes.
    data = encode(Image.new("L", (4000, 3000), 200), "PNG", optimize=True)

    with warnings.catch_warnings(record=True) as leaked:
        warnings.simplefilter("always")
        error = rejection(data, max_pixels=max_pixels)

    assert leaked == []  # Pillow's warning became the refusal instead of escaping
    assert len(data) < 100_000
    assert error.code == "decompression_bomb"
    assert f"(4000×3000); the limit is {max_pixels // 1_000_000} megapixels." in error.message


def test_pillow_global_limits_are_unchanged_after_calls() -> None:
    before = (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES)

    sanitize(encode(marked_photo(), "JPEG"), max_pixels=20_000)
    rejection(png_claiming(100_000, 100_000), max_pixels=1_000)
    rejection(b"not an image")

    assert (Image.MAX_IMAGE_PIXELS, ImageFile.LOAD_TRUNCATED_IMAGES) == before


def test_concurrent_calls_with_different_limits_keep_to_their_own() -> None:
    before = Image.MAX_IMAGE_PIXELS
    data = encode(marked_photo(200, 100), "PNG")  # 20,000 pixels

    def verdict(max_pixels: int) -> str:
        try:
            sanitize(data, max_pixels=max_pixels)
        except PhotoRejected as error:
            return error.code
        return "ok"

    limits = [19_999, 20_000] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        verdicts = list(pool.map(verdict, limits))

    assert verdicts == ["decompression_bomb", "ok"] * 40
    assert Image.MAX_IMAGE_PIXELS == before


def test_it_strips_gps_camera_serial_and_all_other_metadata() -> None:
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>GPSLatitude 48,51.5N</rdf:RDF></x:xmpmeta>'
    data = encode(
        marked_photo(),
        "JPEG",
        exif=gps_exif(),
        xmp=xmp,
        icc_profile=srgb,
        comment=b"shot at home",
    )
    assert SERIAL.encode() in data and b"WGS-84" in data  # the fixture really carries them

    photo = sanitize(data)
    stored = Image.open(io.BytesIO(photo.content))

    assert len(stored.getexif()) == 0
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(stored.info)
    assert [marker for marker, _ in stored.applist] == ["APP0"]  # JFIF only
    for secret in (SERIAL.encode(), b"WGS-84", b"Canon", b"EOS R5", b"GPSLatitude", b"home"):
        assert secret not in photo.content
    assert not photo.image.info


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_it_strips_metadata_from_other_formats(fmt: str) -> None:
    data = encode(marked_photo(), fmt, exif=gps_exif())
    assert SERIAL.encode() in data

    photo = sanitize(data)

    assert SERIAL.encode() not in photo.content
    assert len(Image.open(io.BytesIO(photo.content)).getexif()) == 0


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_taken_sideways_comes_out_upright(fmt: str) -> None:
    # Orientation 6: the sensor's top-left is the top-right of the scene.
    data = encode(marked_photo(120, 80), fmt, exif=gps_exif(orientation=6), quality=95)

    photo = sanitize(data)
    pixels = photo.image

    assert (photo.width, photo.height) == (80, 120)
    assert Image.open(io.BytesIO(photo.content)).size == (80, 120)
    assert near(pixels.getpixel((75, 5)), RED)
    assert near(pixels.getpixel((5, 115)), BLUE)
    assert near(pixels.getpixel((5, 5)), (255, 255, 255))


def test_a_photo_without_orientation_is_left_as_shot() -> None:
    photo = sanitize(encode(marked_photo(120, 80), "JPEG", quality=95))

    assert (photo.width, photo.height) == (120, 80)
    assert near(photo.image.getpixel((5, 5)), RED)


def test_transparency_is_laid_on_white() -> None:
    cutout = Image.new("RGBA", (60, 40), (0, 0, 0, 0))
    cutout.paste((255, 0, 0, 255), (20, 10, 40, 30))

    photo = sanitize(encode(cutout, "PNG"))

    assert photo.source_format == "PNG"
    assert photo.image.mode == "RGB"
    assert near(photo.image.getpixel((2, 2)), (255, 255, 255))
    assert near(photo.image.getpixel((30, 20)), RED)


def test_a_palette_png_with_a_transparent_colour_is_laid_on_white() -> None:
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.paste(1, (10, 10, 30, 30))

    photo = sanitize(encode(palette, "PNG", transparency=0))

    assert near(photo.image.getpixel((2, 2)), (255, 255, 255))
    assert near(photo.image.getpixel((20, 20)), RED)


def test_a_16_bit_png_keeps_its_tones() -> None:
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (32, 1))

    photo = sanitize(encode(Image.fromarray(ramp), "PNG"))
    row = np.asarray(photo.image)[16, :, 0].astype(int)

    # Not clipped to white above 255: dark on the left, light on the right, mid in the middle.
    assert row[4] < 20 and row[-4] > 235 and 100 < row[128] < 156


def test_a_cmyk_jpeg_comes_out_as_rgb() -> None:
    cmyk = Image.new("CMYK", (40, 40), (0, 255, 255, 0))  # no cyan, full magenta and yellow

    photo = sanitize(encode(cmyk, "JPEG", quality=95))

    assert photo.image.mode == "RGB"
    assert near(photo.image.getpixel((20, 20)), RED, tolerance=30)


def test_a_colour_profile_is_applied_then_dropped() -> None:
    # Tagged with a profile whose red and blue primaries are swapped, a red pixel means blue.
    source = Image.new("RGB", (40, 40), RED)

    photo = sanitize(encode(source, "PNG", icc_profile=icc_profile_with_red_and_blue_swapped()))

    assert near(photo.image.getpixel((20, 20)), BLUE, tolerance=3)
    assert "icc_profile" not in Image.open(io.BytesIO(photo.content)).info


def test_a_broken_colour_profile_does_not_cost_the_photo() -> None:
    photo = sanitize(encode(marked_photo(), "PNG", icc_profile=b"not a real profile" * 10))

    assert near(photo.image.getpixel((5, 5)), RED)


def test_webp_is_accepted() -> None:
    photo = sanitize(encode(marked_photo(), "WEBP", lossless=True))

    assert photo.source_format == "WEBP"
    assert (photo.width, photo.height) == (120, 80)
    assert near(photo.image.getpixel((5, 5)), RED)


def test_heic_is_accepted() -> None:
    if not uploads.HEIF_SUPPORTED:
        tool_missing("pillow-heif", hint="pip install -c constraints.txt -e '.[dev]'")
    try:
        data = encode(marked_photo(), "HEIF", quality=95)
    except (KeyError, OSError, ValueError, RuntimeError) as error:
        tool_missing("a HEIF encoder", hint=f"this pillow-heif build can't encode: {error}")

    photo = sanitize(data)

    assert photo.source_format == "HEIF"
    assert (photo.width, photo.height) == (120, 80)
    assert near(photo.image.getpixel((5, 5)), RED, tolerance=30)
    assert Image.open(io.BytesIO(photo.content)).format == "JPEG"


HEIC_HEADER = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


def test_heic_without_a_decoder_asks_for_a_jpeg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uploads, "HEIF_SUPPORTED", False)
    monkeypatch.setattr(Image, "ID", [name for name in Image.ID if name != "HEIF"])

    error = rejection(HEIC_HEADER + b"\x00" * 500)

    assert error.code == "heic_unsupported"
    assert "JPEG" in error.message


def test_a_damaged_heic_is_reported_as_damaged() -> None:
    if not uploads.HEIF_SUPPORTED:
        tool_missing("pillow-heif", hint="pip install -c constraints.txt -e '.[dev]'")

    assert rejection(HEIC_HEADER + b"\x00" * 500).code == "corrupt"


def test_the_result_is_a_jpeg_whose_hash_is_of_the_stored_bytes() -> None:
    photo = sanitize(encode(marked_photo(), "PNG"))

    assert photo.sha256 == hashlib.sha256(photo.content).hexdigest()
    stored = Image.open(io.BytesIO(photo.content))
    assert stored.format == "JPEG"
    assert stored.size == (photo.width, photo.height) == photo.image.size
    assert photo.image.mode == "RGB"


def test_the_same_upload_gives_the_same_bytes() -> None:
    data = encode(noisy_photo(), "JPEG")

    assert sanitize(data).sha256 == sanitize(data).sha256
