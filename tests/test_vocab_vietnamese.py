"""No English word in a Vietnamese output (issue 13), and a vocabulary that has both languages.

The demo plan, its route atlas, ``covplan survey check``/``template``/``convert``,
``covplan verify`` and a few errors are run with ``--lang vi``; every text a person reads is
scanned: CSV and XLSX cells and headers, ``summary.txt``, the GeoPackage's aliases, value
words and text fields, KML/KMZ names and descriptions, the HTML map's visible text and
popups, and the commands' stdout and stderr. A token is English when it is in
:data:`ENGLISH` (a few hundred common words plus every word of the vocabulary's English
side) and not a proper noun, unit or code of :data:`WHITELIST` or a name of the data.

What the other engineers of issue 13 still print is listed in :data:`KNOWN_ENGLISH`, one
commented entry per output and word, for the lead to remove when it is fixed; nothing is
skipped silently.
"""

from __future__ import annotations

import contextlib
import csv
import html.parser
import importlib
import io
import json
import pkgutil
import re
import sqlite3
import string
import sys
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import cv2
import geopandas as gpd
import numpy as np
import openpyxl
import pytest
from shapely.geometry import Point

import covplan.vocab
from covplan import datasets
from covplan.cli import main
from covplan.vocab.fields import CODED

DATA = Path(__file__).parent / "input_data" / "survey"

# ----------------------------------------------------------------------------- word lists

#: Common English words (function words and the words of this domain).
COMMON_ENGLISH = set(
    """
    a about above across after again against all almost along already also although always
    am among amount and another any anything are area around as ask asked at away back
    bad be because been before being below best better between both but by call called
    came can cannot could day did different does doing done down during each early either
    else end enough even ever every example few find first for found from full further
    get give given go going good got great had has have having he her here high him his
    how however if into is it its just keep kept kind know large last later least left
    less let like line list little long look made make many may me might more most much
    must my near need needed never new next no none nor not nothing now number of off
    often old on once one only open or other our out over own part per place point
    possible put rather read really right same say second see seen set several shall she
    should show shown side since small so some something still such take than that the
    their them then there these they thing this those though three through time to too
    two under until up upon us use used using very want was way we well were what when
    where whether which while who whole why will with within without would yes yet you
    your true false null nan unknown unseen none planned cost costs pole poles wall walls
    edge site sites kind camera cameras route routes street streets alley alleys lane
    lanes path paths house houses household households business agency school public
    owner owners name names phone address group groups ward wards map maps page pages
    file files folder sheet sheets row rows column columns value values error errors
    warning warnings problem problems check checked checks fail failed failure pass
    passed verify verified verdict reason reasons note notes motion picture frame frames
    clip stream target targets level levels heading direction height tilt range width
    length distance seconds minutes days hours price total share coverage covered
    partial uncovered optimal optimum bound gap greedy solver solve stage stages plan
    planning install installed installation mount mounts reaim re aim aimed kept keep
    unused existing surveyed contacted agreed adjusted declined detect observe recognise
    recognize identify along intersection roadside bend gate fence steel lamp power
    cable labour labor storage connectivity card recorder router adapter injector
    electricity monthly budget phase pilot scenario front pareto spent raised money
    contribution spending visit visited answer done late due progress history summary
    ledger receipt receipts invoice invoices decision decisions meeting ballot other
    legend scale north south east west northeast northwest southeast southwest start
    finish outside inside missing read written write wrote writing save saved loaded
    load cannot could couldn't isn't doesn't don't won't invalid required unrecognized
    arguments argument expected choice choose option options flag help usage interrupted
    unchanged memory space disk permission denied such directory exist exists found
    offline online network loading loaded static library print printed draft demo
    synthetic data contributors layer layers style styles report table tables id ids
    code codes spec specs model class ordinary catalogue whole done stopped stop pin
    forbid forbidden pinned release solve optimising targets sites poses lists write
    maps atlas gis stage file page sign signed tick notes ask asked agree agreement
    consent nobody company committee wifi sim bullet dome fisheye panning fixed dead
    zone near far nearest farthest view views cone cones seen sees seeing sees yes no
    """.split()
)

