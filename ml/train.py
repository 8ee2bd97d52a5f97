"""Command line: train the pre-screen on a dataset folder and write the model file.

    python -m ml.train --data DIR --out FILE [--epochs N --image-size PX --batch-size B
                       --seed S --patience P --max-minutes M --threads T]

Prints a progress bar and a summary line per epoch, then the validation metrics, and writes
FILE (loadable with ``ml.artifact.load_artifact``) plus ``FILE.json`` describing it.
"""

from __future__ import annotations

import os

# Must be set before torch loads its OpenMP runtime. By default idle OpenMP threads spin; on a
# machine whose two cores are shared with other work, a spinning thread starves its partner and
# a training step was measured 20x slower with two threads than with one. Sleeping instead
# costs little on an idle machine.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import fields  # noqa: E402
from pathlib import Path  # noqa: E402

from ml.artifact import artifact_sha256, save_artifact  # noqa: E402
from ml.training import TrainConfig, train  # noqa: E402


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    """The TrainConfig options, shared by this CLI and `manage.py train_classifier`."""
    defaults = TrainConfig()
    parser.add_argument("--data", type=Path, required=True, help="dataset folder (manifest.jsonl)")
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--image-size", type=int, default=defaults.image_size)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--patience", type=int, default=defaults.patience)
    parser.add_argument("--max-minutes", type=float, default=defaults.max_minutes)
    parser.add_argument("--threads", type=int, default=defaults.threads)
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or epoch lines")


def config_from_options(options: dict[str, object]) -> TrainConfig:
    names = {f.name for f in fields(TrainConfig)}
    return TrainConfig(**{k: v for k, v in options.items() if k in names and v is not None})  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.train", description=__doc__.split("\n")[0])
    add_config_arguments(parser)
    parser.add_argument("--out", type=Path, required=True, help="model file to write")
    args = parser.parse_args(argv)
    config = config_from_options(vars(args))
    result = train(data_dir=args.data, config=config, progress=not args.quiet)
    save_artifact(
        args.out,
        model=result.model,
        temperature=result.temperature,
        data_hash=result.data_hash,
        config=config.as_dict(),
        metrics=result.metrics,
    )
    summary = {k: v for k, v in result.metrics.items() if k != "history"}
    print(json.dumps(summary, indent=2))
    print(f"temperature {result.temperature:.3f}")
    print(f"wrote {args.out} (sha256 {artifact_sha256(args.out)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
