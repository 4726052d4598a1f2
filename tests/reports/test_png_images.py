"""PNGs are placed in the PDF as they are, and read back pixel for pixel; other images still print."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from kpidesk.reports.png_images import PngImage, png_size, png_stream


def _picture(mode: str, fmt: str = "PNG") -> bytes:
    image = Image.new("RGB", (64, 40), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((4, 4, 40, 30), fill=(200, 30, 60))
    draw.line((0, 39, 63, 0), fill=(20, 90, 200), width=3)
    buffer = io.BytesIO()
    image.convert(mode).save(buffer, format=fmt)
    return buffer.getvalue()


def _pdf_with(*pictures: bytes) -> PdfReader:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for picture in pictures:
        flowable = PngImage(lambda picture=picture: picture, 64, 40)
        flowable.wrapOn(canvas, 500, 500)
        flowable.drawOn(canvas, 50, 50)
    canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(buffer.getvalue()))


def test_an_rgb_png_is_carried_as_is_and_reads_back_pixel_for_pixel():
    png = _picture("RGB")
    stream = png_stream(png)
    assert stream is not None and (stream.width, stream.height) == (64, 40)
    reader = _pdf_with(png)
    (image,) = reader.pages[0].images
    assert "/DecodeParms" in image.indirect_reference.get_object()  # the PNG's rows, not re-encoded pixels
    assert image.image.convert("RGB").tobytes() == Image.open(io.BytesIO(png)).convert("RGB").tobytes()


def test_each_filter_has_its_own_decode_parameters():
    """With ``/Filter`` an array, ``/DecodeParms`` must be an array of as many entries (PDF 32000-1, 7.3.8.2);
    given as a lone dictionary, poppler drops the PNG predictor and draws every row one byte out of step."""
    (image,) = _pdf_with(_picture("RGB")).pages[0].images
    entries = image.indirect_reference.get_object()
    filters, parameters = entries["/Filter"], entries["/DecodeParms"]
    assert isinstance(filters, list) and isinstance(parameters, list) and len(parameters) == len(filters)
    assert parameters[0]["/Predictor"] == 15 and parameters[0]["/Columns"] == 64


def test_the_same_picture_twice_is_stored_once():
    png = _picture("RGB")
    reader = _pdf_with(png, png)
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    assert len(xobjects) == 1


def test_grey_png_is_carried_as_is():
    assert png_stream(_picture("L")).colour_space == "DeviceGray"


def test_palette_transparent_and_jpeg_pictures_go_through_reportlab():
    for picture in (_picture("P"), _picture("RGBA"), _picture("RGB", "JPEG")):
        assert png_stream(picture) is None
        assert png_size(picture) == (64, 40)
        (image,) = _pdf_with(picture).pages[0].images
        assert image.image.size == (64, 40)
