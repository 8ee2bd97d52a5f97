"""What the API's verify endpoints answer: the report's own signature, its proof and where its
anchor stands, in one shape for a report looked up by id and for an uploaded bundle.

By default the chain facts come from our records (the anchoring writer confirms each batch
on chain and re-anchors it after a reorg); ``live`` asks the node as well. Anyone who does not
want to trust us checks the proof bundle themselves (docs/provenance.md).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from appraisals.models import Report
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from appraisals.selectors.reports import report_provenance_document
from provenance.bundles import BUNDLE_FORMAT as PROOF_FORMAT
from provenance.bundles import Step, Verification, outcome_of, revocation_code
from provenance.canonical import CanonicalError, document_sha256
from provenance.chain import bundle_verification
from provenance.models import Document
from provenance.selectors import bundle_for, document_by_root, document_status
from provenance.signing import BUNDLE_FORMAT as SIGNED_FORMAT
from provenance.signing import bundle_build_from_parts, bundle_verify, trusted_signers


def _signed_check(bundle: Any) -> Step:
    check = bundle_verify(bundle, trusted=trusted_signers())
    if check.ok:
        return Step("signature", True, f"Signed by {check.signer}, a trusted signer.")
    return Step("signature", False, " ".join(check.problems))


def _answer(
    *,
    steps: list[Step],
    report: Report | None,
    sandbox: bool,
    anchored: bool,
    revoked: bool,
    anchor: Any,
    proof: Verification | None = None,
) -> dict[str, Any]:
    newer = getattr(report, "superseded_by", None) if report is not None else None
    ok = all(step.ok for step in steps) and not revoked
    revocation = proof.revocation if proof is not None else None
    if revocation is None and newer is not None:
        # Superseded in our records; the chain marks it revoked once the correction's batch
        # is anchored.
        revocation = {
            "code": revocation_code(newer.uid),
            "reason": None,
            "superseded_by": str(newer.uid),
            "revoked_at": None,
        }
    if not ok:
        state = "revoked" if revoked and all(step.ok for step in steps) else "invalid"
    elif sandbox:
        state = "sandbox"
    elif newer is not None:
        state = "superseded"
    else:
        state = "valid" if anchored else "pending_anchor"
    return {
        # A sandbox report, never anchored, is pending at best.
        "outcome": outcome_of(
            failed=not all(step.ok for step in steps),
            unreachable=proof is not None and proof.unreachable,
            revoked=revoked or newer is not None,
            anchored=anchored,
            pending=not anchored,
        ),
        "ok": ok,
        "status": state,
        "report": report.uid if report is not None else None,
        "verdict": report.verdict if report is not None else None,
        "sandbox": sandbox,
        "anchored": anchored,
        "revoked": revoked,
        "superseded_by": newer.uid if newer is not None else None,
        "revocation": revocation,
        "anchor": anchor,
        "steps": [{"name": s.name, "ok": s.ok, "detail": s.detail} for s in steps],
    }


def _anchor_facts(
    document: Document | None, proof: Verification, *, live: bool
) -> tuple[list[Step], bool, bool, Any]:
    """Steps, anchored, revoked and the anchor: from the node when live, else our records."""
    if document is None:
        step = Step("anchor", False, "This document is not one we registered.")
        return [step], False, proof.revoked, None
    status = document_status(document)
    anchor = status["anchor"]
    if live:
        return [], proof.anchored, proof.revoked or status["revoked"], anchor
    if anchor is None:
        step = Step("anchor", True, f"Not anchored yet; expected by {status['expected_by']}.")
    else:
        step = Step(
            "anchor",
            True,
            f"Anchored on chain {anchor['chain_id']} in block {anchor['block_number']}, batch "
            f"{anchor['seq']} (our records; send live=true to ask the node as well).",
        )
    return [step], anchor is not None, status["revoked"], anchor


def report_verify(*, report: Report, live: bool = False) -> dict[str, Any]:
    signed = bundle_build_from_parts(
        document=report.document, signature=report.signature, signer=report.signer
    )
    steps = [_signed_check(signed)]
    document = report_provenance_document(report)
    if document is None:
        steps.append(Step("anchor", True, "A sandbox report: never anchored on any chain."))
        return _answer(
            steps=steps, report=report, sandbox=True, anchored=False, revoked=False, anchor=None
        )
    proof = bundle_verification(bundle_for(document), ask_node=live)
    more, anchored, revoked, anchor = _anchor_facts(document, proof, live=live)
    return _answer(
        steps=steps + proof.steps + more,
        report=report,
        sandbox=False,
        anchored=anchored,
        revoked=revoked,
        anchor=anchor,
        proof=proof,
    )


def bundle_verify_any(*, bundle: Any, live: bool = False) -> dict[str, Any]:
    """A downloaded proof bundle, signed report or bare signed document (what ``document/``
    gives), checked offline (and on chain if live)."""
    kind = bundle.get("format") if isinstance(bundle, dict) else None
    if kind is None and isinstance(bundle, dict) and bundle.get("type") == REPORT_DOCUMENT_TYPE:
        return _document_verify(bundle, live=live)
    if kind == SIGNED_FORMAT:
        document = bundle.get("document")
        signed = _signed_check(bundle)
        report = _report_named(document)
        if signed.ok and report is not None and report.sha256 == bundle.get("sha256"):
            # One of ours, unaltered: the same answer as verifying it by id, revocation and
            # anchor included.
            return report_verify(report=report, live=live)
        sandbox = isinstance(document, dict) and document.get("sandbox") is True
        return _answer(
            steps=[signed], report=report, sandbox=sandbox, anchored=False, revoked=False,
            anchor=None,
        )  # fmt: skip
    if kind != PROOF_FORMAT:
        step = Step(
            "format",
            False,
            f"Send a {PROOF_FORMAT} or a {SIGNED_FORMAT} bundle, or a report's signed document.",
        )
        return _answer(
            steps=[step], report=None, sandbox=False, anchored=False, revoked=False, anchor=None
        )
    proof = bundle_verification(bundle, ask_node=live)
    if not all(step.ok for step in proof.steps):
        return _answer(
            steps=proof.steps, report=None, sandbox=False, anchored=False, revoked=False,
            anchor=None, proof=proof,
        )  # fmt: skip
    document = document_by_root(str(bundle.get("document_root")))
    more, anchored, revoked, anchor = _anchor_facts(document, proof, live=live)
    return _answer(
        steps=proof.steps + more,
        report=_report_named(proof.document),
        sandbox=False,
        anchored=anchored,
        revoked=revoked,
        anchor=anchor,
        proof=proof,
    )


def _document_verify(document: dict[str, Any], *, live: bool) -> dict[str, Any]:
    """A report's signed document on its own: it carries no signature, so it is one of ours
    exactly when its canonical bytes hash to the ``sha256`` of the report it names, whose
    stored signature is then checked like any other."""
    report = _report_named(document)
    if report is None:
        step = Step("document", False, "The document names no report of ours.")
    else:
        try:
            digest = document_sha256(document)
        except CanonicalError as error:
            step = Step("document", False, f"The document cannot be canonicalised: {error}")
        else:
            if digest == report.sha256:
                return report_verify(report=report, live=live)
            step = Step(
                "document",
                False,
                f"The document is not the one report {report.uid} signed: its SHA-256 is "
                f"{digest}, the signed document's is {report.sha256}.",
            )
    return _answer(
        steps=[step], report=report, sandbox=document.get("sandbox") is True, anchored=False,
        revoked=False, anchor=None,
    )  # fmt: skip


def _report_named(document: Any) -> Report | None:
    """The report a verified document names, if it is one of ours."""
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        return None
    try:
        return Report.objects.select_related("superseded_by").filter(uid=document["id"]).first()
    except ValidationError:  # not a UUID: not one of ours
        return None
