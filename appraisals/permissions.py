"""The permission names the appraisals services check, in one place (declared on the models'
``Meta.permissions``; granted to roles in ``members/roles.py``)."""

REVIEW = "appraisals.review_submission"
ARBITRATE = "appraisals.arbitrate_submission"
