"""report.html parsed as a browser and a screen reader would meet it: every case
present, photos embedded as small metadata-free data: images, one h1, a heading
per case, a table with caption and header cells, a skip link, nothing loaded
from outside."""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from PIL import Image
from qa_support import CASES, QaRun

from app.qa.thumbnails import THUMBNAIL_SIDE

URL_ATTRIBUTES = ("src", "href", "action", "srcset", "poster", "data")


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    children: list[Element] = field(default_factory=list)


class PageParser(HTMLParser):
    """Keeps every element with its attributes and its own text (enough for these checks)."""

    VOID = frozenset({"meta", "img", "input", "br", "link", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        if self.stack:
            self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data

    def find(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]


@pytest.fixture(scope="module")
def page(qa_run: QaRun) -> tuple[str, PageParser]:
    html = (qa_run.out / "report.html").read_text(encoding="utf-8")
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return html, parser


def test_one_h1_and_a_heading_and_section_per_case(page: tuple[str, PageParser]) -> None:
    _, parser = page
    (h1,) = parser.find("h1")
    assert "4 of 8 cases passed" in h1.text
    h3 = [" ".join(e.text.split()) for e in parser.find("h3")]
    for case in CASES:
        verdict = "Passed" if case["id"].endswith("-pass") else "Failed"
        assert f"Case {case['id']}: {verdict}" in h3
    sections = [e for e in parser.find("section") if "case" in e.attrs.get("class", "")]
    assert len(sections) == len(CASES)
    ids = {e.attrs["id"] for e in parser.elements if "id" in e.attrs}
    for section in sections:
        assert section.attrs["aria-labelledby"] in ids
    assert parser.find("h2") and parser.find("h4")


def test_verdicts_and_answers_are_written_in_words(page: tuple[str, PageParser]) -> None:
    html, _ = page
    assert "Failed</span>: Text read: “BANANAS”: not in the text read" in html
    assert "Held</span>: Refusal: refused: captcha" in html
    assert "SLICED PEACHES" in html  # the answer itself


def test_photos_are_small_metadata_free_data_images_with_alt_text(
        page: tuple[str, PageParser]) -> None:
    _, parser = page
    images = parser.find("img")
    assert len(images) == len(CASES)
    for image in images:
        source = image.attrs["src"]
        assert source.startswith("data:image/jpeg;base64,")
        assert image.attrs["alt"].startswith("The photo of case ")
        data = base64.b64decode(source.split(",", 1)[1])
        assert b"Exif" not in data[:2000] and b"ICC_PROFILE" not in data[:2000]
        with Image.open(io.BytesIO(data)) as thumbnail:
            assert max(thumbnail.size) <= THUMBNAIL_SIDE
            assert not thumbnail.getexif()
            assert (thumbnail.width, thumbnail.height) == (int(image.attrs["width"]),
                                                           int(image.attrs["height"]))
    # The analyzers' text boxes were drawn and the alt text says so.
    assert any("text box" in image.attrs["alt"] for image in images)


def test_the_cases_table_has_a_caption_and_header_cells(page: tuple[str, PageParser]) -> None:
    _, parser = page
    table = next(t for t in parser.find("table") if t.attrs.get("id") == "cases-table")
    captions = [c for c in table.children if c.tag == "caption"]
    assert captions and captions[0].text.strip()
    headers = [e for e in parser.elements if e.tag == "th" and e.attrs.get("scope") == "col"]
    assert {"Case", "Verdict", "Failed expectations"} <= {h.text.strip() for h in headers}
    rows = [e for e in parser.find("tr") if "data-passed" in e.attrs]
    assert len(rows) == len(CASES)
    for row in rows:
        assert row.children[0].tag == "th" and row.children[0].attrs["scope"] == "row"
    every_table = parser.find("table")
    assert all(any(c.tag == "caption" for c in t.children) for t in every_table)


def test_skip_link_filter_and_live_region(page: tuple[str, PageParser]) -> None:
    _, parser = page
    first_link = parser.find("a")[0]
    target = first_link.attrs["href"]
    assert first_link.text.startswith("Skip") and target.startswith("#")
    assert any(e.attrs.get("id") == target[1:] for e in parser.elements)
    (form,) = parser.find("form")
    assert "hidden" in form.attrs  # shown by the script only: no dead control without it
    labels = {e.attrs["for"] for e in parser.find("label")}
    assert {e.attrs["id"] for e in parser.find("input")} <= labels
    assert any(e.attrs.get("role") == "status" for e in parser.elements)
    # Without scripts, the failing cases are links to their sections.
    failing = [e.attrs["href"] for e in parser.find("a") if e.attrs.get("href", "").startswith(
        "#case-") and "fail" in e.attrs["href"]]
    assert len(set(failing)) == 4


def test_nothing_is_loaded_from_outside(page: tuple[str, PageParser]) -> None:
    html, parser = page
    (html_element,) = parser.find("html")
    assert html_element.attrs["lang"] == "en"
    assert not parser.find("link") and not parser.find("iframe")
    for script in parser.find("script"):
        assert "src" not in script.attrs
    for element in parser.elements:
        for name in URL_ATTRIBUTES:
            value = element.attrs.get(name, "")
            assert not value or value.startswith(("#", "data:")), (element.tag, name, value[:80])
    assert not re.search(r"url\(|@import|https?://|//[a-z]", html.split("<body>", 1)[0].split(
        "Content-Security-Policy", 1)[1].split(">", 1)[1])
    csp = next(m.attrs["content"] for m in parser.find("meta")
               if m.attrs.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "img-src data:" in csp
