"""Pages a police officer opens on a phone: their camera sheet, the status page, problem lists.

Every page is one offline HTML file: no script, no font and no picture from the network;
the small map and the QR codes are inline SVG drawn here (QR by :mod:`segno`). The sheet
has a PDF twin (one A4 page per officer, matplotlib). A sheet holds the officer's own
name; the status page and the problem lists hold camera codes, places and officer ids
only, never a name, a phone or a password.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import segno
from shapely.geometry import box

from covplan._redact import redact_url
from covplan.vocab.watch import APP_NAMES, STATUS_ORDER, watch_word

__all__ = [
    "SheetCamera",
    "officer_sheet_html",
    "problems_html",
    "status_page_html",
    "write_sheet_pdf",
]

_CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;
margin:0;padding:12px;color:#1a1a1a;background:#fff;font-size:16px;line-height:1.4}
h1{font-size:1.3em;margin:0 0 4px}h2{font-size:1.1em;margin:0 0 6px}
.meta{color:#555;margin:0 0 10px}.note{font-size:.85em;color:#8a1c1c;margin:6px 0 12px}
.card{border:1px solid #ccc;border-radius:8px;padding:10px;margin:0 0 12px;overflow-wrap:anywhere}
.qr{display:block;width:170px;max-width:100%;height:auto;margin:8px 0}
svg.map{display:block;width:100%;height:auto;border:1px solid #ddd;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border-bottom:1px solid #ddd;padding:4px;text-align:left;vertical-align:top;
overflow-wrap:anywhere}td:last-child,th:last-child{width:42%}
.s-online{color:#1b7f3b}.s-offline,.s-refused{color:#b00020}
.s-dark,.s-blurred,.s-frozen,.s-moved{color:#a35200}
code{font-size:.95em;overflow-wrap:anywhere}
"""


@dataclass(frozen=True)
class SheetCamera:
    """One camera on an officer's sheet.

    Attributes
    ----------
    code
        The camera's code (``N01``).
    place
        The place in words (route, distance along it, group).
    lat, lon
        Where it is.
    method
        ``"cloud"`` (vendor app) or ``"server"`` (the ward's stream server).
    app, device_id
        The vendor's app and the device's serial/P2P id (cloud cameras).
    link
        The live-view link on the ward's server (server cameras).
    retention_days
        Days of footage kept.
    """

    code: str
    place: str
    lat: float
    lon: float
    method: str
    app: str | None = None
    device_id: str | None = None
    link: str | None = None
    retention_days: int | None = None

    @property
    def qr_payload(self) -> str:
        """What the camera's QR code holds: the device id for the app, else the link."""
        if self.method == "cloud" and self.device_id:
            return self.device_id
        return self.link or self.code


def _page(title: str, body: str, lang: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _qr_svg(payload: str, label: str) -> str:
    qr = segno.make_qr(payload, error="m")
    svg = qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True)
    svg = svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{html.escape(label)}" ', 1)
    return str(svg)


