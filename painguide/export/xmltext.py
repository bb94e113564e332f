"""XML documents that every XML parser accepts, whatever text they carry.

XML 1.0 allows only tab, LF, CR, U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF (its ``Char``
production). ElementTree writes any other code point as it is (a C0 control, U+FFFE, U+FFFF) or as a
character reference (a lone surrogate), and either makes the document not well-formed: an LMS refuses the
whole cartridge, an EHR the whole Atom feed. Content validation refuses those characters at load; this is
the writers' own guard, so a value that bypassed it (a request parameter, a future field) cannot break a
document. They are dropped rather than replaced: none of them stands for anything a reader could see.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` without the code points XML 1.0 excludes."""
    return NOT_XML.sub("", text)


def document(root: ET.Element) -> bytes:
    """``root`` as UTF-8 bytes with an XML declaration, every text, tail and attribute value cleaned first."""
    for element in root.iter():
        if element.text:
            element.text = clean(element.text)
        if element.tail:
            element.tail = clean(element.tail)
        for name, value in element.attrib.items():
            element.set(name, clean(value))
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data
