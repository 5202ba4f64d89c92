"""``python -m bench`` works: the runner runs a benchmark at tiny size and writes its JSON.

No timing assertions: timings belong to the benchmarks, not to the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import interaction, runner
from bench.context import SCALES, Context
from bench.measure import Figure, Ratio, Target, percentile


def test_runner_runs_the_rules_benchmark_at_tiny_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results" / "latest.json"
    assert runner.main(["--scale", "tiny", "--only", "rules", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["scale"] == "tiny" and data["benchmarks"] == ["rules"]
    assert {"cpu_count", "cpu_model", "python", "platform", "sqlite"} <= set(data["machine"])
    (figure,) = data["figures"]
    assert figure["name"] == "rules.phases_4_8" and figure["runs"] == 1
    assert figure["min"] <= figure["median"] <= figure["max"]
    assert figure["target"] == {"op": "<", "limit": 0.5, "on": "median"}
    assert figure["result"] in ("pass", "fail")
    table = capsys.readouterr().out
    assert table.splitlines()[0].split() == list(runner.COLUMNS)
    assert "rules.phases_4_8" in table


def test_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        runner.parse_args(["--only", "nope"])
    assert exit_info.value.code == 2
    assert "unknown benchmark(s) nope" in capsys.readouterr().err


async def test_interaction_slot_reports_not_run_without_a_number() -> None:
    (figure,) = await interaction.run(Context(SCALES["tiny"]))
    assert figure.samples == [] and figure.median is None
    assert figure.result.startswith("not run: ")


def test_results_follow_targets_ratios_and_lower_bounds() -> None:
    assert Figure("a", "s", [0.4, 0.6, 0.5], target=Target(0.55)).result == "pass"
    assert Figure("a", "s", [0.6], target=Target(0.55)).result == "fail"
    assert Figure("a", "s", [1.0]).result == "info"
    # A run cut short is a lower bound: above an upper limit it fails, below it proves nothing.
    assert Figure("a", "s", [30.0], target=Target(5.0), lower_bound=True).result == "fail"
    assert Figure("a", "s", [3.0], target=Target(5.0), lower_bound=True).result == "unknown"
    ratio = Figure(
        "b", "ms", [10.0], target=Target(1.5, "<="), target_on_ratio=True,
        ratio=Ratio("raw", [1.2, 1.6, 1.4]),
    )  # fmt: skip
    assert ratio.result == "pass" and ratio.target_text() == "<= 1.5x raw"
    assert percentile(list(range(1, 201)), 99) == 198
    assert percentile([5.0], 50) == 5.0
