"""``python -m bench`` works: the runner runs a benchmark at tiny size and writes its JSON.

No timing assertions: timings belong to the benchmarks, not to the test suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import interaction, runner
from bench.campaigns import CampaignCache
from bench.context import SCALES, Context
from bench.measure import Figure, Ratio, Target, percentile
from db.records import Agent, Squadron


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


async def test_interaction_benchmark_runs_the_bot_at_tiny_size(tmp_path: Path) -> None:
    """The real bot against the emulator: every order recorded, figures from every sample."""
    ctx = Context(SCALES["tiny"], campaigns=CampaignCache(tmp_path))
    figures = {f.name: f for f in await interaction.run(ctx)}
    assert set(figures) == {
        "interaction.orders.p50",
        "interaction.orders.p99",
        "interaction.floor.p50",
        "interaction.floor.p99",
    }
    p99 = figures["interaction.orders.p99"]
    assert len(p99.samples) == ctx.scale.interaction_rounds
    assert p99.extra["samples_per_round"] == 4 * ctx.scale.interaction_players
    assert p99.target == Target(250.0) and p99.result in ("pass", "fail")
    assert p99.ratio is not None and p99.ratio.against == "floor p99"
    assert figures["interaction.orders.p50"].median <= p99.median
    assert 0 < figures["interaction.floor.p50"].median <= figures["interaction.floor.p99"].median


def test_players_get_four_distinct_pieces_of_their_own_faction() -> None:
    pieces = [Agent(f"a{i}", f"A{i}", f"f{i % 2}") for i in range(10)]
    pieces += [Squadron("s0", "S0", "f0"), Agent("x", "Loose", None)]
    cast = interaction.assign_pieces(pieces, 2)
    assert [faction for faction, _ in cast] == ["f0", "f1"]
    assert cast[0][1] == (("agent", "a0"), ("agent", "a2"), ("agent", "a4"), ("agent", "a6"))
    assert cast[1][1] == (("agent", "a1"), ("agent", "a3"), ("agent", "a5"), ("agent", "a7"))
    with pytest.raises(RuntimeError, match="faction f0 has too few pieces"):
        interaction.assign_pieces(pieces, 3)  # f0's second player would get a8 and s0 only


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
