"""Real media files made on the spot, for decks under test: PNG pictures and WAV sounds.

Made with the standard library (zlib, wave) so every test and the benchmark
can have pictures of any size without shipping binaries.
"""

from __future__ import annotations

import io
import random
import struct
import wave
import zlib


def png(width: int, height: int, seed: int = 0, noise: bool = False) -> bytes:
    """An RGB PNG: a colour gradient, or (``noise``) random pixels that do not compress."""
    rng = random.Random(seed)
    rows = []
    for y in range(height):
        if noise:
            pixels = rng.randbytes(3 * width)
        else:
            pixels = bytes(channel for x in range(width)
                           for channel in ((x * 255 // max(width - 1, 1) + seed) % 256, y * 255 // max(height - 1, 1), 160))
        rows.append(b"\0" + pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))


def png_of_size(size: int, seed: int = 0) -> bytes:
    """A noisy PNG of about ``size`` bytes (a little over), for benchmarks."""
    side = int((size / 3) ** 0.5) + 1
    return png(side, side, seed, noise=True)


def wav(milliseconds: int = 200, pitch: int = 440) -> bytes:
    """A short mono tone."""
    rate = 8000
    import math

    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * pitch * i / rate)))
                      for i in range(rate * milliseconds // 1000))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    return buffer.getvalue()
