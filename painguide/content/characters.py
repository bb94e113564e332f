"""The code points content may not contain, and how any text is shown safely in a message.

Content reaches HTML, JavaScript, XML (cartridges, QTI, the Atom feed) and terminals. XML 1.0 forbids the C0
controls but tab, LF and CR, lone surrogates, U+FFFE and U+FFFF: one U+FFFE in a module title once made every
cartridge manifest "not well-formed". Also refused:

- the C1 controls U+0080-U+009F (legal in XML 1.0 but "discouraged", escaped-only in XML 1.1, a parse error in
  HTML). In a UTF-8 file they are nearly always Windows-1252 text decoded as Latin-1 (U+0092 for the
  apostrophe U+2019). U+0085 (NEL) is a line break to YAML and XML 1.1 but not to HTML or an editor, so one
  text would show two ways;
- DEL, U+2028/U+2029 (line breaks to YAML, and raw in JavaScript strings before ES2019);
- every non-character (U+FDD0-U+FDEF, U+xFFFE/U+xFFFF in all 17 planes), which Unicode reserves for internal use;
- U+FEFF inside text (an invisible byte-order mark; one at the very start of a file is allowed and skipped).
"""

from __future__ import annotations

import re
import unicodedata

# The non-characters as a character-class body (U+FDD0-U+FDEF, U+xFFFE/U+xFFFF in all 17 planes); the
# Infobutton's parameter check builds on it too.
NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_REFUSED = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff" + NONCHARACTERS
FORBIDDEN = re.compile(f"[{_REFUSED}]")
# Shown escaped in messages: the refused code points, line breaks and tabs (a file name with a newline once
# printed a GitHub Actions workflow command on a line of its own), and the bidirectional controls that
# reorder what a terminal shows.
_UNPRINTABLE = re.compile(f"[{_REFUSED}\t\n\r\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def describe(char: str) -> str:
    """What ``char`` (one refused code point) is, for a message: 'the control character U+0000'."""
    code = ord(char)
    name = f"U+{code:04X}"
    if code in (0x2028, 0x2029):
        return f"the {'line' if code == 0x2028 else 'paragraph'} separator {name}"
    if code == 0xFEFF:
        return f"a byte-order mark {name} inside the text"
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate {name} (half of a UTF-16 pair)"
    if unicodedata.category(char) == "Cc":
        hint = " (probably a Windows-1252 character saved wrongly)" if 0x80 <= code <= 0x9F and code != 0x85 else ""
        return f"the control character {name}{hint}"
    return f"the Unicode non-character {name}"


def forbidden(text: str) -> str | None:
    """Why ``text`` may not be content (its first refused code point), or None."""
    m = FORBIDDEN.search(text)
    return f"contains {describe(m.group())}, which content may not contain" if m else None


def printable(text: str) -> str:
    """``text`` with every control, separator, non-character and bidi control written as an escape (``\\x1b``,
    ``\\n``, ``\\u2028``): one message is one line, and a terminal or CI log shows it as it is."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
