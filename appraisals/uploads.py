"""Safe decoding of buyer-uploaded photos, and removal of everything but the pixels.

Buyers upload straight from their phones, and a phone photo carries more than the picture:
GPS coordinates of their home, the camera's serial number, editing history. Uploads are also
untrusted input for an image decoder. `photo_sanitize` turns the uploaded bytes into a fresh
JPEG holding nothing but the upright pixels, or refuses with a `PhotoRejected` whose message
tells the buyer what to do.

Pillow only, no Django: the caller decides where the bytes come from and where they go.
"""

import hashlib
import io
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

try:
    from pillow_heif import register_heif_opener
except ImportError:  # pragma: no cover - pillow-heif is a dependency; this keeps HEIC optional
    HEIF_SUPPORTED = False
else:
    # Pillow's plugin registry is process-wide, so registering once at import is enough.
    register_heif_opener()
    HEIF_SUPPORTED = True

JPEG_QUALITY = 90

# Pillow's format name -> the name we record. MPO is how Pillow names a JPEG that carries extra
# pictures (depth maps, previews), which many Android phones and some cameras write.
_ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}
_ACCEPTED_LIST = "JPEG, PNG, WebP or HEIC"
# Major brands of the ISO-BMFF `ftyp` box that mean HEIF/HEIC (AVIF uses "avif").
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
# What a decoder raises on bad input. MemoryError is deliberately not here: running out of
# memory is an operations problem, not a damaged photo.
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    TypeError,
    RuntimeError,
    struct.error,
    zlib.error,
)
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Pillow's decoding limits are module globals; this serialises our changes to them so that two
# uploads decoded on different threads can't restore each other's values. It also serialises
# the decoding itself, which costs nothing in the process-per-worker setup (gunicorn sync
# workers, Celery prefork) and is the price of a limit that means what it says under threads.
_PILLOW_GLOBALS_LOCK = threading.Lock()


