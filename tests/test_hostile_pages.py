"""Hostile text in every page covplan writes (issue 18, class 5): data stays text.

OSM street names carrying script, markup, template-literal, CDATA, entity and matplotlib
math payloads are planned for real and written; then the HTML map (markup, GeoJSON
tooltips, popup template literals), the KML/KMZ (XML round trip, CDATA descriptions),
the printed maps (no math text) and the explorer's HTML widgets are read back.

Cases: a table of 20 known payloads in one planned ward (20 routes, each checked in
map.html, plan.kml, plan.kmz and maps.pdf), 4 generated wards planned end to end,
6 generated route-name sets through the HTML map and 60 through the KML of a real plan,
and 1,500 generated strings through the escaping functions.
"""

from __future__ import annotations

import html
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import matplotlib.text
import pytest
from handmade import Way, write_osm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import covplan
from covplan import InputError
from covplan._text import cdata, html_text, xml_text
from covplan.export import maps as maps_module
from covplan.export.kml import kml_document
from covplan.export.web import html_map
from covplan.plan import plan_ward
from covplan.plan import write as write_module
from covplan.vocab.messages import use_lang
from covplan.widgets import PlanExplorer

pytestmark = pytest.mark.timeout(300)

KML = "{http://www.opengis.net/kml/2.2}"
#: What XML 1.0 cannot carry; covplan writes U+FFFD instead.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: Markup a payload must never become.
EVIL_TAGS = {"img", "svg", "script", "iframe", "object", "embed", "math", "style", "a"}
#: folium's own expressions in its tooltip template (everything else is data).
FOLIUM_EXPR = ("${aliases[i]}", "${handleObject(layer.feature.properties[v])}")

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "`${alert(1)}`",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "]]>",
    "<![CDATA[",
    "&lt;",
    "&amp;lt;&#60;",
    "'; alert(1); //",
    "\\u003cscript\\u003ealert(1)",
    "<!-- x --> <b>bold</b>",
    "{x} }{ {1,2}",
    "$\\frac{",
    "$$",
    "a $\\x$ b",
    "$x^$",
    "100$ and 5 $",
    "Kiệt\t5\nHẻm 3 & <i>",
    "<b>x</b>" * 31,  # 248 characters: near OSM's 255-character tag limit
]
#: Jinja syntax: folium compiles each element's rendered script as a Jinja template
#: again (branca ``Element(script(...))``), so these from data are *evaluated* while the
#: page is written (``{{ 7*7 }}`` shows 49; ``{{ cycler.__init__.__globals__.os… }}``
#: runs code) — unless ``html_text`` escapes ``{``/``}``, which it does.
JINJA_PAYLOADS = ["{{ 7*7 }}", "{% raw %}", "{# comment", "a {{- self -}} b"]
JINJA = re.compile(r"\{[{%#]|[}%#]\}")

#: matplotlib math text: unclosed, empty, unknown symbol, a bad superscript, a formula.
MATH = ["$\\frac{", "$$", "a $\\x$ b", "$x^$", "$\\sum_{i}^{n} x$"]

#: The ward's name: control characters (no OSM file can carry them) and a very long string.
WARD_NAME = "Phường <script>alert(1)</script>\x00\x1b\x7f`${x}`]]>" + "đ<" * 2000


def shown(text: str) -> str:
    """What a reader sees of ``text`` in an XML or HTML page (XML's line-end rules)."""
    return NOT_XML.sub("\ufffd", text).replace("\r\n", "\n").replace("\r", "\n")


# ----------------------------------------------------------------------- areas and plans
def ward_osm(path: Path, names: list[str]) -> Path:
    """A street along x (Lê Lợi) with one kiệt north of it per name."""
    nodes: dict[int, tuple[float, float]] = {}
    ways: list[Way] = []
    nodes[498] = (-40.0, 0.0)
    street = [498]
    for i, name in enumerate(names):
        nodes[i + 1] = (40.0 * i, 0.0)
        nodes[500 + i] = (40.0 * i + 5.0, 45.0)
        street.append(i + 1)
        ways.append(([i + 1, 500 + i], {"highway": "service", "name": name}))
    nodes[499] = (40.0 * len(names), 0.0)
    street.append(499)
    ways.insert(0, (street, {"highway": "residential", "name": "Đường Lê Lợi"}))
    return write_osm(path, nodes, ways)


