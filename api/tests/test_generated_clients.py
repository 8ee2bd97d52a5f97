"""The contract as a partner's tools read it: clients generated from the live schema by
openapi-python-client and openapi-typescript must build without a warning, import (Python) and
type-check (TypeScript, tsc --strict), and type what matters: request bodies without read-only
fields, the Idempotency-Key argument, enums for closed sets. The generated Python client runs
the sandbox quickstart end to end in api/tests/test_the_docs_quickstarts_run_as_written.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from api.tests.generated import python_client_generate, typescript_check, typescript_generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    answer = Client().get("/api/schema/?format=json")
    assert answer.status_code == 200
    path = tmp_path / "api.json"
    path.write_bytes(answer.content)
    return path


def _schema(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def test_the_python_client_generates_without_a_warning_and_every_module_imports(
    schema_file: Path,
) -> None:
    package = schema_file.parent / "partner_client"
    output = python_client_generate(schema_file, package)
    assert "warning" not in output.lower(), output
    assert "error" not in output.lower(), output

    probe = """
import importlib, inspect, pkgutil, sys
import partner_client
names = [m.name for m in pkgutil.walk_packages(partner_client.__path__, "partner_client.")]
for name in names:
    importlib.import_module(name)
from partner_client.models import SubmissionCreateRequest, Submission
from partner_client.api.submissions import submission_create
print(len(names))
print(sorted(inspect.signature(SubmissionCreateRequest).parameters))
print(sorted(inspect.signature(submission_create.sync_detailed).parameters))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=package.parent, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    count, create_fields, create_args = done.stdout.splitlines()
    assert int(count) > 40  # every endpoint module and model, each imported
    # Only what a partner may send: no id, status, photos or report to pass back.
    assert eval(create_fields) == [  # noqa: S307 - our own probe's printed list
        "brand", "category", "declared_value", "declared_value_eur", "external_reference",
        "product_model", "sandbox_outcome", "serial_code", "tier",
    ]  # fmt: skip
    assert "idempotency_key" in eval(create_args)  # noqa: S307


TYPESCRIPT_USE = """
import type { components, paths } from "./api";

type Schemas = components["schemas"];
type Create = paths["/api/v1/submissions/"]["post"]["requestBody"]["content"]["application/json"];
type CreateHeaders = paths["/api/v1/submissions/"]["post"]["parameters"]["header"];

const body: Create = {
  category: "handbag",
  brand: "hermes",
  tier: "express",
  declared_value: { amount: "1200.00", currency: "EUR" },
  sandbox_outcome: "authentic",
};
const headers: CreateHeaders = { "Idempotency-Key": "order-1001-create" };

function verdictOf(submission: Schemas["Submission"]): Schemas["VerdictEnum"] | null {
  return submission.report === null ? null : submission.report.verdict;
}
function issueCodes(photo: Schemas["Photo"]): Schemas["PhotoIssueCodeEnum"][] {
  return photo.issues.map((issue) => issue.code);
}
function anchoredIn(result: Schemas["Verification"]): number | null {
  return result.anchor === null ? null : result.anchor.block_number;
}
function signedVerdict(report: Schemas["Report"]): string | null {
  return report.document === null ? null : report.document.verdict.result;
}

// Each line below must be a type error, or tsc fails on the unused directive.
// @ts-expect-error: a tier that does not exist
const badTier: Create = { category: "handbag", brand: "hermes", tier: "platinum" };
// @ts-expect-error: category is required
const noCategory: Create = { brand: "hermes" };
// @ts-expect-error: the server sets the status, a request can't
const readOnly: Create = { category: "handbag", brand: "hermes", status: "completed" };
// @ts-expect-error: an answer's fields are always there, so a missing one is an error
const partial: Schemas["Submission"] = { id: "x" };

export { body, headers, verdictOf, issueCodes, anchoredIn, signedVerdict, badTier, noCategory,
  readOnly, partial };
"""


def test_the_typescript_types_generate_and_type_check_strictly(schema_file: Path) -> None:
    types = schema_file.parent / "api.d.ts"
    output = typescript_generate(schema_file, types)
    assert "warn" not in output.lower() and "error" not in output.lower(), output
    use = schema_file.parent / "use.ts"
    use.write_text(TYPESCRIPT_USE)
    typescript_check(use, types)


def test_the_schema_is_built_for_generators(schema_file: Path) -> None:
    schema = _schema(schema_file)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation["operationId"].replace("_", "").isalpha(), where
            assert not operation["operationId"].startswith("v1"), where
            body = operation.get("requestBody", {}).get("content", {})
            upload = operation["operationId"] == "photo_upload"
            expected = ["multipart/form-data"] if upload else ["application/json"]
            assert not body or list(body) == expected, where
            parameters = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            assert (method == "post") == ("Idempotency-Key" in parameters), where
            if method == "post":
                assert "409" in operation["responses"], where
            assert "Retry-After" in operation["responses"]["429"]["headers"], where
            for status, response in operation["responses"].items():
                if status.startswith("2") and status != "204":
                    assert "RateLimit-Remaining" in response.get("headers", {}), where
    pdf = schema["paths"]["/api/v1/reports/{uid}/pdf/"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in pdf
    components = schema["components"]["schemas"]
    # No request component carries a read-only field, and no enum is a union with "".
    assert "BlankEnum" not in components and "NullEnum" not in components
    assert "status" not in components["SubmissionCreateRequest"]["properties"]
    submission = components["Submission"]
    assert set(submission["required"]) == set(submission["properties"])
    code = components["PhotoIssue"]["properties"]["code"]["allOf"][0]["$ref"]
    assert code.endswith("/PhotoIssueCodeEnum")
