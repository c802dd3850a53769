"""covplan.survey: the camera register the ward collects, validated and kept private.

Readers for CSV, XLSX, KoboToolbox/ODK exports, GeoJSON, GeoPackage and OSM
surveillance tags (:func:`read_survey`, :func:`survey_from_osm_cameras`); writers
(:func:`write_survey`) that leave contacts out unless asked; outreach status updates
(:func:`set_status`, :func:`record_verification`); and the blank field form
(:func:`write_template`).
"""

from __future__ import annotations

from covplan.survey.parse import parse_address, parse_heading, parse_phone
from covplan.survey.privacy import owner_key, pseudonym
from covplan.survey.read import read_survey, survey_from_osm_cameras
from covplan.survey.register import record_verification, set_status
from covplan.survey.schema import (
    CAMERA_COLUMNS,
    CONTACT_COLUMNS,
    OWNER_KINDS,
    STATUSES,
    Survey,
)
from covplan.survey.template import write_template
from covplan.survey.write import write_survey

__all__ = [
    "CAMERA_COLUMNS",
    "CONTACT_COLUMNS",
    "OWNER_KINDS",
    "STATUSES",
    "Survey",
    "owner_key",
    "parse_address",
    "parse_heading",
    "parse_phone",
    "pseudonym",
    "read_survey",
    "record_verification",
    "set_status",
    "survey_from_osm_cameras",
    "write_survey",
    "write_template",
]
