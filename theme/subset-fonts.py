#!/usr/bin/env python3
"""Write theme/fonts/: mdBook's fonts split so a page downloads only what its text needs.

mdBook's theme loads Open Sans and Source Code Pro as "all-charsets" files
(Latin, Latin Extended, Greek, Cyrillic, Vietnamese): some 44 KB a weight,
four weights on a week page. This writes, for each of mdBook's font files,
a Latin subset (`NAME-latin.woff2`, Google Fonts' "latin" range) and keeps
the whole file beside it; fonts.css declares both for the same face, the
subset for the Latin range and the whole file for every other character the
font has (CSS `unicode-range`). The browser fetches the whole file only for
a page with such a character, so every glyph stays the one mdBook shows.
mdBook uses a book's theme/fonts/ (fonts.css and the files beside it) in
place of its own.

    pip install fonttools brotli
    python3 theme/subset-fonts.py vendor/mdbook-html/front-end/fonts theme/fonts

Run it again when mdBook's fonts change (the input is mdbook-html's
front-end/fonts folder).
"""

import re
import shutil
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

# Google Fonts' "latin" subset.
LATIN = [
    (0x0000, 0x00FF), (0x0131, 0x0131), (0x0152, 0x0153), (0x02BB, 0x02BC), (0x02C6, 0x02C6),
    (0x02DA, 0x02DA), (0x02DC, 0x02DC), (0x0304, 0x0304), (0x0308, 0x0308), (0x0329, 0x0329),
    (0x2000, 0x206F), (0x2074, 0x2074), (0x20AC, 0x20AC), (0x2122, 0x2122), (0x2191, 0x2191),
    (0x2193, 0x2193), (0x2212, 0x2212), (0x2215, 0x2215), (0xFEFF, 0xFEFF), (0xFFFD, 0xFFFD),
]


def in_latin(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in LATIN)


def ranges(points: list[int]) -> str:
    """`U+0-FF, U+131, …` for sorted code points."""
    out, start, prev = [], None, None
    for cp in points:
        if start is None:
            start = prev = cp
        elif cp == prev + 1:
            prev = cp
        else:
            out.append((start, prev))
            start = prev = cp
    if start is not None:
        out.append((start, prev))
    return ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in out)


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit("usage: subset-fonts.py MDBOOK_FONTS_DIR OUT_DIR")
    source, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    css = (source / "fonts.css").read_text(encoding="utf-8")
    for license_file in sorted(source.glob("*.txt")):
        shutil.copyfile(license_file, out / license_file.name)

    def split_face(match: re.Match) -> str:
        face = match.group(0)
        name = re.search(r'resource "fonts/([^"]+)\.woff2"', face).group(1)
        font_file = source / f"{name}.woff2"
        shutil.copyfile(font_file, out / font_file.name)
        cmap = sorted(TTFont(font_file).getBestCmap())
        latin = [cp for cp in cmap if in_latin(cp)]
        rest = [cp for cp in cmap if not in_latin(cp)]
        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = TTFont(font_file)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=latin)
        subsetter.subset(font)
        font.flavor = "woff2"
        font.save(out / f"{name}-latin.woff2")
        latin_face = face.replace(f'fonts/{name}.woff2', f'fonts/{name}-latin.woff2')
        latin_face = latin_face[:-1].rstrip() + f"\n  unicode-range: {ranges(latin)};\n}}"
        rest_face = face[:-1].rstrip() + f"\n  unicode-range: {ranges(rest)};\n}}"
        return f"{latin_face}\n{rest_face}"

    header = (
        "/* Written by theme/subset-fonts.py from mdBook's fonts.css: each face is a Latin\n"
        "   subset and the whole font for its other characters (unicode-range), so a page\n"
        "   downloads the whole file only when its text needs it. */\n"
    )
    css = re.sub(r"@font-face \{.*?\n\}", split_face, css, flags=re.DOTALL)
    (out / "fonts.css").write_text(header + css, encoding="utf-8")


if __name__ == "__main__":
    main()
