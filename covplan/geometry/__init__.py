"""covplan.geometry: targets, candidate sites, camera views, occlusion and the coverage matrix."""

from covplan.geometry.coverage import Coverage, coverage_matrix
from covplan.geometry.sampling import sample_targets
from covplan.geometry.sites import candidate_sites, site_poses
from covplan.geometry.visibility import Occluders

__all__ = [
    "Coverage",
    "Occluders",
    "candidate_sites",
    "coverage_matrix",
    "sample_targets",
    "site_poses",
]