#: Vietnamese syllables that are also English words when written without marks: kept out.
VIETNAMESE_ASCII = set(
    """
    an in to do me ma may can con ban bang long hang tin sang nam tong thi chi khi gia
    ca cu cho la ha lo mo so tam hay nay pin bo hai ba bay tu
    """.split()
)

#: Proper nouns, units and codes allowed in a Vietnamese output (lower case).
WHITELIST = set(
    """
    covplan highs cbc gis camera video ip rtsp rtsps http https osm openstreetmap vnd vnđ km m
    mm cm px mp gb
    sim poe wi fi ptz dori pareto geojson geopackage gpkg kml kmz pdf png jpg csv xlsx
    xls html url epsg utm ir bgr qgis kobotoolbox kobo xlsform odk leaflet google
    hikvision dahua json ubnd tdp dpi mjpeg gps lat lon vn api dms ok
    """.split()
)

# ----------------------------------------------------------------------------- allow-list

#: English still printed by the other rooms of issue 13: (output, word) → where it comes
#: from. The lead removes an entry when its room is fixed (the test then keeps it fixed).
#: ``output`` is the scanned output's name (a file name, ``stdout:…`` or ``stderr:…``).
KNOWN_ENGLISH: dict[tuple[str, str], str] = {}

#: Words of a file format that a reader looks up (not prose): (output, word) → why.
FORMAT_KEYS: dict[tuple[str, str], str] = {
    # the register's sheets are found by these names (covplan.survey._sheets, write.py,
    # register.record_verification); a Vietnamese name would need every reader changed
    ("form/survey-form.xlsx", "cameras"): "sheet name the survey readers look up",
    ("register.xlsx", "cameras"): "sheet name the survey readers look up",
    ("register.xlsx", "contacts"): "sheet name the survey readers look up",
    ("register.xlsx", "verifications"): "sheet name record_verification looks up",
}


# ----------------------------------------------------------------------------- tokeniser

_CODE_SPANS = (
    re.compile(r"`[^`]*`"),  # a literal to type: `covplan survey template`
    re.compile(r"\{[^{}]*\}"),  # a vocabulary placeholder: {alley}
    re.compile(
        r"\bcovplan(?:\s+(?:plan|demo|atlas|survey|check|template|convert|verify|campaign|"
        r"batch|watch))*"
    ),  # the command and its subcommands
    re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.I),  # URLs
    re.compile(r"(?<![\w/])(?:/|\./|~/)[^\s'\"),;]+"),  # paths
    re.compile(r"\b[\w.-]+/(?=[\s)]|$)"),  # a folder: pages/
    re.compile(
        r"[\w.-]+\.(?:csv|xlsx|xls|pdf|png|kml|kmz|gpkg|geojson|json|txt|html|osm|bz2|gz|"
        r"qml|db|mp4|avi|jpg|js|css)\b",
        re.I,
    ),
    re.compile(r"(?<![\w-])--?[a-z][\w-]*", re.I),  # flags
    re.compile(r"\b\w+=\S+"),  # key=value
    re.compile(r"\b\w*_\w+\b"),  # snake_case field names
    re.compile(r"\b(?:Google (?:Maps|Earth)|Microsoft Excel)\b"),  # product names
    re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b"),  # CamelCase (InputError, OpenStreetMap)
)
_ID = re.compile(r"[\w.]+(?:[-/#@:][\w.]+)+")
_WORD = re.compile(r"[^\W\d_]+")