def _map_svg(cameras: Sequence[SheetCamera], routes: gpd.GeoDataFrame | None, title: str) -> str:
    """Draw a small map: the routes near the cameras and a numbered dot per camera."""
    if not cameras:
        return ""
    lats = np.array([c.lat for c in cameras])
    lons = np.array([c.lon for c in cameras])
    k = math.cos(math.radians(float(lats.mean())))
    pad = 0.0006
    x0, x1 = float(lons.min()) - pad, float(lons.max()) + pad
    y0, y1 = float(lats.min()) - pad, float(lats.max()) + pad
    w = 360.0
    h = max(160.0, min(420.0, w * (y1 - y0) / max((x1 - x0) * k, 1e-9)))
    sx, sy = w / (x1 - x0), h / (y1 - y0)

    def xy(lon: float, lat: float) -> str:
        return f"{(lon - x0) * sx:.1f},{(y1 - lat) * sy:.1f}"

    parts = [
        f'<svg class="map" viewBox="0 0 {w:.0f} {h:.0f}" role="img" '
        f'aria-label="{html.escape(title)}"><rect width="100%" height="100%" fill="#f7f7f2"/>'
    ]
    if routes is not None and not routes.empty:
        clip = box(x0, y0, x1, y1)
        near = routes.to_crs(4326).clip(clip)
        for geom in near.geometry:
            lines = getattr(geom, "geoms", [geom])
            for line in lines:
                if line.is_empty or not hasattr(line, "coords"):
                    continue
                pts = " ".join(xy(x, y) for x, y, *_ in line.coords)
                parts.append(
                    f'<polyline points="{pts}" fill="none" stroke="#9a9a9a" stroke-width="4" '
                    'stroke-linecap="round"/>'
                )
    for c in cameras:
        cx, cy = xy(c.lon, c.lat).split(",")
        parts.append(
            f'<circle cx="{cx}" cy="{cy}" r="7" fill="#c62828" stroke="#fff" stroke-width="2"/>'
            f'<text x="{float(cx) + 9:.1f}" y="{float(cy) + 4:.1f}" font-size="12" '
            f'font-family="sans-serif" fill="#111">{html.escape(c.code)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def officer_sheet_html(
    officer: Mapping[str, Any],
    cameras: Sequence[SheetCamera],
    *,
    routes: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
) -> str:
    """One officer's camera sheet as an offline, phone-sized HTML page.

    Parameters
    ----------
    officer
        ``officer_id``, ``role``, ``unit`` and (private, the officer's own) ``name``.
    cameras
        The cameras the officer may watch.
    routes
        The plan's route segments, drawn on the small map.
    lang
        ``"vi"`` (default) or ``"en"``.

    Returns
    -------
    str
        The page.
    """
    w = lambda key, **fmt: watch_word(key, lang, **fmt)  # noqa: E731
    e = html.escape
    oid = str(officer["officer_id"])
    head = (
        f"<h1>{e(w('sheet_title'))}</h1>"
        f'<p class="meta">{e(str(officer.get("name") or oid))} · {e(w(str(officer["role"])))}'
        + (f" · {e(str(officer['unit']))}" if officer.get("unit") else "")
        + f'</p><p class="note">{e(w("private"))}</p>'
    )
    if not cameras:
        return _page(w("sheet_title"), head + f"<p>{e(w('no_cameras'))}</p>", lang)
    body = [head, f"<h2>{e(w('map'))}</h2>", _map_svg(cameras, routes, w("map"))]
    if any(c.method == "server" for c in cameras):
        body.append(f'<p class="meta">{e(w("login_hint", user=oid))}</p>')
    for c in cameras:
        rows = [f"<h2>{e(w('camera'))} {e(c.code)}</h2>", f"<p>{e(w('place'))}: {e(c.place)}</p>"]
        if c.method == "cloud":
            app = APP_NAMES.get(str(c.app or "").lower(), str(c.app or "")) or w("not_recorded")
            device = c.device_id or w("not_recorded")
            rows.append(f"<p>{e(w('app'))}: <b>{e(app)}</b></p>")
            rows.append(f"<p>{e(w('device_id'))}: <code>{e(device)}</code></p>")
            rows.append(f"<p>{e(w('scan'))}</p>")
        else:
            rows.append(f"<p>{e(w('how'))}: {e(w('server'))}</p>")
            link = c.link or w("not_recorded")
            rows.append(f"<p>{e(w('stream_link'))}: <code>{e(link)}</code></p>")
            rows.append(f"<p>{e(w('scan_link'))}</p>")
        rows.append(_qr_svg(c.qr_payload, f"QR {c.code}"))
        if c.retention_days:
            rows.append(f'<p class="meta">{e(w("retention", days=c.retention_days))}</p>')
        body.append(f'<div class="card" id="cam-{e(c.code)}">{"".join(rows)}</div>')
    return _page(f"{w('sheet_title')} — {oid}", "".join(body), lang)


