"""Benchmark 5: resident memory of a process with many campaigns open (target < 300 MB).

``measure_process_memory(command)`` launches any command and samples its
``/proc/<pid>/status`` (VmRSS = resident now, VmHWM = peak resident) each time it prints
``MARK <name>``; after a sample it gets a newline on stdin to go on, and EOF to stop.
Today the command is ``bench.memory_child`` (N campaigns of size M copied from one built
campaign, opened through ``db.registry.CampaignRegistry``); swapping in the real bot only
needs a bot command that prints the same marks once its campaigns are open.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.context import Context
from bench.measure import Figure, Target
from db.dialect import backup_file

TARGET_MB = 300.0
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ProcMemory:
    rss_mb: float
    hwm_mb: float
    threads: int


def read_status(pid: int) -> ProcMemory:
    fields: dict[str, str] = {}
    with open(f"/proc/{pid}/status", encoding="utf-8") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return ProcMemory(
        rss_mb=int(fields["VmRSS"].split()[0]) / 1024,
        hwm_mb=int(fields["VmHWM"].split()[0]) / 1024,
        threads=int(fields["Threads"]),
    )


def measure_process_memory(
    command: Sequence[str], *, timeout_s: float = 300.0, cwd: Path | None = ROOT
) -> dict[str, ProcMemory]:
    """Run ``command``; one sample per ``MARK <name>`` line it prints; every mark, in order."""
    samples: dict[str, ProcMemory] = {}
    with subprocess.Popen(
        list(command),
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            for line in proc.stdout:
                if line.startswith("MARK "):
                    samples[line.split(None, 1)[1].strip()] = read_status(proc.pid)
                    proc.stdin.write("\n")
                    proc.stdin.flush()
            proc.stdin.close()
            code = proc.wait(timeout=timeout_s)
        except BaseException:
            proc.kill()
            raise
        if code != 0:
            err = proc.stderr.read() if proc.stderr else ""
            raise RuntimeError(f"{command[0]} exited with {code}: {err[-2000:]}")
    return samples


def child_command(data_dir: Path, count: int) -> list[str]:
    return [sys.executable, "-m", "bench.memory_child", str(data_dir), str(count)]


async def run(ctx: Context) -> list[Figure]:
    size, count = ctx.scale.memory_size, ctx.scale.memory_campaigns
    campaign = await ctx.campaigns.ready(size)
    data_dir = Path(tempfile.mkdtemp(prefix="memory-", dir=ctx.campaigns.root))
    (data_dir / "campaigns").mkdir()
    for guild_id in range(1, count + 1):
        backup_file(campaign.ready, data_dir / "campaigns" / f"{guild_id}.sqlite3")
    runs = 3 if ctx.scale.name == "full" else 1
    samples = [
        await asyncio.to_thread(measure_process_memory, child_command(data_dir, count))
        for _ in range(runs)
    ]
    ready = [s["ready"] for s in samples]
    baseline = [s["baseline"] for s in samples]
    label = f"{count} campaigns of size {size}"
    return [
        Figure(
            f"memory.{count}x{size}.rss",
            "MB",
            [m.rss_mb for m in ready],
            target=Target(TARGET_MB),
            note=f"{label} open through CampaignRegistry; {ready[0].threads} threads",
        ),
        Figure(f"memory.{count}x{size}.peak", "MB", [m.hwm_mb for m in ready], note="VmHWM"),
        Figure("memory.baseline.rss", "MB", [m.rss_mb for m in baseline], note="imports only"),
        Figure(
            "memory.per_campaign",
            "MB",
            [(r.rss_mb - b.rss_mb) / count for r, b in zip(ready, baseline, strict=True)],
            note="(rss - baseline) / campaigns",
        ),
    ]