def _strip_codes(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    for pattern in _CODE_SPANS:
        text = pattern.sub(" ", text)
    # ids hold a digit (kiet-12-5-chi-lang, node/25, own-620f…, EPSG:4326); words do not
    return _ID.sub(lambda m: " " if re.search(r"\d", m.group()) else m.group(), text)


def english_words(text: str, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Return the English tokens of ``text`` (codes, ids, URLs, flags and names skipped).

    Parameters
    ----------
    text
        Any text a person reads.
    allowed
        Further tokens allowed (the data's own names), compared as written and lower-cased.

    Returns
    -------
    list of str
        The English tokens, in order.
    """
    out = []
    for token in _WORD.findall(_strip_codes(text)):
        low = token.lower()
        if len(token) < 2 or not token.isascii() or low in WHITELIST:
            continue
        if token in allowed or low in allowed:
            continue
        if low in ENGLISH:
            out.append(token)
    return out


def _vocab_tables() -> Iterator[tuple[str, str, dict[str, str]]]:
    """Every (table, key, {vi, en}) entry of covplan.vocab and its modules."""
    modules = [covplan.vocab]
    for info in pkgutil.iter_modules(covplan.vocab.__path__):
        modules.append(importlib.import_module(f"covplan.vocab.{info.name}"))
    for mod in modules:
        for name, table in vars(mod).items():
            if not isinstance(table, dict):
                continue
            for key, entry in table.items():
                if isinstance(entry, dict) and set(entry) == {"vi", "en"}:
                    yield f"{mod.__name__}.{name}", str(key), entry
                elif isinstance(entry, dict):
                    for sub, e2 in entry.items():
                        if isinstance(e2, dict) and set(e2) == {"vi", "en"}:
                            yield f"{mod.__name__}.{name}.{key}", str(sub), e2


def _english_of_vocabulary() -> set[str]:
    """The words of the vocabulary's English side that its Vietnamese side never uses."""
    words: set[str] = set()
    vi_words: set[str] = set()
    for _, _, entry in _vocab_tables():
        for token in _WORD.findall(_strip_codes(entry["en"])):
            if token.isascii() and len(token) > 1:
                words.add(token.lower())
        if entry["vi"] != entry["en"]:
            vi_words |= {t.lower() for t in _WORD.findall(_strip_codes(entry["vi"]))}
    return words - (vi_words - COMMON_ENGLISH)


#: Every word that counts as English.
ENGLISH: set[str] = (COMMON_ENGLISH | _english_of_vocabulary()) - VIETNAMESE_ASCII - WHITELIST


# ----------------------------------------------------------------------------- extractors


class _Text(html.parser.HTMLParser):
    """Visible text of an HTML page (and of HTML held in its scripts' strings)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._script: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("title", "alt", "placeholder", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            head = data.lstrip()[:400]
            if not re.search(r"Leaflet|@license|Copyright|\(c\) \d{4}", head):  # a library
                self._script.append(data)
        elif data.strip():
            self.parts.append(data)

    def texts(self) -> list[str]:
        """The visible texts, then the texts of HTML and tooltips inside scripts."""
        out = list(self.parts)
        for code in self._script:
            for literal in re.findall(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`', code):
                raw = literal[0] or literal[1]
                try:
                    value = json.loads(f'"{raw}"') if literal[0] else raw
                except json.JSONDecodeError:
                    value = raw
                value = re.sub(r"\$\{[^}]*\}", " ", value)  # a JavaScript expression
                if "<" in value and ">" in value:
                    inner = _Text()
                    inner.feed(value)
                    out += inner.parts
                elif " " in value.strip() and not re.search(r"[{};=()]|^\W", value):
                    if value != "use strict":
                        out.append(value)  # a sentence of the page's data or words
        for code in self._script:  # tooltips and popups given as plain strings
            for m in re.finditer(r"\.bind(?:Tooltip|Popup)\(\s*\"((?:[^\"\\]|\\.)*)\"", code):
                out.append(json.loads(f'"{m.group(1)}"'))
        return out


def _html_texts(text: str) -> list[str]:
    parser = _Text()
    parser.feed(text)
    return parser.texts()


def _kml_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    out = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag in ("name", "description", "text", "Snippet", "displayName", "value") and el.text:
            out += _html_texts(el.text) if "<" in el.text else [el.text]
    return out


def _xlsx_texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    out = []
    if "survey" in wb.sheetnames and "choices" in wb.sheetnames:
        # an XLSForm: its sheet and column names and its `name` codes are the XLSForm
        # standard's keywords; what a person reads is the Vietnamese label/hint columns
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            if not rows:
                continue
            vi = [i for i, h in enumerate(rows[0]) if isinstance(h, str) and h.endswith("(vi)")]
            out += [r[i] for r in rows[1:] for i in vi if i < len(r) and isinstance(r[i], str)]
        return out
    for ws in wb.worksheets:
        out.append(ws.title)
        for row in ws.iter_rows(values_only=True):
            out += [v for v in row if isinstance(v, str)]
    return out


#: Layer fields that hold codes, ids or OSM tags (shown through aliases and value maps).
_GPKG_CODE_FIELDS = {"u", "v", "osmid", "segment_id", "folded_from", "code", "number", "no"}
_GPKG_OSM_TAGS = {"highway", "service", "access", "footway"}


def _gpkg_texts(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        schema = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = []
        if "gpkg_data_columns" in schema:
            out += [r[0] for r in con.execute("SELECT name FROM gpkg_data_columns") if r[0]]
            out += [r[0] for r in con.execute("SELECT title FROM gpkg_data_columns") if r[0]]
        if "gpkg_data_column_constraints" in schema:
            sql = "SELECT description FROM gpkg_data_column_constraints"
            out += [r[0] for r in con.execute(sql) if r[0]]
        for (qml,) in con.execute("SELECT styleQML FROM layer_styles"):
            root = ET.fromstring(qml)
            out += [c.get("label", "") for c in root.iter("category")]
            out += [a.get("name", "") for a in root.iter("alias")]
        tables = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
        for table in tables:
            if table == "layer_styles":
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            if "gpkg_data_columns" not in schema:  # no aliases: QGIS shows the field names
                out += [c.replace("_", " ") for c in cols if c not in ("fid", "geom")]
            coded = {
                c: {
                    v
                    for (v,) in con.execute(
                        "SELECT value FROM gpkg_data_column_constraints WHERE constraint_name "
                        "= (SELECT constraint_name FROM gpkg_data_columns WHERE table_name=? "
                        "AND column_name=?)",
                        (table, c),
                    )
                }
                for c in cols
                if c in CODED and "gpkg_data_column_constraints" in schema
            }
            for c in cols:
                if c in _GPKG_CODE_FIELDS | _GPKG_OSM_TAGS or c.endswith("_id") or c == "geom":
                    continue
                for (v,) in con.execute(f'SELECT DISTINCT "{c}" FROM "{table}"'):
                    if not isinstance(v, str):
                        continue
                    if c in coded and v in coded[c]:
                        continue  # a code with its word in the value map
                    out.append(v)
    finally:
        con.close()
    return out


def texts_of(path: Path) -> list[str]:
    """Return the texts a person reads in an output file (empty for other files).

    Parameters
    ----------
    path
        A file written by covplan.

    Returns
    -------
    list of str
        Its texts.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [c for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))) for c in row]
    if suffix == ".xlsx":
        return _xlsx_texts(path)
    if suffix == ".txt":
        return [path.read_text("utf-8")]
    if suffix == ".gpkg":
        return _gpkg_texts(path)
    if suffix == ".kml":
        return _kml_texts(path.read_bytes())
    if suffix == ".kmz":
        with zipfile.ZipFile(path) as z:
            return [t for n in z.namelist() if n.endswith(".kml") for t in _kml_texts(z.read(n))]
    if suffix == ".html":
        return _html_texts(path.read_text("utf-8"))
    return []


