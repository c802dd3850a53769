"""The survey register's schema: columns, allowed values and column-name aliases.

The words covplan writes (headers, values) are the project's vocabulary,
:mod:`covplan.vocab` (``SURVEY_HEADERS``, ``SURVEY_VALUES``); the many ways people
write a column name are here (:data:`ALIASES`).

The register has two tables (DESIGN.md's data model): ``cameras`` (no personal data
beyond the camera's address; owners appear only as a keyed pseudonym ``owner_id``)
and ``contacts`` (private: name, role, phone, address), joined on ``owner_id``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from covplan._errors import Problem
from covplan.vocab import SURVEY_HEADERS

__all__ = [
    "ADJUSTABLE",
    "CAMERA_COLUMNS",
    "CONTACT_COLUMNS",
    "OWNER_KINDS",
    "STATUSES",
    "Survey",
    "canonical_field",
    "empty_cameras",
    "empty_contacts",
]

OWNER_KINDS: tuple[str, ...] = ("household", "business", "agency", "school", "public")
ADJUSTABLE: tuple[str, ...] = ("yes", "no", "unknown")
STATUSES: tuple[str, ...] = ("surveyed", "contacted", "agreed", "adjusted", "verified", "declined")
CAMERA_TYPES: tuple[str, ...] = ("fixed", "panning", "dome", "bullet", "fisheye")

#: Columns of ``Survey.cameras`` in order (geometry last), as docs/interfaces.md pins them;
#: ``house_number``, ``alley`` and ``street`` are parsed from ``address``.
CAMERA_COLUMNS: tuple[str, ...] = (
    "camera_id",
    "owner_id",
    "owner_kind",
    "address",
    "heading_deg",
    "heading_min_deg",
    "heading_max_deg",
    "hfov_deg",
    "resolution_px",
    "mount_height_m",
    "tilt_deg",
    "retention_days",
    "is_ip",
    "participates",
    "adjustable",
    "status",
    "stream_url",
    "house_number",
    "alley",
    "street",
    "geometry",
)
FLOAT_COLUMNS: tuple[str, ...] = (
    "heading_deg",
    "heading_min_deg",
    "heading_max_deg",
    "hfov_deg",
    "resolution_px",
    "mount_height_m",
    "tilt_deg",
    "retention_days",
)
BOOL_COLUMNS: tuple[str, ...] = ("is_ip", "participates")
ADDRESS_PARTS: tuple[str, ...] = ("house_number", "alley", "street")

#: Columns of ``Survey.contacts`` in order (private; one row per owner).
CONTACT_COLUMNS: tuple[str, ...] = ("owner_id", "name", "role", "phone", "address")


@dataclass
class Survey:
    """The camera register: cameras and, kept apart, their owners' contacts.

    Attributes
    ----------
    cameras
        One row per camera, indexed by ``camera_id`` (EPSG:4326 points); columns
        :data:`CAMERA_COLUMNS`.
    contacts
        One row per owner, indexed by ``owner_id``; columns :data:`CONTACT_COLUMNS`.
        Personal data: never written by default.
    problems
        Every problem found while reading (empty unless read with ``lenient=True``).
    source
        The file the register was read from, if any.
    warnings
        What was read but not used and is no error (columns with unknown headers): the
        cameras are right, but something the ward wrote is not in them.
    """

    cameras: gpd.GeoDataFrame
    contacts: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    source: str | None = None
    warnings: list[Problem] = field(default_factory=list)

    def __len__(self) -> int:
        """Return the number of cameras."""
        return len(self.cameras)

    def __repr__(self) -> str:
        """Show counts only: contacts are personal data."""
        return (
            f"Survey({len(self.cameras)} cameras, {len(self.contacts)} contacts, "
            f"{len(self.problems)} problems, {len(self.warnings)} warnings, "
            f"source={self.source!r})"
        )


def empty_cameras() -> gpd.GeoDataFrame:
    """Return an empty cameras table with the register's columns.

    Returns
    -------
    geopandas.GeoDataFrame
        No rows, the columns of :data:`CAMERA_COLUMNS`, EPSG:4326.
    """
    data: dict[str, pd.Series] = {}
    for col in CAMERA_COLUMNS[:-1]:
        dtype = "float64" if col in FLOAT_COLUMNS else "bool" if col in BOOL_COLUMNS else "object"
        data[col] = pd.Series([], dtype=dtype)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")


def empty_contacts() -> pd.DataFrame:
    """Return an empty contacts table with the register's columns.

    Returns
    -------
    pandas.DataFrame
        No rows, the columns of :data:`CONTACT_COLUMNS`.
    """
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in CONTACT_COLUMNS})


# --------------------------------------------------------------------------------------
# Column names as people write them. Keys are canonical *input* fields (the register's
# columns plus the sheet-only fields owner_name, phone, lat, lon, location, ...).

ALIASES: dict[str, tuple[str, ...]] = {
    "camera_id": (
        "camera_id",
        "camera id",
        "camera",
        "cam id",
        "id camera",
        "mã camera",
        "mã số camera",
        "số hiệu camera",
        "ref",
    ),
    "owner_id": ("owner_id", "owner id", "mã chủ", "mã chủ sở hữu", "mã chủ ẩn danh"),
    "owner_name": (
        "owner_name",
        "owner name",
        "owner",
        "name",
        "representative",
        "chủ hộ",
        "chủ sở hữu",
        "chủ camera",
        "tên chủ",
        "tên chủ hộ",
        "họ tên",
        "họ và tên",
        "người đại diện",
        "tên",
        "operator",
    ),
    "role": ("role", "vai trò", "chức vụ", "quan hệ"),
    "owner_kind": (
        "owner_kind",
        "owner kind",
        "owner type",
        "kind",
        "loại chủ",
        "loại chủ sở hữu",
        "đối tượng",
        "loại hình",
    ),
    "phone": (
        "phone",
        "phone number",
        "telephone",
        "tel",
        "mobile",
        "điện thoại",
        "số điện thoại",
        "sđt",
        "đt",
        "contact:phone",
    ),
    "address": ("address", "địa chỉ", "địa chỉ camera", "addr", "số nhà"),
    "contact_address": ("contact_address", "contact address", "địa chỉ liên hệ"),
    "lat": ("lat", "latitude", "vĩ độ", "y"),
    "lon": ("lon", "lng", "long", "longitude", "kinh độ", "x"),
    "location": ("location", "geopoint", "gps", "vị trí", "tọa độ", "toạ độ", "coordinates"),
    "precision": ("precision", "accuracy", "gps accuracy", "độ chính xác"),
    "heading_deg": (
        "heading_deg",
        "heading",
        "direction",
        "camera:direction",
        "hướng",
        "hướng camera",
        "hướng quay",
        "hướng nhìn",
    ),
    "heading_min_deg": ("heading_min_deg", "heading min", "hướng từ", "hướng nhỏ nhất"),
    "heading_max_deg": ("heading_max_deg", "heading max", "hướng đến", "hướng lớn nhất"),
    "hfov_deg": (
        "hfov_deg",
        "hfov",
        "fov",
        "field of view",
        "angle",
        "góc nhìn",
        "góc quan sát",
        "góc nhìn ngang",
    ),
    "resolution_px": ("resolution_px", "resolution", "độ phân giải", "megapixel", "mp"),
    "mount_height_m": (
        "mount_height_m",
        "mount height",
        "height",
        "height_m",
        "độ cao lắp",
        "độ cao",
        "chiều cao lắp",
        "chiều cao",
    ),
    "tilt_deg": ("tilt_deg", "tilt", "góc nghiêng", "góc cúi", "độ nghiêng"),
    "retention_days": (
        "retention_days",
        "retention",
        "storage days",
        "số ngày lưu",
        "số ngày lưu trữ",
        "lưu trữ",
        "thời gian lưu",
        "thời gian lưu trữ",
    ),
    "is_ip": ("is_ip", "ip", "ip camera", "camera ip", "có phải camera ip", "loại ip"),
    "participates": (
        "participates",
        "participate",
        "participating",
        "tham gia",
        "đồng ý tham gia",
        "có tham gia",
    ),
    "adjustable": (
        "adjustable",
        "can adjust",
        "may re-aim",
        "re-aim",
        "cho phép chỉnh hướng",
        "chỉnh hướng",
        "đồng ý chỉnh hướng",
        "cho chỉnh hướng",
    ),
    "status": ("status", "trạng thái", "tình trạng"),
    "stream_url": ("stream_url", "stream url", "stream", "url", "rtsp", "đường dẫn luồng"),
    "camera_type": ("camera_type", "camera type", "camera:type", "loại camera", "kiểu camera"),
    "camera_mount": ("camera:mount", "mount", "kiểu lắp", "vị trí lắp"),
    "surveillance": ("surveillance",),
}


def unaccent(text: str) -> str:
    """Strip Vietnamese diacritics (``đ`` → ``d``), for forgiving comparisons.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The text without diacritics, NFC-normalised.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_SEPARATORS = re.compile(r"[\s_\-]+")


