"""Hostile and broken OSM files (issue 18, classes 2, 10 and 11): each a clear error.

Entity bombs of every shape, coordinate garbage, over-long tags, conflicting
duplicate ids, foreign encodings and folders are generated here, in plain, gzip
and bzip2 files; every one must give one :class:`covplan.InputError` that says what
is wrong, fast and before anything expands.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from covplan import InputError, area_from_xml
from covplan.area import read_osm_bounds
from covplan.cli import main
from covplan.vocab.messages import use_lang


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests check the English messages (the Vietnamese ones: test_messages_lang)."""
    with use_lang("en"):
        yield


HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def osm(
    *, name: str = "Kiệt 5", lat: str = "16.4651", lon: str = "107.5890", doctype: str = "",
    highway: str = "service", extra: str = "", head: str = HEAD,
) -> str:  # fmt: skip
    """A tiny OSM file: three nodes and one way, with the pieces a case swaps in."""
    return (
        f'{head}{doctype}<osm version="0.6">\n'
        ' <bounds minlat="16.4649" minlon="107.5879" maxlat="16.4675" maxlon="107.5915"/>\n'
        ' <node id="1" lat="16.4650" lon="107.5880"/>\n'
        f' <node id="2" lat="{lat}" lon="{lon}"/>\n'
        ' <node id="3" lat="16.4660" lon="107.5900"/>\n'
        ' <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
        f'<tag k="highway" v="{highway}"/><tag k="name" v="{name}"/></way>\n'
        f" {extra}\n</osm>\n"
    )