# ----------------------------------------------------------------------------- the runs


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def _clip(path: Path) -> Path:
    """A dark, featureless clip: the lens-covered and no-motion reasons."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5, (320, 240))
    rng = np.random.default_rng(0)
    for _ in range(8):
        writer.write(
            np.full((240, 320, 3), 3, np.uint8) + rng.integers(0, 2, (240, 320, 3), np.uint8)
        )
    writer.release()
    return path


def _survey_words() -> set[str]:
    """Every word of the registers ``survey check`` reads (it quotes their headers and cells)."""
    words: set[str] = set()
    for path in DATA.glob("*.csv"):
        words |= set(_WORD.findall(path.read_text("utf-8-sig")))
    return words


def _data_names() -> set[str]:
    """The demo data's own words: route, group and owner names, addresses."""
    names: set[str] = set()
    texts = [datasets.get_path("demo-survey.csv").read_text("utf-8-sig")]
    texts += [datasets.get_path("demo-groups.geojson").read_text("utf-8")]
    osm = datasets.get_path("demo-ward.osm").read_text("utf-8")
    texts += re.findall(r'k="(?:name|addr:street)" v="([^"]*)"', osm)
    for t in texts:
        names |= {w for w in _WORD.findall(t) if not w.isascii() or w[0].isupper()}
    return names - {w.title() for w in ENGLISH} - {w.upper() for w in ENGLISH}


