"""The simulated users of bench/load.py: buyers, experts, strangers and partners.

Run by bench/load.py (not on its own): it starts the stack, writes the plan (accounts, API
keys, photo files, catalog ids) and hands its path in ``BENCH_PLAN``; the user counts come in
``BENCH_USERS`` as ``buyers,experts,strangers,partners``. Each user goes through the same
pages and endpoints as the real one, with the same forms:

- a buyer signs in, walks the four-step wizard (item, 7 photos as the page's htmx uploads
  them, details, review and submit) and polls the status timeline as the page does;
- an expert signs in to the admin, opens the review queue, takes the next case, opens the
  case page and posts its form with every finding, the condition and the verdict;
- a stranger opens a public report page, its verification page and the JSON behind it;
- a partner lists its reports with its API key, reads one and its signed document, verifies
  any report, and now and then creates a case through the API.

Reports for strangers and partners to verify come from a pool file bench/load.py refreshes
from the database, as links a buyer would share.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

PLAN: dict[str, Any] = json.loads(Path(os.environ["BENCH_PLAN"]).read_text())
BUYERS, EXPERTS, STRANGERS, PARTNERS = (int(n) for n in os.environ["BENCH_USERS"].split(","))
PHOTO_SETS = [
    {slot: Path(path).read_bytes() for slot, path in photo_set["files"].items()}
    | {"_brand": photo_set["brand"]}
    for photo_set in PLAN["photo_sets"]
]
_accounts = {role: itertools.cycle(PLAN[role]) for role in ("buyers", "experts", "partners")}
# The statuses after which nothing more happens without a person (expert or buyer).
SETTLED = {"awaiting_expert", "needs_retake", "completed"}
STATUS = re.compile(r'data-status="([a-z_]+)"')
PHOTOS_STEP = re.compile(r"/submissions/([0-9a-f-]{36})/photos/")
CASE_REFERENCE = re.compile(r"Case (AP-[0-9A-F]{6})")
FEATURES = PLAN["features"]


class Pool:
    """The reports a stranger or partner may have been sent a link to (bench/load.py)."""

    _mtime = 0.0
    _reports: list[dict[str, str]] = []

    @classmethod
    def pick(cls) -> dict[str, str] | None:
        path = Path(PLAN["pool"])
        try:
            mtime = path.stat().st_mtime
            if mtime != cls._mtime:
                cls._reports, cls._mtime = json.loads(path.read_text()), mtime
        except (OSError, ValueError):
            pass
        return random.choice(cls._reports) if cls._reports else None


def browser_like(user: HttpUser) -> None:
    """Send a request once more when the server closed the kept-alive connection before
    answering, as browsers do (gunicorn closes idle connections after --keep-alive, 2 s by
    default, so a poll every 2 s races it). urllib3 logs each such retry; bench/load.py
    counts them."""
    retry = Retry(total=1, connect=1, read=1, status=0, other=0, allowed_methods=None)
    user.client.mount("http://", HTTPAdapter(max_retries=retry))


class WebUser(HttpUser):
    """A person on the website: a session, and the CSRF token Django's forms need."""

    abstract = True

    def on_start(self) -> None:
        browser_like(self)

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post_form(self, url: str, name: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """POST a form as the browser does; a redirect (302) is the success answer."""
        headers = {"X-CSRFToken": self.csrf(), **kwargs.pop("headers", {})}
        return self.client.post(
            url,
            data={"csrfmiddlewaretoken": self.csrf(), **data},
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        )

    def sign_in(self, login_url: str, email: str, password: str) -> bool:
        self.client.get(login_url, name=login_url)
        with self.post_form(
            login_url, login_url, {"username": email, "password": password}
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                return False
        return True


class Buyer(WebUser):
    fixed_count = BUYERS
    wait_time = between(2, 5)

    def on_start(self) -> None:
        super().on_start()
        account = next(_accounts["buyers"])
        self.sign_in("/account/login/", account["email"], account["password"])

    @task
    def submit_a_case(self) -> None:
        photos = random.choice(PHOTO_SETS)
        brand = next(b for b in PLAN["brands"] if b["slug"] == photos["_brand"])
        self.client.get("/submissions/new/", name="/submissions/new/")
        item = {
            "category": PLAN["category"]["id"],
            "brand": brand["id"],
            "product_model": random.choice(brand["models"] or [""]),
        }
        with self.post_form("/submissions/new/", "/submissions/new/", item) as response:
            found = re.search(
                r"/submissions/([0-9a-f-]{36})/photos/", response.headers.get("Location", "")
            )
            if response.status_code != 302 or not found:
                response.failure(f"step 1 answered {response.status_code}")
                return
        case = f"/submissions/{found.group(1)}"
        self.client.get(f"{case}/photos/", name="/submissions/[id]/photos/")
        for slot in PLAN["category"]["slots"]:
            with self.client.post(
                f"{case}/photos/slot/{slot}/",
                files={"photo": (f"{slot}.jpg", photos[slot], "image/jpeg")},
                headers={"X-CSRFToken": self.csrf(), "HX-Request": "true"},
                name="/submissions/[id]/photos/slot/[slot]/ (htmx)",
                catch_response=True,
            ) as response:
                if response.status_code != 200 or "verdict--ok" not in response.text:
                    response.failure(f"photo {slot} not accepted ({response.status_code})")
                    return
        self.client.get(f"{case}/details/", name="/submissions/[id]/details/")
        details = {"serial_code": "", "declared_value_eur": random.choice(["", "1800", "6500"])}
        # Standard: the bench buyers' pass covers it. A faster tier's surcharge is invoiced and
        # the case waits for the payment, which no simulated user makes.
        details["tier"] = "standard"
        with self.post_form(f"{case}/details/", "/submissions/[id]/details/", details) as response:
            if response.status_code != 302:
                response.failure(f"details answered {response.status_code}")
                return
        self.client.get(f"{case}/review/", name="/submissions/[id]/review/")
        with self.post_form(f"{case}/review/", "/submissions/[id]/review/", {}) as response:
            if response.status_code != 302:
                response.failure(f"submit answered {response.status_code}")
                return
        self.client.get(f"{case}/", name="/submissions/[id]/")
        self.follow(case)

    def follow(self, case: str) -> None:
        """Poll the timeline as the status page does (every 2 s), until nothing more happens
        without a person, or two minutes pass (the buyer closes the tab)."""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            time.sleep(2)
            response = self.client.get(
                f"{case}/timeline/",
                headers={"HX-Request": "true"},
                name="/submissions/[id]/timeline/ (htmx poll)",
            )
            found = STATUS.search(response.text or "")
            if found and found.group(1) in SETTLED:
                break
        self.client.get("/submissions/", name="/submissions/")


class Expert(WebUser):
    fixed_count = EXPERTS
    wait_time = between(1, 3)
    QUEUE = "/admin/appraisals/review/"

    def on_start(self) -> None:
        super().on_start()
        account = next(_accounts["experts"])
        self.sign_in("/admin/login/", account["email"], account["password"])

    @task
    def take_and_sign(self) -> None:
        self.client.get(self.QUEUE, name=self.QUEUE)
        with self.post_form(f"{self.QUEUE}take-next/", f"{self.QUEUE}take-next/", {}) as taken:
            where = taken.headers.get("Location", "")
            if taken.status_code != 302:
                taken.failure(f"take next answered {taken.status_code}")
                return
        if not where.rstrip("/").endswith("/case"):
            self.client.get(self.QUEUE, name=f"{self.QUEUE} (empty)")
            return
        page = self.client.get(where, name="/admin/appraisals/review/[id]/case/")
        found = CASE_REFERENCE.search(page.text or "")
        # Both seats of a double review reach the same verdict, so no senior seat opens; one
        # case in six is a counterfeit.
        digest = hashlib.sha256((found.group(1) if found else where).encode()).digest()
        verdict = "counterfeit" if digest[0] % 6 == 0 else "authentic"
        time.sleep(random.uniform(1, 3))  # the expert looks at the photos
        form: dict[str, Any] = {"sign-verdict": verdict, "sign": "1"}
        for feature in FEATURES:
            form[f"{feature}-result"] = "consistent" if verdict == "authentic" else "inconsistent"
            form[f"{feature}-reason"] = f"{feature} compared with the reference"
        form |= {
            "condition-grade": "very_good",
            "condition-wear_notes": "Light rubbing on the corners.",
            "condition-repairs": "None seen.",
            "condition-replaced_parts": "None seen.",
        }
        with self.post_form(where, "/admin/appraisals/review/[id]/case/ (sign)", form) as signed:
            if signed.status_code != 302:
                signed.failure(f"signing answered {signed.status_code}")


class Stranger(HttpUser):
    fixed_count = STRANGERS
    wait_time = between(1, 4)

    def on_start(self) -> None:
        browser_like(self)

    @task
    def verify_a_report(self) -> None:
        report = Pool.pick()
        if report is None:
            return
        self.client.get(f"/r/{report['token']}/", name="/r/[token]/")
        self.client.get(f"/verify/{report['document']}/", name="/verify/[id]/")
        self.client.get(f"/verify/{report['document']}", name="/verify/[id] (JSON)")


class Partner(HttpUser):
    fixed_count = PARTNERS
    wait_time = between(3, 6)
    API = "/api/v1"

    def on_start(self) -> None:
        # authplatform_client retries a dropped connection too.
        browser_like(self)
        self.client.headers["Authorization"] = f"Bearer {next(_accounts['partners'])['key']}"

    @task(5)
    def read_reports(self) -> None:
        listing = self.client.get(f"{self.API}/reports/?page_size=20", name="/api/v1/reports/")
        results = listing.json().get("results", []) if listing.ok else []
        if results:
            report = random.choice(results)["id"]
            self.client.get(f"{self.API}/reports/{report}/", name="/api/v1/reports/[id]/")
            self.client.get(
                f"{self.API}/reports/{report}/document/", name="/api/v1/reports/[id]/document/"
            )
        shared = Pool.pick()
        if shared is not None:
            self.client.get(f"{self.API}/verify/{shared['report']}/", name="/api/v1/verify/[id]/")

    @task(1)
    def submit_a_case(self) -> None:
        photos = random.choice(PHOTO_SETS)
        body = {
            "category": PLAN["category"]["slug"],
            "brand": photos["_brand"],
            "external_reference": f"bench-{uuid.uuid4().hex[:12]}",
        }
        created = self.client.post(
            f"{self.API}/submissions/",
            json=body,
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="/api/v1/submissions/ (create)",
        )
        if created.status_code != 201:
            return
        case = f"{self.API}/submissions/{created.json()['id']}"
        for slot in PLAN["category"]["slots"]:
            uploaded = self.client.put(
                f"{case}/photos/{slot}/",
                files={"image": (f"{slot}.jpg", photos[slot], "image/jpeg")},
                name="/api/v1/submissions/[id]/photos/[slot]/",
            )
            if uploaded.status_code not in (200, 201):
                return
        self.client.post(
            f"{case}/submit/",
            headers={"Idempotency-Key": uuid.uuid4().hex},
            name="/api/v1/submissions/[id]/submit/",
        )


def _leave_out_unasked() -> None:
    """Locust reads a fixed_count of 0 as "not fixed": a kind asked for 0 times is left out."""
    for kind in (Buyer, Expert, Stranger, Partner):
        if not kind.fixed_count:
            kind.abstract = True


_leave_out_unasked()
