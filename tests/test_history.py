"""The milestones table: the lecture's numbers, each with a source."""

import csv

import pytest

from course_utils.data import data_path
from course_utils.history import COLUMNS, METRICS, milestones


def test_every_row_is_typed_and_sourced():
    rows = milestones()
    assert len(rows) == 14
    for row in rows:
        assert tuple(row) == COLUMNS
        assert isinstance(row["year"], int) and 1990 < row["year"] < 2030
        assert isinstance(row["value"], float) and 0 < row["value"] < 100
        assert row["metric"] == METRICS[row["task"]]
        assert row["layers"] is None or isinstance(row["layers"], int)
        assert len(row["source"]) > 20


def test_the_lectures_numbers_are_there():
    """Every number the lecture's history slides quote, with the lecture as (one) source."""
    quoted = {("MNIST", 98.2), ("MNIST", 99.5), ("MNIST", 99.77), ("ImageNet", 25.7),
              ("ImageNet", 17.0), ("ImageNet", 7.0), ("ImageNet", 3.57), ("speech", 5.1)}
    from_lecture = {(r["task"], r["value"]) for r in milestones() if "Lecture 1" in r["source"]}
    assert quoted == from_lecture
    depth = {r["system"]: r["layers"] for r in milestones("ImageNet") if r["layers"]}
    assert depth == {"AlexNet": 8, "AlexNet, ILSVRC-2012 entry": 8, "GoogLeNet; VGG": 19,
                     "ResNet (deep residual net)": 152}


def test_the_literature_beside_the_lecture():
    """Where the lecture is loose, the table holds the published figures, each at its year."""
    imagenet = {r["system"]: r for r in milestones("ImageNet")}
    # 25.7% and 17.0% are one comparison on the ILSVRC-2010 test set (AlexNet's Table 1)
    for name, value in (("SIFT + Fisher vectors (Sánchez and Perronnin)", 25.7), ("AlexNet", 17.0)):
        assert imagenet[name]["value"] == value and "ILSVRC-2010 test set" in imagenet[name]["source"]
    # the ILSVRC-2012 competition itself: 15.3% against 26.2% for the runner-up
    assert imagenet["AlexNet, ILSVRC-2012 entry"]["value"] == 15.3
    assert imagenet["runner-up of ILSVRC-2012 (SIFT + Fisher vectors)"]["value"] == 26.2
    assert "7 layers" in imagenet["AlexNet"]["source"]  # the lecture's count, kept beside ours
    dbn = milestones("MNIST")[0]
    assert dbn["year"] == 2006 and "gives no source" in dbn["source"]
    assert "gives no source" in milestones("MNIST")[1]["source"]
    human_speech = [(r["year"], r["value"]) for r in milestones("speech") if r["system"] == "human"]
    assert human_speech == [(2016, 5.9), (2017, 5.1)]


def test_order_and_filter():
    rows = milestones()
    assert [r["task"] for r in rows] == sorted((r["task"] for r in rows), key=list(METRICS).index)
    for task in METRICS:
        part = milestones(task)
        models = [r for r in part if r["system"] != "human"]
        assert part and all(r["task"] == task for r in part)
        assert [r["year"] for r in models] == sorted(r["year"] for r in models)
        assert part[len(models):] == [r for r in part if r["system"] == "human"]
    assert [r["value"] for r in milestones("ImageNet") if r["system"] == "human"] == [5.1]


def test_resnet_beats_the_human_level():
    imagenet = {r["system"]: r["value"] for r in milestones("ImageNet")}
    assert imagenet["ResNet (deep residual net)"] < imagenet["human"] < imagenet["GoogLeNet; VGG"]


def test_bad_task():
    with pytest.raises(ValueError, match="`task` must be one of"):
        milestones("CIFAR")


def test_the_file_is_plain_csv():
    with data_path("milestones.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS and all(len(r) == len(COLUMNS) for r in rows)
