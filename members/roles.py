"""The platform's roles and the permissions each carries.

Roles are Django groups, so staff can see them in the admin; this table is the source of
truth and ``roles_sync`` rewrites the groups from it after every migrate.
"""

from enum import StrEnum


class Role(StrEnum):
    BUYER = "buyer"
    EXPERT = "expert"
    SENIOR_EXPERT = "senior expert"
    ARBITRATOR = "arbitrator"
    STAFF = "staff"
    PARTNER = "partner"


_CATALOG_EDIT = [
    f"appraisals.{verb}_{model}"
    for model in ("category", "brand", "productmodel", "photoslot", "referencephoto")
    for verb in ("add", "change", "delete", "view")
]
_CASE_READ = [
    "appraisals.view_submission",
    "appraisals.view_submissionphoto",
    "ml.view_modelversion",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.BUYER: ["appraisals.add_submission"],
    Role.PARTNER: ["appraisals.add_submission", "passports.record_service"],
    Role.EXPERT: [*_CASE_READ, "appraisals.review_submission"],
    Role.SENIOR_EXPERT: [
        *_CASE_READ,
        "appraisals.review_submission",
        "appraisals.arbitrate_submission",
    ],
    Role.ARBITRATOR: [*_CASE_READ, "appraisals.arbitrate_submission"],
    Role.STAFF: [
        *_CASE_READ,
        *_CATALOG_EDIT,
        "members.view_user",
        "members.change_user",
        "ml.change_modelversion",
        "passports.record_service",
        # Two owners claiming one serial are flagged on the link proposals.
        "passports.view_itemlinkproposal",
        "disputes.triage_dispute",
        "disputes.view_dispute",
        "disputes.view_compensation",
        "disputes.change_compensation",
        # Plans are edited as data; memberships granted; the ledgers only read.
        "membership.view_plan",
        "membership.add_plan",
        "membership.change_plan",
        "membership.view_membership",
        "membership.add_membership",
        "membership.change_membership",
        "membership.view_spend",
        "membership.view_pointsaccount",
        "membership.view_pointsentry",
        "membership.view_pointsallocation",
        # Invoices are settled, voided and refunded through the admin's actions only; the
        # money ledger and the provider's events are read.
        "billing.view_invoice",
        "billing.settle_invoice",
        "billing.view_invoiceline",
        "billing.view_ledgerentry",
        "billing.view_paymentevent",
        "billing.view_passsubscription",
    ],
}

# Roles whose members work in the Django admin and therefore need is_staff.
ADMIN_ROLES = {Role.EXPERT, Role.SENIOR_EXPERT, Role.ARBITRATOR, Role.STAFF}