def header_key(header: str) -> str:
    """Normalise a column header for matching: NFC, lower case, no units or punctuation.

    Parameters
    ----------
    header
        A column header as written.

    Returns
    -------
    str
        The key compared with the aliases.
    """
    text = unicodedata.normalize("NFC", str(header)).strip().lower()
    text = _PARENS.sub(" ", text)
    text = text.strip(" ?*:.#\t")
    text = _SEPARATORS.sub(" ", text).strip()
    return text


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for canon, names in ALIASES.items():
        for name in (canon, *names):
            for key in (header_key(name), unaccent(header_key(name))):
                lookup.setdefault(key, canon)
    for canon, words in SURVEY_HEADERS.items():  # the headers covplan writes read back
        for key in (header_key(words["vi"]), unaccent(header_key(words["vi"]))):
            lookup.setdefault(key, canon)
    return lookup


_LOOKUP = _build_lookup()


def canonical_field(header: str) -> str | None:
    """Return the register field a column header means, or None.

    Accepts English and Vietnamese names with or without diacritics, units in
    brackets (``"Hướng (độ)"``), ``covplan:`` tag prefixes, KoboToolbox group
    paths (``"nhom/huong"``) and bilingual headers (``"Hướng / Heading"``).

    Parameters
    ----------
    header
        The column name as written in the file.

    Returns
    -------
    str or None
        The canonical field name (e.g. ``"heading_deg"``), or None when unknown.
    """
    raw = unicodedata.normalize("NFC", str(header))
    candidates = [raw]
    if raw.lower().startswith("covplan:"):
        candidates.append(raw[len("covplan:") :])
    if "/" in raw:
        parts = [p for p in raw.split("/") if p.strip()]
        candidates += list(reversed(parts))
    for cand in candidates:
        key = header_key(cand)
        for k in (key, unaccent(key)):
            if k in _LOOKUP:
                return _LOOKUP[k]
    return None