def plan_of(path: Path, name: str | None = None) -> covplan.Plan:
    area = covplan.area_from_xml(path)
    return plan_ward(area, headings=4, spacing_m=10, site_spacing_m=20, time_limit_s=30, name=name)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The payload ward, planned and written (HTML, KML, KMZ; then PDF/PNG maps apart)."""
    tmp = tmp_path_factory.mktemp("hostile")
    plan = plan_of(ward_osm(tmp / "ward.osm", PAYLOADS), name=WARD_NAME)
    plan.write(tmp / "out", maps=False, tiles=None)
    ref = plan_of(ward_osm(tmp / "ref.osm", [f"Kiệt {i}" for i in range(len(PAYLOADS))]))
    ref.write(tmp / "ref", maps=False, tiles=None)
    return {"plan": plan, "out": tmp / "out", "ref": tmp / "ref"}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A ward named with matplotlib math, written with its PDF/PNG maps (texts kept)."""
    tmp = tmp_path_factory.mktemp("printed")
    plan = plan_of(ward_osm(tmp / "ward.osm", MATH), name="$\\x$ \x00\x1b" + "$" * 300)
    texts: list[matplotlib.text.Text] = []
    render = maps_module._render

    def spy(*args: Any, **kwargs: Any) -> Any:
        fig = render(*args, **kwargs)
        texts.extend(fig.findobj(matplotlib.text.Text))
        return fig

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(maps_module, "_render", spy)
        # drawn in this process (not the forked child write_plan uses), so the spy sees it
        mp.setattr(write_module._MapsJob, "start", classmethod(lambda cls, *a, **k: None))
        plan.write(tmp / "maps", maps=True, html=False, tiles=None)
    return {"plan": plan, "maps": tmp / "maps", "texts": texts}


