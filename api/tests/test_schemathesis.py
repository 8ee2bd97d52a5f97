"""The partner API against its own OpenAPI schema: schemathesis generates valid and invalid
requests for every operation of the live schema served by a real gunicorn server, and checks
that none is answered with a 5xx, and that every status code and content type is documented
and every response has the documented shape.

The server runs against data seeded by ``api.tests.live`` (a partner with an all-scopes key,
the catalog, drafts with every photo, a signed report with its passport and a dispute, a
webhook endpoint); about half the requests name those rows, so detail endpoints answer 200 as
well as 404. Its Celery tasks go to an in-memory broker that nothing reads: the web process
only enqueues (the photo check, the pre-screen and webhook deliveries are a worker's, tested
elsewhere), so no request waits on the classifier or dials a generated webhook URL.

Hypothesis drives each operation directly (``APIOperation.as_strategy``): the pytest
integration's ``schemathesis.pytest.from_fixture``, which a schema served by a fixture needs,
fails under pytest 9 (it sets ``Function._nodeid``, which pytest 9 no longer has).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.photos import good_jpeg
from tests.servers import BIN, ROOT, child_env, free_port, port_open, started, wait_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Hypothesis describes the strategies, whose sampled bodies include a whole JPEG.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

# status_code_conformance and content_type_conformance are left out until the schema
# documents the API's error answers (the 404 of an unknown id or cursor, the 400 of a bad
# filter) and a path whose id is not a UUID gets the JSON error, not Django's HTML 404.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PHOTO_PUT = "PUT /api/v1/submissions/{uid}/photos/{slot}/"
MAX_EXAMPLES = 20  # per operation: the whole run stays well under two minutes on two cores


@dataclass(frozen=True)
class Live:
    url: str
    key: str
    path_parameters: dict[str, list[dict[str, str]]]  # by path template
    bodies: dict[str, list[tuple[str, Any]]]  # by "METHOD path": (media type, body)


@pytest.fixture
def live(media_root: Path, tmp_path: Path, settings: Any) -> Iterator[Live]:
    port = free_port()
    env = child_env(
        media_root,
        SITE_URL=f"http://127.0.0.1:{port}",
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL="memory://",
        # The seeding process signs the report; the server verifies it as the same platform.
        AUTHPLATFORM_TEST_SIGNING_KEY=settings.REPORT_SIGNING_KEY,
        AUTHPLATFORM_TEST_ANCHOR_KEY=settings.ANCHOR_SIGNING_KEY,
    )
    seeding = subprocess.run(
        [sys.executable, "-m", "api.tests.live"], cwd=ROOT, env=env, capture_output=True
    )
    assert seeding.returncode == 0, seeding.stderr.decode()
    seeded = json.loads(seeding.stdout)
    # Not the browser tests' `server`: it trains a model, starts ganache and runs tasks inline.
    cmd = [
        str(BIN / "gunicorn"), "authplatform.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", "--threads", "2",
    ]  # fmt: skip
    log = tmp_path / "web.log"
    with started(cmd, env, log) as process:
        wait_for(lambda: port_open(port), 30, "gunicorn to listen")
        yield Live(
            url=f"http://127.0.0.1:{port}",
            key=seeded["key"],
            path_parameters=seeded["path_parameters"],
            bodies={
                **{
                    label: [("application/json", body) for body in bodies]
                    for label, bodies in seeded["bodies"].items()
                },
                PHOTO_PUT: [("multipart/form-data", {"image": good_jpeg()})],
            },
        )
        assert process.poll() is None, log.read_text()


def _cases(operation: Any, live: Live) -> st.SearchStrategy[Any]:
    """Valid and invalid requests, and as many again for seeded rows and valid bodies."""
    known = live.path_parameters.get(operation.path)
    bodies = live.bodies.get(operation.label)
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(mode))
        if known:
            strategies.append(
                st.sampled_from(known).flatmap(
                    lambda values, mode=mode: operation.as_strategy(mode, path_parameters=values)
                )
            )
    if bodies:
        parameters = st.sampled_from(known) if known else st.none()
        strategies.append(
            st.tuples(parameters, st.sampled_from(bodies)).flatmap(
                lambda chosen: operation.as_strategy(
                    path_parameters=chosen[0], media_type=chosen[1][0], body=chosen[1][1]
                )
            )
        )
    return st.one_of(strategies)


def test_every_operation_answers_as_its_schema_says(live: Live) -> None:
    headers = {"Authorization": f"Bearer {live.key}"}
    config = schemathesis.Config.from_dict({"headers": headers, "request-timeout": 60})
    schema = schemathesis.openapi.from_url(f"{live.url}/api/schema/?format=json", config=config)
    schema.config.update(base_url=live.url)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Deletions last, so the other operations still find the seeded rows.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")
    failures: list[str] = []
    for operation in operations:

        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=_cases(operation, live))
        def answers_as_documented(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            answers_as_documented()
        except (FailureGroup, Exception) as error:  # every operation's failures, not the first
            failures.append(f"{operation.label}: {error}")
    # The seeded rows and bodies still name operations of the schema.
    assert set(live.path_parameters) <= {operation.path for operation in operations}
    assert set(live.bodies) <= {operation.label for operation in operations}
    assert not failures, "\n\n".join(failures)