def write_sheet_pdf(
    path: str | os.PathLike[str],
    officer: Mapping[str, Any],
    cameras: Sequence[SheetCamera],
    *,
    routes: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
) -> Path:
    """Write an officer's sheet as a PDF (A4 pages, up to six cameras a page, QR each).

    Parameters
    ----------
    path
        The PDF to write (through a temporary file and a rename).
    officer
        As for :func:`officer_sheet_html`.
    cameras
        The officer's cameras.
    routes
        The plan's route segments, for the small map (the last page).
    lang
        ``"vi"`` (default) or ``"en"``.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    import matplotlib  # plotting back-end: only when a PDF is asked for

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    w = lambda key, **fmt: watch_word(key, lang, **fmt)  # noqa: E731
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    pages = [list(cameras[i : i + 6]) for i in range(0, max(len(cameras), 1), 6)] or [[]]
    try:
        with PdfPages(tmp) as pdf:
            for n, chunk in enumerate(pages, start=1):
                fig = plt.figure(figsize=(8.27, 11.69))
                fig.text(0.06, 0.96, w("sheet_title"), fontsize=16, weight="bold")
                who = f"{officer.get('name') or officer['officer_id']} · {w(str(officer['role']))}"
                if officer.get("unit"):
                    who += f" · {officer['unit']}"
                fig.text(0.06, 0.935, who, fontsize=10)
                fig.text(0.06, 0.915, w("private"), fontsize=8, color="#8a1c1c")
                fig.text(0.9, 0.02, f"{n}/{len(pages)}", fontsize=8)
                if not chunk:
                    fig.text(0.06, 0.85, w("no_cameras"), fontsize=11)
                for i, c in enumerate(chunk):
                    top = 0.88 - i * 0.145
                    qr = np.array(segno.make_qr(c.qr_payload, error="m").matrix, dtype=float)
                    ax = fig.add_axes((0.06, top - 0.125, 0.12, 0.12 * 8.27 / 11.69 * 1.41))
                    ax.imshow(1 - qr, cmap="gray", interpolation="nearest", vmin=0, vmax=1)
                    ax.set_axis_off()
                    name = f"{w('camera')} {c.code}"
                    fig.text(0.22, top - 0.01, name, fontsize=12, weight="bold")
                    fig.text(0.22, top - 0.035, f"{w('place')}: {c.place}", fontsize=9, wrap=True)
                    if c.method == "cloud":
                        app = APP_NAMES.get(str(c.app or "").lower(), str(c.app or ""))
                        how = f"{w('app')}: {app} · {w('device_id')}: {c.device_id or ''}"
                    else:
                        how = f"{w('stream_link')}: {c.link or ''}"
                    fig.text(0.22, top - 0.06, how, fontsize=9)
                    if c.retention_days:
                        keeps = w("retention", days=c.retention_days)
                        fig.text(0.22, top - 0.085, keeps, fontsize=8)
                pdf.savefig(fig)
                plt.close(fig)
            if cameras:
                fig = plt.figure(figsize=(8.27, 11.69))
                fig.text(0.06, 0.96, w("map"), fontsize=16, weight="bold")
                ax = fig.add_axes((0.06, 0.1, 0.88, 0.82))
                _map_axes(ax, cameras, routes)
                pdf.savefig(fig)
                plt.close(fig)
        os.chmod(tmp, 0o600)  # the officer's name is on it
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return out


def _map_axes(ax: Any, cameras: Sequence[SheetCamera], routes: gpd.GeoDataFrame | None) -> None:
    """Draw the routes near the cameras and a labelled dot per camera on matplotlib axes."""
    lats = np.array([c.lat for c in cameras])
    lons = np.array([c.lon for c in cameras])
    pad = 0.0006
    x0, x1 = float(lons.min()) - pad, float(lons.max()) + pad
    y0, y1 = float(lats.min()) - pad, float(lats.max()) + pad
    if routes is not None and not routes.empty:
        near = routes.to_crs(4326).clip(box(x0, y0, x1, y1))
        for geom in near.geometry:
            for line in getattr(geom, "geoms", [geom]):
                if hasattr(line, "xy") and not line.is_empty:
                    xs, ys = line.xy
                    ax.plot(xs, ys, color="#9a9a9a", linewidth=3, solid_capstyle="round")
    ax.scatter(lons, lats, s=60, color="#c62828", edgecolor="white", zorder=3)
    for c in cameras:
        ax.annotate(c.code, (c.lon, c.lat), xytext=(6, 4), textcoords="offset points", fontsize=9)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / math.cos(math.radians(float(lats.mean()))))
    ax.set_xticks([])
    ax.set_yticks([])


def _status_cell(status: str, lang: str) -> str:
    return f'<span class="s-{html.escape(status)}">{html.escape(watch_word(status, lang))}</span>'


def status_page_html(
    results: pd.DataFrame, *, checked_at: str, lang: str = "vi", title: str | None = None
) -> str:
    """Write the offline status page of every checked camera.

    Parameters
    ----------
    results
        One row per camera: ``code``, ``group_id``, ``group_name``, ``place``,
        ``status``, ``reason``, ``seconds``.
    checked_at
        When the check ran (shown).
    lang
        ``"vi"`` (default) or ``"en"``.
    title
        The page's title (default: "Tình trạng camera").

    Returns
    -------
    str
        The page.
    """
    w = lambda key, **fmt: watch_word(key, lang, **fmt)  # noqa: E731
    e = html.escape
    name = title or w("status_title")
    n = len(results)
    online = int((results["status"] == "online").sum()) if n else 0
    body = [
        f"<h1>{e(name)}</h1>",
        f'<p class="meta">{e(w("checked_at"))}: {e(checked_at)}</p>',
        f"<p>{e(w('summary_line', n=n, online=online, problems=n - online))}</p>",
    ]
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    for gid, part in results.groupby("group_id", sort=True):
        gname = str(part["group_name"].iloc[0] or gid)
        rows = "".join(
            f"<tr><td><b>{e(str(r.code))}</b><br>{e(str(r.place))}</td>"
            f"<td>{_status_cell(str(r.status), lang)}<br>"
            f"<small>{e(str(r.reason))}</small></td></tr>"
            for r in part.sort_values(
                ["status", "code"], key=lambda s: -s.map(rank) if s.name == "status" else s
            ).itertuples()
        )
        body.append(
            f'<div class="card"><h2>{e(gname)}</h2><table><tr><th>{e(w("camera"))}</th>'
            f"<th>{e(w('status'))}</th></tr>{rows}</table></div>"
        )
    return _page(name, "".join(body), lang)


def problems_html(
    group_name: str,
    problems: pd.DataFrame,
    *,
    in_charge: Iterable[str] = (),
    checked_at: str,
    lang: str = "vi",
) -> str:
    """Write the list of cameras needing attention in one residential group, for its officer.

    Parameters
    ----------
    group_name
        The group's name.
    problems
        Rows of the status table whose status is not ``online``.
    in_charge
        Officer ids granted the whole group (no names).
    checked_at
        When the check ran.
    lang
        ``"vi"`` (default) or ``"en"``.

    Returns
    -------
    str
        The page.
    """
    w = lambda key, **fmt: watch_word(key, lang, **fmt)  # noqa: E731
    e = html.escape
    title = w("problems_title", group=group_name)
    body = [f"<h1>{e(title)}</h1>", f'<p class="meta">{e(w("checked_at"))}: {e(checked_at)}</p>']
    ids = sorted(set(in_charge))
    if ids:
        body.append(f'<p class="meta">{e(w("in_charge"))}: {e(", ".join(ids))}</p>')
    if problems.empty:
        body.append(f"<p>{e(w('no_problems'))}</p>")
    for r in problems.itertuples():
        body.append(
            f'<div class="card"><h2>{e(str(r.code))} — {_status_cell(str(r.status), lang)}</h2>'
            f"<p>{e(str(r.place))}</p><p><small>{e(redact_url(str(r.reason)))}</small></p></div>"
        )
    return _page(title, "".join(body), lang)
