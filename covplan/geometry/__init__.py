"""covplan.geometry: targets, candidate sites, camera views, occlusion and the coverage matrix."""

from covplan.geometry.coverage import (
    Coverage,
    ExistingCoverage,
    coverage_gaps,
    coverage_matrix,
    existing_coverage,
    occluders_for,
    view_polygons,
)
from covplan.geometry.sampling import sample_targets
from covplan.geometry.sites import camera_poses, candidate_sites, site_poses
from covplan.geometry.visibility import Occluders

__all__ = [
    "Coverage",
    "ExistingCoverage",
    "Occluders",
    "camera_poses",
    "candidate_sites",
    "coverage_gaps",
    "coverage_matrix",
    "existing_coverage",
    "occluders_for",
    "sample_targets",
    "site_poses",
    "view_polygons",
]
