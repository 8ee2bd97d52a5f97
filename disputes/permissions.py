"""The permission names the disputes services and pages check, in one place (declared on the
models' ``Meta.permissions`` or Django's defaults; granted to roles in ``members/roles.py``)."""

from appraisals.permissions import ARBITRATE, REVIEW

TRIAGE = "disputes.triage_dispute"
VIEW = "disputes.view_dispute"
COMPENSATE = "disputes.change_compensation"

__all__ = ["ARBITRATE", "COMPENSATE", "REVIEW", "TRIAGE", "VIEW"]
