"""Benchmark 5: resident memory of the bot process with many campaigns open (target < 300 MB).

The figure with the target is the real bot: ``python -m bot``, unmodified, run against the
local Discord emulator (which runs in this process) with N campaign databases (copies of
the scale's size, M at full scale) in its data dir and one emulator guild per campaign.
The bot opens and migrates every campaign in ``setup_hook``, syncs its commands, connects
and receives the N guilds; then every guild's owner runs ``/turn`` (each answer proves the
bot has processed everything the gateway sent before it and has used that campaign), and
``/proc/<pid>/status`` is sampled: VmRSS (resident now), VmHWM (peak), Threads. The same
with a single campaign gives the per-campaign cost. SIGTERM ends the bot, which must exit
cleanly.

The secondary rows come from ``bench.memory_child``: the same imports and N campaigns
opened through ``db.registry.CampaignRegistry`` with no Discord client at all;
``measure_process_memory(command)`` samples any command at each ``MARK <name>`` it prints.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.context import Context
from bench.measure import Figure, Target
from bot.emulator import Emulator
from db.dialect import backup_file

TARGET_MB = 300.0
ROOT = Path(__file__).resolve().parents[1]
BOT_TIMEOUT_S = 180.0


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


# -- the real bot process ----------------------------------------------------------------------


def bot_env(emu: Emulator, data_dir: Path) -> dict[str, str]:
    """The operator's environment minus any Discord/bot settings, plus the emulator's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BOT_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DISCORD_TOKEN=emu.bot_token,
        DISCORD_API_BASE_URL=emu.api_base,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        BOT_DATA_DIR=str(data_dir),
        LOG_LEVEL="WARNING",  # stderr is read at exit: keep it short
    )
    return env


async def bot_memory(source: Path, count: int, root: Path) -> ProcMemory:
    """``python -m bot`` with ``count`` copies of the campaign ``source``, sampled once every
    guild has answered ``/turn``."""
    data_dir = Path(tempfile.mkdtemp(prefix="bot-memory-", dir=root))
    (data_dir / "campaigns").mkdir()
    async with Emulator() as emu:
        guilds = []
        for index in range(count):
            guild = emu.create_guild(f"City {index}")
            emu.add_text_channel(guild, "orders")
            backup_file(source, data_dir / "campaigns" / f"{guild.id}.sqlite3")
            guilds.append(guild)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=data_dir,  # no .env of the repository is read
            env=bot_env(emu, data_dir),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            exited = asyncio.ensure_future(proc.wait())
            ready = asyncio.ensure_future(
                emu.wait_for(lambda: emu.global_commands and emu.gateway.live, BOT_TIMEOUT_S)
            )
            await asyncio.wait({exited, ready}, return_when=asyncio.FIRST_COMPLETED)
            if exited.done():
                ready.cancel()
                raise RuntimeError(f"the bot exited with {proc.returncode} before it was ready")
            for guild in guilds:
                result = await emu.invoke(guild.members[guild.owner_id], "turn")
                if not (result.ephemeral and result.content):
                    raise RuntimeError(f"/turn in guild {guild.id} answered {result.content!r}")
            sample = read_status(proc.pid)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
            try:
                _, err = await asyncio.wait_for(proc.communicate(), 60)
            except TimeoutError:
                proc.kill()
                raise
        if proc.returncode != 0:
            raise RuntimeError(f"the bot exited with {proc.returncode}: {err.decode()[-2000:]}")
        emu.assert_clean()
    return sample


async def run(ctx: Context) -> list[Figure]:
    size, count = ctx.scale.memory_size, ctx.scale.memory_campaigns
    campaign = await ctx.campaigns.ready(size)
    runs = 3 if ctx.scale.name == "full" else 1
    root = ctx.campaigns.root
    bot_full: list[ProcMemory] = []
    bot_one: list[ProcMemory] = []
    for _ in range(runs):
        bot_one.append(await bot_memory(campaign.ready, 1, root))
        bot_full.append(await bot_memory(campaign.ready, count, root))
    data_dir = Path(tempfile.mkdtemp(prefix="memory-", dir=root))
    (data_dir / "campaigns").mkdir()
    for guild_id in range(1, count + 1):
        backup_file(campaign.ready, data_dir / "campaigns" / f"{guild_id}.sqlite3")
    samples = [
        await asyncio.to_thread(measure_process_memory, child_command(data_dir, count))
        for _ in range(runs)
    ]
    ready = [s["ready"] for s in samples]
    baseline = [s["baseline"] for s in samples]
    label = f"{count}x{size}"
    threads = bot_full[0].threads
    return [
        Figure(
            f"memory.bot.{label}.rss",
            "MB",
            [m.rss_mb for m in bot_full],
            target=Target(TARGET_MB),
            note=f"python -m bot, {count} guilds and campaigns of size {size} open, "
            f"after /turn in each; {threads} threads",
            extra={"threads": [m.threads for m in bot_full]},
        ),
        Figure(f"memory.bot.{label}.peak", "MB", [m.hwm_mb for m in bot_full], note="VmHWM"),
        Figure(
            f"memory.bot.1x{size}.rss",
            "MB",
            [m.rss_mb for m in bot_one],
            note=f"the same bot with one campaign; {bot_one[0].threads} threads",
            extra={"threads": [m.threads for m in bot_one]},
        ),
        Figure(
            "memory.bot.per_campaign",
            "MB",
            [(f.rss_mb - o.rss_mb) / (count - 1) for f, o in zip(bot_full, bot_one, strict=True)]
            if count > 1
            else [],
            note="(rss N - rss 1) / (N - 1)",
        ),
        Figure(
            f"memory.registry.{label}.rss",
            "MB",
            [m.rss_mb for m in ready],
            note=f"no Discord client: {count} campaigns through CampaignRegistry "
            f"(bench.memory_child); {ready[0].threads} threads",
        ),
        Figure("memory.registry.baseline.rss", "MB", [m.rss_mb for m in baseline], note="imports"),
        Figure(
            "memory.registry.per_campaign",
            "MB",
            [(r.rss_mb - b.rss_mb) / count for r, b in zip(ready, baseline, strict=True)],
            note="(rss - baseline) / campaigns",
        ),
    ]
