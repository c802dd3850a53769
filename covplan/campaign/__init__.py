"""The roll-out register: outreach, consent, installs, money, decisions and deadlines.

A campaign starts from a plan folder (``covplan plan``) and the survey register
(:func:`init_campaign`) on an embedded SQLite file or a PostgreSQL server
(:func:`covplan.campaign.schema.connect`), and records the work as it happens
(:class:`Register`): visits, consents, installs and picture checks per camera and
household, the residents' decisions per group and phase, contributions and spending in
whole VND (append-only, corrected by reversing entries), and deadlines per group.
Reports (:mod:`covplan.campaign.reports`) and the XLSX workbook
(:mod:`covplan.campaign.workbook`) are computed from the entries on every call.
"""

from __future__ import annotations

from covplan.campaign.register import (
    METHODS,
    PAYER_KINDS,
    PHASES,
    PURPOSES,
    STATES,
    Register,
    init_campaign,
    open_register,
)
from covplan.campaign.reports import (
    camera_costs,
    ledger,
    plot_burnup,
    progress,
    progress_history,
    public_report,
    report_json,
    write_report,
)
from covplan.campaign.schema import SCHEMA_VERSION, connect, database_url, schema_version
from covplan.campaign.workbook import export_xlsx, import_xlsx

__all__ = [
    "METHODS",
    "PAYER_KINDS",
    "PHASES",
    "PURPOSES",
    "SCHEMA_VERSION",
    "STATES",
    "Register",
    "camera_costs",
    "connect",
    "database_url",
    "export_xlsx",
    "import_xlsx",
    "init_campaign",
    "ledger",
    "open_register",
    "plot_burnup",
    "progress",
    "progress_history",
    "public_report",
    "report_json",
    "schema_version",
    "write_report",
]