@pytest.fixture(scope="module")
def vi_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Run the commands in Vietnamese; return output name → the texts a person reads."""
    tmp = tmp_path_factory.mktemp("vi")
    outputs: dict[str, list[str]] = {}

    def record(name: str, argv: list[str]) -> int:
        code, out, err = _run(["--lang", "vi", *argv])
        outputs[f"stdout:{name}"] = [out]
        outputs[f"stderr:{name}"] = [_no_tqdm_numbers(err)]
        return code

    demo = tmp / "demo"
    record("demo", ["demo", "--out", str(demo), "--no-tiles", "--no-maps"])
    for path in sorted(demo.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(demo).parts)
        if path.is_file() and not hidden and texts_of(path):
            outputs[str(path.relative_to(demo))] = texts_of(path)
    record("survey check", ["survey", "check", str(DATA / "problems.csv")])
    ward = tmp / "ward.geojson"
    gpd.GeoDataFrame(geometry=[Point(107.59, 16.47).buffer(0.01)], crs=4326).to_file(ward)
    record("survey check --boundary", ["survey", "check", str(DATA / "problems.csv"),
                                       "--boundary", str(ward)])  # fmt: skip
    record("survey check kobo", ["survey", "check", str(DATA / "kobo-export.csv")])
    record("survey check missing", ["survey", "check", str(tmp / "missing.csv")])
    record("survey template", ["survey", "template", "--out", str(tmp / "form")])
    for path in sorted((tmp / "form").glob("*.xlsx")):
        outputs[f"form/{path.name}"] = texts_of(path)
    record("survey convert", ["survey", "convert", str(DATA / "demo-survey.csv"),
                              str(tmp / "register.xlsx")])  # fmt: skip
    outputs["register.xlsx"] = texts_of(tmp / "register.xlsx")
    clip = _clip(tmp / "clip.avi")
    targets = tmp / "targets.geojson"
    gpd.GeoDataFrame(
        {"level": ["recognise"] * 3},
        geometry=[Point(107.5901, 16.4701 + 0.00005 * i) for i in range(3)],
        crs=4326,
    ).to_file(targets)
    pose = ["--lon", "107.59", "--lat", "16.47", "--heading", "200", "--hfov", "90"]
    record("verify", ["verify", "--source", str(clip), "--frames", "8", "--targets", str(targets),
                      *pose])  # fmt: skip
    record("verify no pose", ["verify", "--source", str(clip), "--frames", "1"])
    record("verify bad pose", ["verify", "--source", str(clip), "--lon", "107.59", "--lat",
                               "16.47", "--heading", "400", "--hfov", "90"])  # fmt: skip
    record("plan bad flag", ["plan", "--osm", "x.osm", "--solver", "gurobi"])
    record("plan bad level", ["plan", "--osm", "x.osm", "--level", "alley=sharp"])
    record("plan missing file", ["plan", "--osm", str(tmp / "none.osm"), "--out", str(tmp / "p")])
    record("plan no area", ["plan"])
    return outputs


def _no_tqdm_numbers(text: str) -> str:
    """Progress bars keep their words; their counters and rates are numbers."""
    return re.sub(r"\[[^\]]*\]", " ", text.replace("\r", "\n"))


def _findings(outputs: dict[str, list[str]]) -> dict[str, Counter[str]]:
    names, survey = _data_names(), _survey_words()
    found: dict[str, Counter[str]] = {}
    for name, texts in outputs.items():
        allowed = names | survey if name.startswith(("stdout:survey check", "check")) else names
        words = Counter(w for t in texts for w in english_words(t, allowed))
        if words:
            found[name] = words
    return found


# ----------------------------------------------------------------------------- the tests


def test_the_scanner_catches_english_and_passes_vietnamese() -> None:
    assert english_words("The camera was not seen: check the heading") == [
        "The", "was", "not", "seen", "check", "the", "heading",
    ]  # fmt: skip
    assert english_words("Camera lắp mới N01 ở Kiệt 12/5 Chi Lăng, 3.5 m, 2 MP, IP, DORI") == []
    assert english_words("site_kind=edge --heading `covplan survey template` node/25") == []
    assert english_words("kiet-12-5-chi-lang alley-w3gv7gfx re-aim") == ["re", "aim"]
    assert english_words("Mã vị trí: planned, True") == ["planned", "True"]
    assert "planned" in ENGLISH and "pole" in ENGLISH and "camera" not in ENGLISH


def test_every_vocabulary_entry_has_both_languages_in_nfc() -> None:
    bad = []
    for table, key, entry in _vocab_tables():
        for lang in ("vi", "en"):
            text = entry[lang]
            if not isinstance(text, str) or not text.strip():
                bad.append(f"{table}[{key!r}].{lang} is empty")
            elif unicodedata.normalize("NFC", text) != text:
                bad.append(f"{table}[{key!r}].{lang} is not NFC")
        fields = [
            {f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
            for lang in ("vi", "en")
        ]
        if fields[0] != fields[1] and not fields[0] <= fields[1]:
            bad.append(f"{table}[{key!r}] placeholders differ: vi {fields[0]} en {fields[1]}")
    assert not bad, "\n".join(bad)


#: Vietnamese vocabulary entries that quote English on purpose (a word to type or a code).
VOCAB_VI_ENGLISH: dict[str, set[str]] = {
    # covplan/vocab/explorer.py (notebook explorer's room): the catalogue's class word in
    # parentheses; the lead decides whether "mắt cá" alone is enough
    "covplan.vocab.explorer.EXPLORER[camera_class_tip]": {"fisheye"},
}


def test_the_vietnamese_side_of_the_vocabulary_has_no_english() -> None:
    bad = []
    for table, key, entry in _vocab_tables():
        words = set(english_words(entry["vi"])) - VOCAB_VI_ENGLISH.get(f"{table}[{key}]", set())
        if words and entry["vi"] != entry["en"]:
            bad.append(f"{table}[{key!r}]: {sorted(words)} in {entry['vi']!r}")
    assert not bad, "\n".join(bad)


def test_no_english_word_in_the_vietnamese_outputs(vi_outputs: dict[str, list[str]]) -> None:
    found = _findings(vi_outputs)
    left = {
        name: {
            w: n
            for w, n in words.items()
            if (name, w.lower()) not in KNOWN_ENGLISH and (name, w.lower()) not in FORMAT_KEYS
        }
        for name, words in found.items()
    }
    left = {name: words for name, words in left.items() if words}
    report = "\n".join(f"{name}: {dict(words)}" for name, words in sorted(left.items()))
    assert not left, f"English words in Vietnamese outputs:\n{report}"


def test_the_scan_covers_every_kind_of_output(vi_outputs: dict[str, list[str]]) -> None:
    names = set(vi_outputs)
    for must in ("install.csv", "install.xlsx", "summary.txt", "plan.gpkg", "plan.kml",
                 "plan.kmz", "map.html", "atlas/routes.csv", "stdout:demo", "stderr:demo",
                 "stdout:survey check", "stdout:verify", "stderr:plan bad flag"):  # fmt: skip
        assert must in names, must
        assert any(t.strip() for t in vi_outputs[must]), must


def main_report() -> None:  # pragma: no cover - `python tests/test_vocab_vietnamese.py DIR`
    """Print the findings (counts by output) of a run into a folder, for the issue's note."""
    out = Path(sys.argv[1])
    outputs = {str(p.relative_to(out)): texts_of(p) for p in sorted(out.rglob("*")) if p.is_file()}
    for name, words in sorted(_findings({k: v for k, v in outputs.items() if v}).items()):
        print(f"{name}: {sum(words.values())} {dict(words.most_common(12))}")


if __name__ == "__main__":  # pragma: no cover
    main_report()
