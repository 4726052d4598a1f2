"""PNG charts placed in a PDF without decoding them.

A PNG's pixel data is a zlib stream with a filter byte before each row, which is exactly what a PDF
image compressed with ``FlateDecode`` and PNG predictors (``/Predictor 15``) holds. reportlab by
itself decodes every PNG to raw pixels, hashes them and compresses them again: for a batch of 500
sheets with two charts each that was about a third of the layout process's time. Here the chunks
of the PNG go into the file as they are. PNGs this cannot carry as is (palette, transparency,
16-bit, interlaced, or not PNG at all, such as a JPEG logo) go through reportlab's own path.
"""

from __future__ import annotations

import hashlib
import io
import struct
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFImageXObject, PDFName, PDFStream
from reportlab.platypus import Flowable, Image

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOURS = {0: ("DeviceGray", 1), 2: ("DeviceRGB", 3)}  # PNG colour type: PDF colour space, channels


@dataclass(frozen=True)
class PngStream:
    """The parts of a PNG a PDF image needs: its size, colour space and compressed rows."""

    width: int
    height: int
    colour_space: str
    colours: int
    data: bytes
    digest: str


def png_stream(png: bytes) -> PngStream | None:
    """The PNG's header and concatenated IDAT data; None when it cannot be placed as is."""
    if not png.startswith(_SIGNATURE):
        return None
    position = len(_SIGNATURE)
    header: tuple | None = None
    parts: list[bytes] = []
    while position + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[position:position + 8])
        body = png[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            parts.append(body)
        elif kind in (b"tRNS", b"PLTE"):
            return None  # transparency or a palette: reportlab's path handles those
        elif kind == b"IEND":
            break
    if header is None or not parts:
        return None
    width, height, depth, colour_type, _compression, _filter, interlace = header
    if depth != 8 or interlace or colour_type not in _COLOURS:
        return None
    colour_space, colours = _COLOURS[colour_type]
    return PngStream(width, height, colour_space, colours, b"".join(parts), hashlib.md5(png).hexdigest())


class PngXObject(PDFImageXObject):
    """A PDF image XObject holding a PNG's compressed rows, decoded by the reader's PNG predictors."""

    def __init__(self, name: str, stream: PngStream):  # no super().__init__: nothing to load or decode
        self.name = name
        self.stream = stream
        self.width, self.height = stream.width, stream.height
        self.mask = None

    def format(self, document):
        stream = self.stream
        pdf = PDFStream(content=stream.data)
        entries = pdf.dictionary
        entries["Type"] = PDFName("XObject")
        entries["Subtype"] = PDFName("Image")
        entries["Width"] = stream.width
        entries["Height"] = stream.height
        entries["BitsPerComponent"] = 8
        entries["ColorSpace"] = PDFName(stream.colour_space)
        entries["Filter"] = PDFArray([PDFName("FlateDecode")])
        # one set of parameters per filter: with the filters given as an array, readers such as poppler ignore
        # parameters given as a lone dictionary, and read each row one byte (its filter byte) out of step
        entries["DecodeParms"] = PDFArray([PDFDictionary({"Predictor": 15, "Colors": stream.colours,
                                                          "BitsPerComponent": 8, "Columns": stream.width})])
        entries["Length"] = len(stream.data)
        return pdf.format(document)


def draw_png_stream(canvas, stream: PngStream, width: float, height: float) -> None:
    """Place ``stream`` at the origin of ``canvas`` scaled to ``width`` × ``height``; one copy per
    file however often the same picture is drawn, as reportlab does for its own images."""
    document = canvas._doc
    registered = document.getXObjectName(stream.digest)
    if not document.idToObject.get(registered):
        image = PngXObject(stream.digest, stream)
        canvas._setXObjects(image)
        document.Reference(image, registered)
        document.addForm(stream.digest, image)
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.scale(width, height)
    canvas._code.append(f"/{registered} Do")
    canvas.restoreState()
    canvas._formsinuse.append(stream.digest)


def png_size(png: bytes) -> tuple[int, int]:
    """Pixel size of an image in any format reportlab reads, from the header when it is a PNG."""
    if png.startswith(_SIGNATURE) and png[12:16] == b"IHDR":
        width, height = struct.unpack(">II", png[16:24])
        return width, height
    from reportlab.lib.utils import ImageReader

    return ImageReader(io.BytesIO(png)).getSize()


class PngImage(Flowable):
    """An image of a known drawn size whose bytes may arrive only when the page is drawn (a chart
    still being rendered in another process): a PNG is placed as is, anything else through
    reportlab's Image."""

    def __init__(self, fetch, width: float, height: float):
        super().__init__()
        self.fetch = fetch
        self.drawWidth, self.drawHeight = width, height

    def wrap(self, available_width, available_height):
        return self.drawWidth, self.drawHeight

    def draw(self):
        data = self.fetch()
        stream = png_stream(data)
        if stream is not None:
            draw_png_stream(self.canv, stream, self.drawWidth, self.drawHeight)
            return
        image = Image(io.BytesIO(data), self.drawWidth, self.drawHeight)
        image.canv = self.canv
        image.draw()
