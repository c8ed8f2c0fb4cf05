"""The lecture's milestones of deep learning, as data: MNIST, ImageNet and speech recognition.

The numbers live in ``data/milestones.csv``, one row per result the lecture
quotes (plus the human levels it compares with), each with its source:
the lecture slide, and the original publication where one is known.
"""

from __future__ import annotations

import csv

from .data import data_path

#: The tasks in ``data/milestones.csv``, and the metric each is measured by.
METRICS = {"MNIST": "test accuracy %", "ImageNet": "top-5 error %", "speech": "word error rate %"}

COLUMNS = ("year", "task", "system", "metric", "value", "layers", "source")


def milestones(task: str | None = None) -> list[dict]:
    """The milestones table, one dict per row: task by task, models oldest first, then the human level.

    Parameters
    ----------
    task : {"MNIST", "ImageNet", "speech"}, optional
        Keep only this task's rows (default: all).

    Returns
    -------
    list of dict
        Keys ``year`` (int), ``task``, ``system``, ``metric`` (str),
        ``value`` (float, in the metric's unit, as the lecture quotes it),
        ``layers`` (int, or None where the lecture gives no depth) and
        ``source`` (str). Rows whose ``system`` is ``"human"`` are human
        levels, not models; a ``system`` that starts with ``"runner-up"`` is
        the second-best entry of a competition, shown beside the winner.

    Examples
    --------
    >>> [(r["year"], r["value"]) for r in milestones("MNIST")]
    [(2006, 98.2), (2010, 99.5), (2012, 99.77)]
    >>> milestones("ImageNet")[1]["system"], milestones("ImageNet")[1]["layers"]
    ('AlexNet', 8)
    """
    if task is not None and task not in METRICS:
        raise ValueError(f"`task` must be one of {sorted(METRICS)} or None, got {task!r}")
    with data_path("milestones.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"milestones.csv must have the columns {COLUMNS}, got {reader.fieldnames}")
        rows = [{**row, "year": int(row["year"]), "value": float(row["value"]),
                 "layers": int(row["layers"]) if row["layers"] else None} for row in reader]
    order = list(METRICS)
    rows = [row for row in rows if task is None or row["task"] == task]
    # task by task (MNIST, ImageNet, speech); in each, the models by year, then the human level
    return sorted(rows, key=lambda r: (order.index(r["task"]), r["system"] == "human", r["year"]))
