"""`manage.py make_dataset`: the synthetic authentication dataset (same as python -m ml.dataset)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ml.features import SCREENED_SLOTS


class Command(BaseCommand):
    help = "Generate the seeded synthetic dataset: <slot>/<authentic|counterfeit>/*.jpg + manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        from ml.dataset import DEFAULT_PER_CLASS, DEFAULT_SIZE

        parser.add_argument("--out", type=Path, required=True, help="dataset folder")
        parser.add_argument("--per-class", type=int, default=DEFAULT_PER_CLASS)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="image side in px")
        parser.add_argument(
            "--slots", default=",".join(SCREENED_SLOTS), help="comma-separated slot codes"
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args: Any, **options: Any) -> None:
        from ml.dataset import generate_dataset

        try:
            summary = generate_dataset(
                options["out"],
                per_class=options["per_class"],
                seed=options["seed"],
                size=options["size"],
                slots=[s for s in options["slots"].split(",") if s],
                workers=options["workers"],
                progress=options["verbosity"] > 0,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{summary.images} images in {summary.seconds:.1f} s -> {summary.out}")
