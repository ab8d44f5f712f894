#!/usr/bin/python3
"""Writes the image-layer fixtures under tests/data/image/ with Pillow (the OFA reference's decoder/resizer).

Run with Debian's python3 (`/usr/bin/python3 scripts/make_image_fixtures.py`): it needs python3-pil, Pillow 9.4.
Outputs (all deterministic, small):
  resize_cases.txt   lines "input output width height": output = Image.open(input).resize((w, h), BICUBIC)
  decode_cases.txt   lines "input expected": expected = Image.open(input).convert("RGB"), saved as PNG
  bad_*              headers declaring absurd dimensions (the other failure modes are made by the tests)
  png_gray16.png     16-bit gray 0, 1000, 40000, 65535 (Pillow would clip it to 255; see docs/images.md)
"""
import io
import os
import random
import struct
import sys
import zlib

from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "image")


def save(image, name, **params):
    image.save(os.path.join(OUT, name), **params)


def noise(width, height, seed):
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(width * height)])
    return image


def gradient(width, height):
    image = Image.new("RGB", (width, height))
    image.putdata([(x * 255 // (width - 1), y * 255 // (height - 1), (x + y) * 255 // (width + height - 2))
                   for y in range(height) for x in range(width)])
    return image


def checker(width, height, cell):
    image = Image.new("RGB", (width, height))
    image.putdata([(255, 255, 255) if ((x // cell) + (y // cell)) % 2 else (0, 0, 0)
                   for y in range(height) for x in range(width)])
    return image


def scene(width, height):
    """A photo-like picture: smooth background, hard-edged shapes (ringing around edges tests clipping)."""
    image = gradient(width, height)
    pixels = image.load()
    for y in range(height):
        for x in range(width):
            if (x - width // 3) ** 2 + (y - height // 2) ** 2 < (height // 4) ** 2:
                pixels[x, y] = (230, 40, 30)
            elif width // 2 < x < width * 5 // 6 and height // 5 < y < height * 3 // 5:
                pixels[x, y] = (20, 30, 200)
    return image


def make_resize_cases():
    inputs = {
        "noise_37x23.png": noise(37, 23, 1),
        "noise_20x30.png": noise(20, 30, 2),
        "noise_100x80.png": noise(100, 80, 3),
        "gradient_100x80.png": gradient(100, 80),
        "checker_31x17.png": checker(31, 17, 3),
        "scene_160x120.png": scene(160, 120),
    }
    cases = [
        ("noise_37x23.png", 64, 64),  # upscale both ways
        ("noise_37x23.png", 37, 50),  # vertical pass only
        ("noise_37x23.png", 50, 23),  # horizontal pass only
        ("noise_37x23.png", 5, 3),  # strong downscale: wide antialiasing support
        ("noise_37x23.png", 1, 1),
        ("noise_20x30.png", 96, 96),  # upscale
        ("noise_100x80.png", 48, 48),  # downscale, noise stresses the clipping
        ("gradient_100x80.png", 48, 48),  # downscale
        ("gradient_100x80.png", 100, 80),  # same size: a copy
        ("checker_31x17.png", 64, 40),  # 0/255 edges overshoot: clipping after each pass
        ("checker_31x17.png", 12, 9),
        ("scene_160x120.png", 96, 96),  # the OFA case: a photo squashed to a square
        ("scene_160x120.png", 480, 480),
    ]
    for name, image in inputs.items():
        save(image, name)
    lines = []
    for name, width, height in cases:
        out = "resized_%s_%dx%d.png" % (name[:-4], width, height)
        save(Image.open(os.path.join(OUT, name)).resize((width, height), Image.BICUBIC), out)
        lines.append("%s %s %d %d" % (name, out, width, height))
    return lines


def png_bytes(width, height, bit_depth, color_type, rows, palette=None, trns=None, interlace=False):
    """A minimal PNG writer for layouts Pillow cannot save (16-bit RGB, 2-bit gray, Adam7)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    bits_per_pixel = channels * bit_depth

    def pack_rows(sub_rows):
        out = b""
        for row in sub_rows:  # row: list of samples
            if bit_depth == 16:
                data = b"".join(struct.pack(">H", v) for v in row)
            elif bit_depth == 8:
                data = bytes(row)
            else:
                acc, nbits, data = 0, 0, bytearray()
                for v in row:
                    acc = (acc << bit_depth) | v
                    nbits += bit_depth
                    if nbits == 8:
                        data.append(acc)
                        acc, nbits = 0, 0
                if nbits:
                    data.append(acc << (8 - nbits))
                data = bytes(data)
            out += b"\x00" + data
        return out

    if interlace:
        raw = b""
        for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
                               (0, 1, 1, 2)]:
            sub = [[s for x in range(x0, width, dx) for s in rows[y][x * channels:(x + 1) * channels]]
                   for y in range(y0, height, dy)]
            if sub and sub[0]:
                raw += pack_rows(sub)
    else:
        raw = pack_rows(rows)
    assert bits_per_pixel > 0
    body = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette:
        body += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns is not None:
        body += chunk(b"tRNS", trns)
    body += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def make_decode_cases():
    rng = random.Random(7)
    base = scene(24, 18)
    files = {}

    def keep(name, data):
        files[name] = data

    def pil_bytes(image, fmt, **params):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **params)
        return buffer.getvalue()

    # PNG variants Pillow writes itself.
    keep("png_rgb.png", pil_bytes(base, "PNG"))
    keep("png_gray.png", pil_bytes(base.convert("L"), "PNG"))
    keep("png_rgba.png", pil_bytes(Image.merge("RGBA", base.split() + (base.convert("L"),)), "PNG"))
    keep("png_la.png", pil_bytes(Image.merge("LA", (base.convert("L"), base.split()[0])), "PNG"))
    palette_image = base.convert("P", palette=Image.ADAPTIVE, colors=12)
    keep("png_palette.png", pil_bytes(palette_image, "PNG"))
    keep("png_palette_trns.png", pil_bytes(palette_image, "PNG", transparency=3))
    keep("png_bilevel.png", pil_bytes(base.convert("1"), "PNG"))
    # Layouts written by hand.
    w, h = 13, 9
    rgb16 = [[rng.randrange(65536) for _ in range(w * 3)] for _ in range(h)]
    keep("png_rgb16.png", png_bytes(w, h, 16, 2, rgb16))
    rgba16 = [[rng.randrange(65536) for _ in range(w * 4)] for _ in range(h)]
    keep("png_rgba16.png", png_bytes(w, h, 16, 6, rgba16))
    gray2 = [[rng.randrange(4) for _ in range(w)] for _ in range(h)]
    keep("png_gray2.png", png_bytes(w, h, 2, 0, gray2))
    gray4_trns = [[rng.randrange(16) for _ in range(w)] for _ in range(h)]
    keep("png_gray4_trns.png", png_bytes(w, h, 4, 0, gray4_trns, trns=struct.pack(">H", 5)))
    pal4 = [[rng.randrange(10) for _ in range(w)] for _ in range(h)]
    colors = [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(10)]
    keep("png_palette4.png", png_bytes(w, h, 4, 3, pal4, palette=colors))
    rgb8 = [[rng.randrange(256) for _ in range(w * 3)] for _ in range(h)]
    keep("png_rgb_trns.png", png_bytes(w, h, 8, 2, rgb8, trns=struct.pack(">HHH", rgb8[0][0], rgb8[0][1], rgb8[0][2])))
    keep("png_interlaced.png", png_bytes(w, h, 8, 2, rgb8, interlace=True))
    # JPEG variants: Pillow decodes with the same libjpeg-turbo, default (ISLOW) IDCT and fancy upsampling.
    keep("jpeg_rgb420.jpg", pil_bytes(base, "JPEG", quality=90))
    keep("jpeg_rgb444.jpg", pil_bytes(base, "JPEG", quality=95, subsampling=0))
    keep("jpeg_progressive.jpg", pil_bytes(base, "JPEG", quality=80, progressive=True))
    keep("jpeg_gray.jpg", pil_bytes(base.convert("L"), "JPEG", quality=90))
    keep("jpeg_cmyk.jpg", pil_bytes(base.convert("CMYK"), "JPEG", quality=90))
    keep("jpeg_odd_size.jpg", pil_bytes(noise(17, 11, 9), "JPEG", quality=75))

    lines = []
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        expected = "expected_" + name.rsplit(".", 1)[0] + ".png"
        save(Image.open(io.BytesIO(data)).convert("RGB"), expected)
        lines.append("%s %s" % (name, expected))
    return lines


def make_special_files():
    """Files checked by hand-written expectations: absurd declared sizes, and 16-bit gray (Pillow clips it)."""
    def patched_png(width, height):
        data = bytearray(png_bytes(2, 2, 8, 2, [[0] * 6, [0] * 6]))
        ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        data[16:29] = ihdr
        data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
        return bytes(data)

    def patched_jpeg(width, height):
        buffer = io.BytesIO()
        Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, "JPEG")
        data = bytearray(buffer.getvalue())
        sof = data.index(b"\xff\xc0")  # baseline SOF0: length(2) precision(1) height(2) width(2)
        data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
        return bytes(data)

    for name, data in [("bad_huge_side.png", patched_png(20000, 16)),
                       ("bad_huge_area.png", patched_png(12000, 12000)),
                       ("bad_huge_side.jpg", patched_jpeg(16, 20000)),
                       ("bad_huge_area.jpg", patched_jpeg(12000, 12000))]:
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    # Pillow opens 16-bit gray as mode I and convert("RGB") clips it to 255; ofapt keeps the high byte.
    with open(os.path.join(OUT, "png_gray16.png"), "wb") as f:
        f.write(png_bytes(4, 1, 16, 0, [[0, 1000, 40000, 65535]]))


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith((".png", ".jpg", ".txt")):
            os.remove(os.path.join(OUT, name))
    with open(os.path.join(OUT, "resize_cases.txt"), "w") as f:
        f.write("\n".join(make_resize_cases()) + "\n")
    with open(os.path.join(OUT, "decode_cases.txt"), "w") as f:
        f.write("\n".join(make_decode_cases()) + "\n")
    make_special_files()
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print("wrote %d files, %d bytes, to %s" % (len(os.listdir(OUT)), total, os.path.normpath(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
