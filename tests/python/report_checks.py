"""Checks shared by the report tests: strict HTML parsing and the search for network URLs."""

from __future__ import annotations

import re

import html5lib

# Attributes whose URL a browser loads or follows (HTML and SVG, xlink:href included).
URL_ATTRIBUTES = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background"}
NETWORK = re.compile(r"^\s*(https?:)?//", re.I)  # http://, https:// and protocol-relative //host
CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!#|data:)([^)'\"]*)", re.I)  # url(...) not to an id or data


def parse_strict(text: str):
    """Parse with html5lib in strict mode: the WHATWG parsing algorithm raises on every parse
    error the HTML standard defines (missing DOCTYPE, misnested or unclosed elements, stray end
    tags, duplicate attributes, bad character references, ...). The tree comes back with its
    ids checked for uniqueness, which the parser does not check but the standard requires."""
    tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(text)
    ids = [e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id") is not None]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"ids used more than once: {duplicates[:10]}"
    return tree


def network_urls(tree) -> list[str]:
    """Every URL in the page that would be fetched from the network: in a URL attribute of
    any element (SVG's xlink:href included), in a style attribute or in a <style> sheet."""
    found = []
    for e in tree.iter():
        if not isinstance(e.tag, str):
            continue
        for name, value in e.attrib.items():
            local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower()
            if local in URL_ATTRIBUTES and NETWORK.match(value):
                found.append(f"<{e.tag} {name}={value!r}>")
            if local == "style":
                found += [u for u in CSS_URL.findall(value) if u]
        if e.tag.rsplit("}", 1)[-1] == "style":
            found += [u for u in CSS_URL.findall(e.text or "") if u]
    return found
