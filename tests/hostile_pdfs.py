"""PDFs an attacker would send: each a valid one-page PDF whose content stream is
FlateDecode'd from a pattern repeated to any size, written in a second however
large it inflates (the deflate blocks of a repeated chunk repeat once the window
holds the pattern, so one chunk is compressed and its blocks written again)."""

import zlib

CHUNK = 1 << 20


def _deflated(pattern, size):
    """(zlib stream of `pattern` repeated to `size` bytes, the size it inflates to)."""
    chunk = (pattern * (CHUNK // len(pattern) + 1))[:CHUNK - CHUNK % len(pattern)]
    count = max(2, size // len(chunk))
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    again = raw.compress(chunk) + raw.flush(zlib.Z_FULL_FLUSH)
    check = 1
    for _ in range(count):
        check = zlib.adler32(chunk, check)
    body = first + again * (count - 1) + raw.flush()
    return b"\x78\xda" + body + check.to_bytes(4, "big"), count * len(chunk)


def write_pdf(path, pattern, size):
    """A one-page PDF whose content stream is `pattern` repeated to `size` bytes; returns
    the inflated size."""
    stream, inflated = _deflated(pattern, size)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return inflated