# ----------------------------------------------------------------------- HTML reading
class Page(HTMLParser):
    """Markup (tags with attributes), script bodies and text of an HTML page or fragment."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._open: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open = tag

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        (self.scripts if self._open in ("script", "style") else self.text).append(data)

    @property
    def names(self) -> Counter[str]:
        return Counter(tag for tag, _ in self.tags)

    def assert_inert(
        self, allowed: set[str] | None = None, own: frozenset[str] = frozenset()
    ) -> None:
        """Only ``allowed`` elements (or none of the dangerous ones but the page's ``own``),
        no event handler, no javascript: address."""
        names = set(self.names)
        assert not names & (EVIL_TAGS - own), names
        if allowed is not None:
            assert names <= allowed, names - allowed
        for tag, attrs in self.tags:
            assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
            for v in attrs.values():
                assert not (v or "").strip().lower().startswith("javascript:"), (tag, attrs)


def geojson_layers(script: str) -> Iterator[dict[str, Any]]:
    """The GeoJSON folium embeds (``geo_json_…_add({...});``, one a line)."""
    for m in re.finditer(r"geo_json_\w+_add\((\{.*\})\);\s*$", script, re.M):
        yield json.loads(m.group(1))


def template_literals(script: str) -> list[str]:
    """The backtick strings of a script (popup and tooltip HTML)."""
    return re.findall(r"`([^`]*)`", script)


def check_html_page(raw: str, route_names: list[str], ref: str | None = None) -> str:
    """Every check of one map.html; returns the page's visible text."""
    page = Page(raw)
    page.assert_inert(own=frozenset({"script", "style"}))  # folium's own, counted below
    if ref is not None:  # the same markup, element for element, as a page of plain names
        assert page.names == Page(ref).names
    tooltip_names = []
    popups = []
    for script in page.scripts:
        for layer in geojson_layers(script):
            for feature in layer["features"]:
                for key, value in feature["properties"].items():
                    if isinstance(value, str):  # tooltips set these as innerHTML
                        frag = Page(value)
                        assert not frag.tags, (key, value)
                        assert "`" not in value and "${" not in value, (key, value)
                        if key == "name":
                            tooltip_names.append(html.unescape(value))
        for lit in template_literals(script):
            body = lit
            for expr in FOLIUM_EXPR:
                body = body.replace(expr, "")
            assert "${" not in body, lit[:300]
            assert "\\" not in body, lit[:300]
            frag = Page(body)
            frag.assert_inert(allowed={"div", "b", "br", "table", "tr", "th", "td"})
            popups.append("".join(frag.text))
    # read back whole, unescaped once (JSON keeps a bare CR; XML and HTML text turn it to LF)
    tooltips = {shown(t) for t in tooltip_names}
    for name in route_names:
        assert shown(name) in tooltips, name
    return "".join(page.text) + "\n".join(popups)


def check_kml(text: str, route_names: list[str], title: str) -> None:
    root = ET.fromstring(text.encode("utf-8"))
    names = [e.text or "" for e in root.iter(f"{KML}name")]
    assert shown(title) in names[0]  # the document's name
    for name in route_names:
        assert shown(name) in names, name
    for desc in root.iter(f"{KML}description"):
        Page(desc.text or "").assert_inert(allowed={"table", "tr", "th", "td"})


def kmz_document(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        (kml,) = [n for n in z.namelist() if n.endswith(".kml")]
        return z.read(kml).decode("utf-8")


# ----------------------------------------------------------------------- the payload table
def test_payloads_reach_the_plan_whole(hostile: dict[str, Any]) -> None:
    names = set(hostile["plan"].area.routes["name"])
    for p in PAYLOADS:
        assert " ".join(p.split()) in names, p  # the reader only folds white space
    assert len(hostile["plan"].install) > 0


def test_html_map_keeps_every_payload_text(hostile: dict[str, Any]) -> None:
    raw = (hostile["out"] / "map.html").read_text(encoding="utf-8")
    ref = (hostile["ref"] / "map.html").read_text(encoding="utf-8")
    routes = list(hostile["plan"].area.routes["name"])
    visible = check_html_page(raw, routes, ref)
    for p in PAYLOADS:
        if set(p) & set('<>"`$\\'):
            assert " ".join(p.split()) not in raw, p  # never verbatim in the page
    for sub in ("<img", "<svg", "<script>alert", "${alert"):
        assert sub not in raw, sub
    # the title (control characters, very long) is one text, shown whole
    assert shown(WARD_NAME) in visible
    # popups of new cameras name their route, unescaped exactly once
    on_routes = {str(n) for n in hostile["plan"].install["route_name"] if n}
    assert on_routes and all(n in visible for n in on_routes)


@pytest.mark.parametrize("file", ["plan.kml", "plan.kmz"])
def test_kml_round_trips_every_payload(hostile: dict[str, Any], file: str) -> None:
    path = hostile["out"] / file
    text = path.read_text(encoding="utf-8") if file.endswith(".kml") else kmz_document(path)
    routes = list(hostile["plan"].area.routes["name"])
    check_kml(text, routes, WARD_NAME)
    root = ET.fromstring(text.encode("utf-8"))
    descriptions = "".join("".join(Page(d.text or "").text) for d in root.iter(f"{KML}description"))
    on_routes = {str(n) for n in hostile["plan"].install["route_name"] if n}
    assert on_routes and all(n in descriptions for n in on_routes)
    assert "&lt;" in [e.text for e in root.iter(f"{KML}name")]  # not "<": unescaped once


def test_printed_maps_draw_names_as_plain_text(printed: dict[str, Any]) -> None:
    assert (printed["maps"] / "maps.pdf").stat().st_size > 0  # math payloads did not crash
    assert (printed["maps"] / "map.png").stat().st_size > 0
    texts = printed["texts"]
    drawn = [t.get_text() for t in texts]
    math = [t.get_text() for t in texts if "$" in t.get_text() and t.get_parse_math()]
    assert not math, math[:5]
    for p in MATH:
        assert any(p in d for d in drawn), p  # drawn verbatim (title or label)


# ----------------------------------------------------------------------- the explorer
@pytest.fixture(scope="module")
def explorer(hostile: dict[str, Any]) -> PlanExplorer:
    area = hostile["plan"].area
    return PlanExplorer(
        area, background=False, headings=4, spacing_m=10, site_spacing_m=20, time_limit_s=30
    )


@pytest.mark.parametrize("payload", [*PAYLOADS, WARD_NAME])
def test_explorer_status_is_text(explorer: PlanExplorer, payload: str) -> None:
    explorer._status(payload)
    page = Page(explorer.controls["status"].value)
    page.assert_inert(allowed={"i"})
    assert "".join(page.text) == payload


def test_explorer_pinned_and_numbers_are_text(explorer: PlanExplorer) -> None:
    assert explorer.plan is not None
    site = str(explorer.plan.sites["site_id"].iloc[0])
    explorer.pin(site)
    for payload in PAYLOADS[:4]:
        with use_lang("en"), pytest.raises(InputError, match="unknown site"):
            explorer.forbid(payload)  # an unknown site: refused, but shown on the panel
    page = Page(explorer.controls["pinned"].value)
    page.assert_inert(allowed={"br"})
    text = "".join(page.text)
    assert site in text and all(p in text for p in PAYLOADS[:4])
    numbers = Page(explorer.controls["numbers"].value)
    numbers.assert_inert(allowed={"table", "tr", "td", "b"})
    # the site dropdown shows the route names as they are (its labels are text, not HTML)
    labels = " ".join(t for t, _ in explorer.controls["site"].options)
    assert "<img src=x onerror=alert(1)>" in labels
    for payload in PAYLOADS[:4]:
        explorer.options = explorer.options.with_site(payload, None)
    explorer.release(site)
    assert explorer.controls["pinned"].value == ""


# ----------------------------------------------------------------------- generated cases
HOSTILE_ALPHABET = st.sampled_from(list("aKiệtđ <>&\"'`$\\{}[]!-/;:=()#%*^_~.|?@"))
hostile_text = st.text(HOSTILE_ALPHABET, min_size=1, max_size=40).filter(lambda s: s.strip())
any_text = st.one_of(
    st.text(max_size=60),
    st.text(st.characters(codec="utf-8", min_codepoint=0, max_codepoint=0x7F), max_size=60),
    hostile_text,
    st.lists(st.sampled_from(PAYLOADS + JINJA_PAYLOADS), min_size=1, max_size=4).map("".join),
)
#: Any text, Jinja syntax included (``html_text`` escapes braces).
html_any = any_text


@settings(max_examples=500, deadline=None)
@given(text=html_any)
def test_html_text_is_inert_and_whole(text: str) -> None:
    out = html_text(text)
    assert not set(out) & set("<>\"'`$\\{}")
    page = Page(f"<div title='{out}'>{out}</div>")
    assert list(page.names) == ["div"]
    assert page.tags[0][1]["title"] == NOT_XML.sub("\ufffd", text)
    assert "".join(page.text) == NOT_XML.sub("\ufffd", text)
    assert html.unescape(out) == NOT_XML.sub("\ufffd", text)


@settings(max_examples=500, deadline=None)
@given(text=any_text)
def test_xml_text_and_cdata_round_trip(text: str) -> None:
    root = ET.fromstring(f"<a><n>{xml_text(text)}</n><d>{cdata(text)}</d></a>".encode())
    assert root.findtext("n") == shown(text)
    assert root.findtext("d") == shown(text)
    assert len(root) == 2


@settings(max_examples=500, deadline=None)
@given(text=any_text)
def test_html_in_cdata_round_trips(text: str) -> None:
    """A KML description: escaped HTML in CDATA, read back as HTML by a phone."""
    root = ET.fromstring(f"<d>{cdata('<td>' + xml_text(text) + '</td>')}</d>".encode())
    page = Page(root.text or "")
    assert list(page.names) == ["td"]
    assert "".join(page.text) == shown(text)


def renamed(layers: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The layers of a real plan with its route names (and new cameras' routes) swapped."""
    out = dict(layers)
    routes = layers["routes"].copy()
    routes["name"] = [names[i % len(names)] for i in range(len(routes))]
    out["routes"] = routes
    new = layers["new_cameras"].copy()
    new["route_name"] = [names[-1 - i % len(names)] for i in range(len(new))]
    out["new_cameras"] = new
    return out


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(html_any.filter(lambda s: s.strip()), min_size=1, max_size=4))
def test_generated_names_in_html_map(hostile: dict[str, Any], names: list[str]) -> None:
    layers = renamed(hostile["plan"].layers(), names)
    raw = html_map(layers, tiles=None, title=names[0])
    visible = check_html_page(raw, names)

    def flat(text: str) -> str:  # HTML collapses white space: compare what a reader sees
        return " ".join(shown(text).split())

    assert flat(names[0]) in flat(visible)
    for n in layers["new_cameras"]["route_name"]:
        assert flat(n) in flat(visible)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(any_text.filter(lambda s: s.strip()), min_size=1, max_size=4))
def test_generated_names_in_kml(hostile: dict[str, Any], names: list[str]) -> None:
    layers = renamed(hostile["plan"].layers(), names)
    text = kml_document(layers, title=names[0])
    check_kml(text, names, names[0])
    root = ET.fromstring(text.encode("utf-8"))
    descriptions = "".join("".join(Page(d.text or "").text) for d in root.iter(f"{KML}description"))
    for n in layers["new_cameras"]["route_name"]:
        assert shown(n) in descriptions


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(names=st.lists(hostile_text.filter(lambda s: not JINJA.search(s)), min_size=2, max_size=3))
def test_generated_wards_planned_and_written(
    tmp_path_factory: pytest.TempPathFactory, names: list[str]
) -> None:
    tmp = tmp_path_factory.mktemp("generated")
    plan = plan_of(ward_osm(tmp / "ward.osm", names), name=names[0])
    plan.write(tmp / "out", maps=False, tiles=None)
    routes = list(plan.area.routes["name"])
    check_html_page((tmp / "out" / "map.html").read_text(encoding="utf-8"), routes)
    check_kml((tmp / "out" / "plan.kml").read_text(encoding="utf-8"), routes, names[0])
    check_kml(kmz_document(tmp / "out" / "plan.kmz"), routes, names[0])


@pytest.mark.parametrize("payload", JINJA_PAYLOADS)
def test_jinja_syntax_in_names_is_not_evaluated(hostile: dict[str, Any], payload: str) -> None:
    assert not JINJA.search(html_text(payload))
    layers = renamed(hostile["plan"].layers(), [payload])
    raw = html_map(layers, tiles=None, title=payload)
    check_html_page(raw, [payload])
    # written as text (escaped), never evaluated: "{{ 7*7 }}" does not become "49"
    assert html_text(payload) in raw