def write(tmp: Path, text: str | bytes, suffix: str = ".osm") -> Path:
    """Write a case as ``.osm``, ``.osm.gz`` or ``.osm.bz2``."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    path = tmp / f"case{suffix}"
    if suffix.endswith(".gz"):
        data = gzip.compress(data)
    elif suffix.endswith(".bz2"):
        data = bz2.compress(data)
    path.write_bytes(data)
    return path


def refused(path: Path, *words: str, seconds: float = 5.0) -> str:
    """Read ``path``; it must raise an InputError naming ``words``, within ``seconds``."""
    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        read_osm_bounds(path)
    assert time.perf_counter() - t0 < seconds
    text = str(err.value)
    assert len(text) < 600, "a bounded message (nothing expanded into it)"
    for w in words:
        assert w.lower() in text.lower(), text
    return text


# ------------------------------------------------------------------ class 2: entities
_LAUGHS = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "ha" * 5}">' for i in range(10))
BOMBS = {
    "billion laughs (nested internal)": (f"<!DOCTYPE osm [{_LAUGHS}]>\n", "&e9;"),
    "quadratic blow-up": (f'<!DOCTYPE osm [<!ENTITY a "{"x" * 50_000}">]>\n', "&a;" * 200),
    "one internal entity": ('<!DOCTYPE osm [<!ENTITY n "Kiệt">]>\n', "&n;"),
    "external entity (file)": ('<!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', "&x;"),
    "external entity (http)": (
        '<!DOCTYPE osm [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>\n',
        "&x;",
    ),
    "parameter entity": ("<!DOCTYPE osm [<!ENTITY % p \"<!ENTITY q 'boom'>\"> %p;]>\n", "&q;"),
    "external DTD": ('<!DOCTYPE osm SYSTEM "http://127.0.0.1:9/osm.dtd">\n', "x"),
    "empty DOCTYPE": ("<!DOCTYPE osm>\n", "x"),
}


@pytest.mark.parametrize("suffix", [".osm", ".osm.gz", ".osm.bz2"])
@pytest.mark.parametrize("shape", sorted(BOMBS))
def test_entity_bombs_are_refused(tmp_path, shape, suffix):
    doctype, name = BOMBS[shape]
    path = write(tmp_path, osm(doctype=doctype, name=name), suffix)
    assert path.stat().st_size < 60_000
    refused(path, "DTD", seconds=3)
    with pytest.raises(InputError, match="DTD"):
        area_from_xml(path)  # the loader refuses it before osmnx sees it


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    depth=st.integers(1, 12),
    fan=st.integers(2, 30),
    seed=st.text(alphabet="abcxyzđê", min_size=1, max_size=20),
)
def test_generated_nested_entities_never_expand(tmp_path, depth, fan, seed):
    ents = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * fan if i else seed}">' for i in range(depth))
    path = write(tmp_path, osm(doctype=f"<!DOCTYPE osm [{ents}]>\n", name=f"&e{depth - 1};"))
    refused(path, "DTD", seconds=3)


# ------------------------------------------------------------------ class 10: coordinates
GARBAGE = ["nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e999", "95", "-90.5", "",
           "abc", "16,4651", "0x10"]  # fmt: skip


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("attr", ["lat", "lon"])
def test_coordinate_garbage_is_an_error(tmp_path, attr, value):
    if attr == "lon" and value in ("95", "-90.5"):
        value = {"95": "180.5", "-90.5": "-200"}[value]  # in range for a longitude
    path = write(tmp_path, osm(**{attr: value}))
    refused(path, "node 2", "coordinates must be finite")


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lat=st.floats(allow_nan=True, allow_infinity=True),
    lon=st.floats(allow_nan=True, allow_infinity=True),
)
def test_generated_coordinates_are_checked(tmp_path, lat, lon):
    path = write(tmp_path, osm(lat=repr(lat), lon=repr(lon)))
    ok = lat == lat and lon == lon and -90 <= lat <= 90 and -180 <= lon <= 180
    if ok:
        assert read_osm_bounds(path)[1] == 3
    else:
        refused(path, "coordinates must be finite")


# ------------------------------------------------------------------ tag lengths
@pytest.mark.parametrize("n", [256, 1_000, 100_000, 1_000_005])
@pytest.mark.parametrize("where", ["value", "key"])
def test_over_long_tags_are_refused(tmp_path, n, where):
    big = "ả" * n
    extra = (
        f'<node id="4" lat="16.466" lon="107.59"><tag k="name" v="{big}"/></node>'
        if where == "value"
        else f'<node id="4" lat="16.466" lon="107.59"><tag k="{big}" v="x"/></node>'
    )
    refused(write(tmp_path, osm(extra=extra)), "characters long", "allows 255")


def test_a_tag_of_255_characters_is_read(tmp_path):
    assert read_osm_bounds(write(tmp_path, osm(name="ả" * 255)))[2] == 1


# ------------------------------------------------------------------ duplicate ids
DUPLICATES = {
    "way, other nodes": '<way id="10"><nd ref="1"/><nd ref="3"/>'
    '<tag k="highway" v="footway"/></way>',
    "way, other tags": '<way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/>'
    '<tag k="highway" v="residential"/></way>',
    "node, moved": '<node id="1" lat="16.4655" lon="107.5880"/>',
    "node, tagged": '<node id="3" lat="16.4660" lon="107.5900"><tag k="power" v="pole"/></node>',
}


@pytest.mark.parametrize("case", sorted(DUPLICATES))
def test_conflicting_duplicate_ids_are_reported(tmp_path, case):
    refused(write(tmp_path, osm(extra=DUPLICATES[case])), "appears twice")


def test_exact_duplicates_are_read_once_with_a_warning(tmp_path, caplog):
    copy = '<node id="1" lat="16.4650" lon="107.5880"/>'
    with caplog.at_level(logging.WARNING):
        bounds, n_nodes, _ = read_osm_bounds(write(tmp_path, osm(extra=copy)))
    assert bounds is not None and n_nodes == 4
    assert "given twice with the same data" in caplog.text and "node 1" in caplog.text


# ------------------------------------------------------------------ class 11: encodings
ENCODED = {
    "utf-16 (BOM, LE)": (osm(head=HEAD.replace("UTF-8", "UTF-16")).encode("utf-16"), "UTF-16"),
    "utf-16-be (BOM)": (
        b"\xfe\xff" + osm(head=HEAD.replace("UTF-8", "UTF-16")).encode("utf-16-be"),
        "UTF-16",
    ),
    "utf-16-le (no BOM)": (osm(head=HEAD.replace("UTF-8", "UTF-16")).encode("utf-16-le"), "UTF-16"),
    "utf-32": (osm(head=HEAD.replace("UTF-8", "UTF-32")).encode("utf-32"), "UTF-32"),
    "windows-1258 (declared)": (
        osm(name="Đông Ba", head=HEAD.replace("UTF-8", "windows-1258")).encode("cp1258"),
        "windows-1258",
    ),
    "iso-8859-1 (declared)": (
        osm(name="Hué", head=HEAD.replace("UTF-8", "ISO-8859-1")).encode("latin-1"),
        "ISO-8859-1",
    ),
    "windows-1258 (undeclared)": (osm(name="Đông Ba").encode("cp1258"), "not UTF-8"),
}


@pytest.mark.parametrize("suffix", [".osm", ".osm.gz"])
@pytest.mark.parametrize("case", sorted(ENCODED))
def test_foreign_encodings_are_named_with_how_to_convert(tmp_path, case, suffix):
    data, word = ENCODED[case]
    text = refused(write(tmp_path, data, suffix), word, "iconv")
    assert "truncated" not in text and "incomplete" not in text


@pytest.mark.parametrize("name", ["ward.osm", "ward.osm.bz2", "ward.osm.gz"])
def test_a_folder_is_not_called_a_broken_compressed_file(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    text = refused(folder, "is a folder")
    assert "compressed" not in text


# ------------------------------------------------------------------ class 11: arterials
@pytest.mark.parametrize("highway", ["primary", "secondary", "tertiary", "trunk"])
def test_an_all_arterial_ward_names_the_flag(tmp_path, capsys, highway):
    path = write(tmp_path, osm(highway=highway))
    argv = ["plan", "--osm", str(path), "--out", str(tmp_path / "out"), "--quiet", "--no-maps"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "no route is planned" in err and "--arterials" in err and "poses" not in err
    assert len(err.splitlines()) == 1
    area = area_from_xml(path, arterials=True, kinds=("street", "alley", "lane", "path"))
    assert bool(area.routes["planned"].all())