class PhotoRejected(Exception):
    """An upload we won't store; `message` is written for the buyer."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SanitizedPhoto:
    content: bytes  # re-encoded JPEG, no metadata at all
    width: int
    height: int
    sha256: str  # hex digest of `content`, the bytes that get stored
    source_format: str  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    image: Image.Image  # the decoded, upright RGB pixels, for the quality check


def photo_sanitize(*, data: bytes, max_bytes: int, max_pixels: int) -> SanitizedPhoto:
    """Decode an uploaded photo safely and re-encode it as a metadata-free JPEG.

    `data` is already in memory, so the caller should cap the request size before reading it;
    the `max_bytes` check here gives the buyer a clear message. Raises `PhotoRejected`.
    """
    if max_bytes <= 0 or max_pixels <= 0:
        raise ValueError("max_bytes and max_pixels must be positive.")
    if not data:
        raise PhotoRejected("empty", _("The file is empty. Choose the photo again."))
    if len(data) > max_bytes:
        raise PhotoRejected(
            "too_large",
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Choose a smaller size "
                "when you share or export the photo."
            )
            % {"size": _megabytes(len(data)), "limit": _megabytes(max_bytes)},
        )

    decoded, source_format = _decode(data, max_pixels)
    rgb = _to_srgb(_upright(decoded))
    # A fresh image has an empty `info`, so nothing the upload carried (EXIF, XMP, ICC, JPEG
    # comments, which Pillow would otherwise copy into the JPEG) can reach the output.
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    content = buffer.getvalue()
    return SanitizedPhoto(
        content=content,
        width=clean.width,
        height=clean.height,
        sha256=hashlib.sha256(content).hexdigest(),
        source_format=source_format,
        image=clean,
    )


@contextmanager
def _pillow_limits(max_pixels: int) -> Iterator[None]:
    """Apply this call's decoding limits to Pillow's globals, and put them back afterwards."""
    with _PILLOW_GLOBALS_LOCK, warnings.catch_warnings():
        # Pillow only warns between max_pixels and twice that, and a warning alone would let
        # the photo through, so it is made an error here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        saved_pixels = Image.MAX_IMAGE_PIXELS
        saved_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
        Image.MAX_IMAGE_PIXELS = max_pixels
        # Half an upload must be refused, not stored with a grey lower half.
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved_pixels
            ImageFile.LOAD_TRUNCATED_IMAGES = saved_truncated


def _decode(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    with _pillow_limits(max_pixels):
        try:
            # Lazy: reads the header only, and Pillow checks the size against the limit here.
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(_header_size(data), max_pixels) from None
        except UnidentifiedImageError:
            raise _unreadable(data) from None
        except _DECODE_ERRORS:
            # Pillow recognised the format but its header is broken.
            raise _corrupt() from None

        width, height = image.size
        if width * height > max_pixels:
            raise _too_many_pixels(image.size, max_pixels)
        if width == 0 or height == 0:
            raise _corrupt()
        source_format = _ACCEPTED_FORMATS.get(image.format or "")
        if source_format is None:
            # Refused before load(): some of Pillow's formats hand the file to other programs
            # (EPS runs Ghostscript), and none of this code should run on them.
            raise PhotoRejected(
                "unsupported_format",
                _("%(format)s files aren't accepted. Upload a %(accepted)s photo.")
                % {"format": image.format, "accepted": _ACCEPTED_LIST},
            )
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(image.size, max_pixels) from None
        except _DECODE_ERRORS:
            raise _corrupt() from None
    return image, source_format


def _header_size(data: bytes) -> tuple[int, int] | None:
    """The dimensions the header claims, for the message only.

    Pillow parsed this same header before refusing it, and reading it again allocates no
    pixels; the limit is lifted just for that read so the buyer can be told the real size.
    Called with the globals lock held.
    """
    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except _DECODE_ERRORS:
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _too_many_pixels(size: tuple[int, int] | None, max_pixels: int) -> PhotoRejected:
    limit = f"{max_pixels / 1_000_000:g}"
    if size is None:
        return PhotoRejected(
            "decompression_bomb",
            _("This image is too large in pixels; the limit is %(limit)s megapixels.")
            % {"limit": limit},
        )
    width, height = size
    return PhotoRejected(
        "decompression_bomb",
        _(
            "This image is too large in pixels (%(width)d×%(height)d); the limit is "
            "%(limit)s megapixels."
        )
        % {"width": width, "height": height, "limit": limit},
    )


def _unreadable(data: bytes) -> PhotoRejected:
    if _looks_like_heif(data):
        if HEIF_SUPPORTED:
            return _corrupt()
        return PhotoRejected(
            "heic_unsupported",
            _(
                "We can't read HEIC photos at the moment. Export the photo as JPEG (on an "
                "iPhone, Settings > Camera > Formats > Most Compatible) and upload it again."
            ),
        )
    return PhotoRejected(
        "not_an_image",
        _("This file is not a photo we can read. Upload a %(accepted)s image.")
        % {"accepted": _ACCEPTED_LIST},
    )


def _corrupt() -> PhotoRejected:
    return PhotoRejected(
        "corrupt", _("The photo is damaged or only partly uploaded. Upload it again.")
    )


def _looks_like_heif(data: bytes) -> bool:
    return len(data) >= 12 and data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _upright(image: Image.Image) -> Image.Image:
    """Turn the pixels the way the EXIF orientation tag says, since the tag is about to go.

    HEIF needs nothing here: libheif applies the container's rotation while decoding and
    pillow-heif resets the EXIF tag to match, so the photo is not turned twice.
    """
    try:
        return ImageOps.exif_transpose(image)
    except _DECODE_ERRORS:
        # A malformed EXIF block shouldn't cost the buyer the photo; it just stays as shot.
        return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """8-bit RGB in sRGB, whatever the upload's mode and colour profile."""
    flat = _flatten(image)
    profile = image.info.get("icc_profile")
    if profile:
        # The profile is dropped from the output, so its colours are baked in first: iPhone
        # photos are Display P3, and read as sRGB they look dull, which matters when the
        # expert judges a leather's colour.
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(flat, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, *_DECODE_ERRORS):
            converted = None  # a broken or mismatched profile: use the pixels as they are
        if converted is not None:
            return converted
    return flat.convert("RGB")


def _flatten(image: Image.Image) -> Image.Image:
    """One of L, RGB or CMYK, 8 bits per channel, with any transparency laid on white."""
    if image.mode.startswith("I"):
        # 16-bit grayscale PNG. Pillow's own conversion clips every value above 255 to white
        # instead of scaling, which would turn the photo into a white sheet.
        pixels = np.asarray(image)
        if image.mode == "I" and int(pixels.max(initial=0)) <= 255:
            eight_bit = np.clip(pixels, 0, 255)
        else:
            eight_bit = np.clip(pixels, 0, 65535) >> 8
        return Image.fromarray(eight_bit.astype(np.uint8))
    if image.mode in ("L", "RGB", "CMYK"):
        return image
    has_alpha = image.mode in ("RGBA", "RGBa", "LA", "La", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if not has_alpha:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    # Transparent areas become white rather than black: product cut-outs are usually shown on
    # white, and a black surround would also skew the exposure check.
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _megabytes(size: int) -> str:
    return f"{round(size / (1024 * 1024), 1):g}"
