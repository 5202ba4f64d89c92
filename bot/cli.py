"""``python -m bot.cli`` / ``campaign-cli``: the GM's and operator's command line.

Every user mistake (missing file, invalid campaign, unknown guild, corrupt backup)
ends with one ``error:`` line on stderr and exit code 1; usage mistakes exit 2
(argparse). Campaign commands name their database with ``--guild ID`` (the file
under the data folder) or ``--db PATH``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import sqlite3
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.campaign import CampaignFile, CampaignInvalid, check, dump, load, summary
from bot.cli_check import check_campaign
from bot.cli_simulate import simulate, stderr_progress
from bot.config import SettingsError, load_settings
from bot.services import campaign_io
from bot.services.maps import fog_map_data, true_map_data
from db import backup as backups
from db import migrations
from db.database import Database
from db.errors import DatabaseError, DomainError
from db.registry import CampaignRegistry

EXIT_OK, EXIT_ERROR = 0, 1
SQLITE_MAGIC = b"SQLite format 3\x00"


class CliError(Exception):
    """A user mistake: printed as one line, exit code 1."""


# -- parser -----------------------------------------------------------------------------


def guild_id(text: str) -> str:
    """A Discord guild id: digits only, so it can never name a file outside the data folder."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Discord guild id (digits only)")
    return str(int(text))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="campaign-cli", description="Operate faction-campaign databases."
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="data folder (default: BOT_DATA_DIR from the environment/.env, else ./data)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def campaign_cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        which = cmd.add_mutually_exclusive_group(required=True)
        which.add_argument(
            "--guild", type=guild_id, help="the campaign of this Discord guild id (digits)"
        )
        which.add_argument("--db", type=Path, help="the campaign database file at PATH")
        return cmd

    migrate = campaign_cmd("migrate", "Show, apply or roll back schema migrations.")
    steps = migrate.add_subparsers(dest="action", required=True, metavar="ACTION")
    steps.add_parser("status", help="applied and pending migrations")
    up = steps.add_parser("up", help="apply pending migrations")
    up.add_argument("--target", type=int, help="stop at this version")
    down = steps.add_parser("down", help="roll back the last N migrations")
    down.add_argument("steps", type=int, metavar="N")

    backup = campaign_cmd("backup", "Take a backup of the campaign now.")
    backup.add_argument("--label", help="a word added to the backup's file name")
    campaign_cmd("backups", "List the campaign's backups, oldest first.")
    restore = campaign_cmd("restore", "Replace the campaign with a backup (kept copy first).")
    restore.add_argument("file", type=Path, metavar="FILE")
    campaign_cmd("check", "Integrity check plus game invariants; exit 1 when broken.")
    campaign_cmd("health", "Integrity, WAL size, schema version.")

    imp = campaign_cmd("import", "Import a campaign file (all or nothing).")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument(
        "--replace", action="store_true", help="overwrite a campaign in progress (after a backup)"
    )
    exp = campaign_cmd("export", "Write the campaign as a TOML campaign file ('-': stdout).")
    exp.add_argument("file", metavar="FILE")

    val = sub.add_parser(
        "validate",
        help="Check a campaign file without touching any database.",
        description="Check a campaign file without touching any database; exit 1 if invalid.",
    )
    val.add_argument("file", type=Path, metavar="FILE")

    sim = sub.add_parser(
        "simulate",
        help="Play a campaign headless with random legal orders.",
        description="Play N turns with random legal orders and automatic conflict rulings.",
    )
    sim.add_argument("file", type=Path, metavar="FILE")
    sim.add_argument("--turns", type=int, required=True, metavar="N")
    sim.add_argument("--seed", type=int, required=True, metavar="S", help="seeds the players")
    sim.add_argument("--db", type=Path, help="keep the simulated campaign in this new database")
    sim.add_argument("--json", type=Path, metavar="OUT", help="write per-turn results here")

    ren = sub.add_parser(
        "render",
        help="Write the GM map and every faction's map of the current turn.",
        description="Render maps from a campaign file or a campaign database.",
    )
    ren.add_argument("source", type=Path, metavar="FILE|DB")
    ren.add_argument("--out", type=Path, required=True, metavar="DIR")
    ren.add_argument(
        "--assets-dir",
        type=Path,
        help="folder the base map image path is relative to (default: beside FILE|DB)",
    )
    return parser


# -- entry point ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return asyncio.run(_dispatch(args))
    except CampaignInvalid as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    except (CliError, SettingsError) as exc:
        print(f"error: {_one_line(str(exc))}", file=sys.stderr)
    except DatabaseError as exc:  # the operator needs the cause, not only the apology
        print(f"error: {_one_line(exc.message)} ({_one_line(exc.detail)})", file=sys.stderr)
    except DomainError as exc:
        print(f"error: {_one_line(exc.message)}", file=sys.stderr)
    except sqlite3.Error as exc:
        print(f"error: database: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
    return EXIT_ERROR


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _data_dir(args: argparse.Namespace) -> Path:
    return args.data_dir if args.data_dir is not None else load_settings().data_dir


async def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "validate":
        return _validate(args.file)
    if args.command == "simulate":
        return await _simulate(args)
    if args.command == "render":
        return await _render(args)
    if args.command == "migrate":
        return await _migrate(args)
    if args.command == "import":  # a bad file must not leave an empty database behind
        args.campaign = _load_file(args.file)
    if args.db is not None:
        await refuse_foreign_database(args.db)
    registry = CampaignRegistry(_data_dir(args))
    try:
        db = await campaign_io.open_campaign(
            registry, guild_id=args.guild, path=args.db, create=args.command == "import"
        )
        backup_dir = campaign_io.backup_dir_for(registry, db, args.guild)
        handler = _HANDLERS[args.command]
        return await handler(args, db, backup_dir)
    finally:
        await registry.close_all()


# -- commands on an open campaign -------------------------------------------------------


async def _backup(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    print(await backups.backup(db, backup_dir, args.label))
    return EXIT_OK


async def _backups(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    found = backups.list_backups(backup_dir)
    if not found:
        print(f"no backups in {backup_dir}")
    for info in found:
        print(f"{info.created}  {info.size:>10}  {info.path}")
    return EXIT_OK


async def _restore(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    kept = await backups.restore(db, args.file, backup_dir)
    print(f"restored {db.path} from {args.file}; the replaced state is kept at {kept}")
    return EXIT_OK


async def _check(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    report = await check_campaign(db)
    for line in report.errors:
        print(f"error: {line}")
    for line in report.warnings:
        print(f"warning: {line}")
    print(f"check: {len(report.errors)} error(s), {len(report.warnings)} warning(s)")
    return EXIT_OK if report.ok else EXIT_ERROR


async def _health(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    report = await db.health()
    print(f"integrity: {report.integrity}")
    print(f"schema version: {report.schema_version}")
    print(f"wal bytes: {report.wal_bytes}")
    print(f"open connections: {report.open_connections}")
    print(f"slow statements: {report.slow_statements}")
    return EXIT_OK if report.ok else EXIT_ERROR


async def _import(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    result = await campaign_io.import_campaign(
        db, args.campaign, replace=args.replace, backup_dir=backup_dir
    )
    print(
        f"imported '{result.name}' into {db.path}: {result.factions} factions, "
        f"{result.districts} districts, {result.agents} agents, {result.squadrons} squadrons, "
        f"{result.rumors} rumors; turn {result.turn}, phase {result.phase}, seed {result.seed}"
    )
    if result.backup is not None:
        print(f"previous content backed up to {result.backup}")
    return EXIT_OK


async def _export(args: argparse.Namespace, db: Database, backup_dir: Path) -> int:
    text = dump(await campaign_io.export_campaign(db))
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"exported {db.path} to {args.file}")
    return EXIT_OK


_HANDLERS = {
    "backup": _backup,
    "backups": _backups,
    "restore": _restore,
    "check": _check,
    "health": _health,
    "import": _import,
    "export": _export,
}


# -- migrations (opened without the registry, which would migrate on open) --------------


def _campaign_path(args: argparse.Namespace) -> tuple[Path, Path]:
    registry = CampaignRegistry(_data_dir(args))
    if args.guild is not None:
        path, backup_dir = registry.path_for(args.guild), registry.backup_dir_for(args.guild)
    else:
        path, backup_dir = args.db, args.db.parent / "backups"
    if not path.is_file():
        raise CliError(f"no campaign database at {path}")
    return path, backup_dir


async def refuse_foreign_database(path: Path) -> None:
    """Never migrate (i.e. rewrite) an SQLite file that is not a campaign database.

    A campaign database has the migration ledger; an empty or missing file becomes one.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return
    async with Database(path) as db:
        foreign = await migrations.is_foreign(db)
    if foreign:
        raise CliError(f"{path} is an SQLite file but not a campaign database; left untouched")


async def _migrate(args: argparse.Namespace) -> int:
    path, backup_dir = _campaign_path(args)
    await refuse_foreign_database(path)
    async with Database(path) as db:
        if args.action == "status":
            applied = await migrations.applied_versions(db)
            for m in migrations.discover():
                state = "applied" if m.version in applied else "pending"
                print(f"{m.version:04d} {m.name:<30} {state}")
            print(f"schema version: {await migrations.current_version(db)}")
            return EXIT_OK
        if args.action == "up":
            report = await migrations.migrate(db, target=args.target, backup_dir=backup_dir)
        else:
            if args.steps < 1:
                raise CliError("N must be at least 1")
            report = await migrations.rollback(db, args.steps, backup_dir=backup_dir)
    print(f"schema version {report.from_version} -> {report.to_version}")
    if report.backup is not None:
        print(f"backup: {report.backup}")
    return EXIT_OK


# -- files ------------------------------------------------------------------------------


def _load_file(path: Path) -> CampaignFile:
    if not path.is_file():
        raise CliError(f"no such campaign file: {path}")
    return load(path)


def _validate(path: Path) -> int:
    if not path.is_file():
        raise CliError(f"no such campaign file: {path}")
    result = check(path)
    for problem in result.problems:
        print(f"error: {problem}")
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.campaign is None:
        print(f"{path}: {len(result.problems)} problem(s)")
        return EXIT_ERROR
    print(summary(result.campaign))
    return EXIT_OK


async def _simulate(args: argparse.Namespace) -> int:
    if args.turns < 1:
        raise CliError("--turns must be at least 1")
    if args.json is not None and (args.json.is_dir() or not args.json.parent.is_dir()):
        raise CliError(f"--json {args.json}: not a file in an existing folder")
    campaign = _load_file(args.file)
    if campaign.seed is None:
        # Reproducible runs: a file without a seed plays with the simulation's seed.
        campaign = dataclasses.replace(campaign, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="simulate-") as scratch:
        path = args.db if args.db is not None else Path(scratch) / "simulation.sqlite3"
        if path.exists():
            raise CliError(f"{path} already exists; simulate writes a new database")
        path.parent.mkdir(parents=True, exist_ok=True)
        registry = CampaignRegistry(path.parent)
        try:
            db = await registry.open_path(path)
            await campaign_io.import_campaign(db, campaign)
            summaries = await simulate(db, args.turns, args.seed, progress=stderr_progress)
        finally:
            await registry.close_all()
    for s in summaries:
        print(s.line())
    if args.json is not None:
        args.json.write_text(
            json.dumps([s.to_json() for s in summaries], indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    return EXIT_OK


async def _render(args: argparse.Namespace) -> int:
    source: Path = args.source
    if not source.is_file():
        raise CliError(f"no such campaign file or database: {source}")
    with source.open("rb") as handle:
        is_db = handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    if is_db:
        await refuse_foreign_database(source)
    assets = args.assets_dir or source.parent
    with tempfile.TemporaryDirectory(prefix="render-") as scratch:
        registry = CampaignRegistry(Path(scratch))
        try:
            if is_db:
                db = await registry.open_path(source)
            else:
                db = await registry.open_path(Path(scratch) / "render.sqlite3")
                await campaign_io.import_campaign(db, _load_file(source))
            written = await write_maps(db, args.out, assets)
        finally:
            await registry.close_all()
    for path in written:
        print(path)
    return EXIT_OK


async def write_maps(db: Database, out: Path, assets_dir: Path | None) -> list[Path]:
    """The GM map and one fog-of-war map per faction, as PNG files in ``out``."""
    from bot.render.maps import render_fog_map, render_true_map

    async with db.read() as uow:
        game = await uow.game.find()
        if game is None:
            raise CliError("this database holds no campaign yet")
        true_map = await true_map_data(uow, assets_dir=assets_dir)
        fogs = [
            await fog_map_data(uow, f.id, assets_dir=assets_dir)
            for f in await uow.factions.list_all()
        ]
    out.mkdir(parents=True, exist_ok=True)
    written = [out / f"turn{game.turn:03d}-gm.png"]
    written[0].write_bytes(render_true_map(true_map))
    for fog in fogs:
        path = out / f"turn{game.turn:03d}-{fog.viewer_faction_id}.png"
        path.write_bytes(render_fog_map(fog))
        written.append(path)
    return written


if __name__ == "__main__":
    raise SystemExit(main())
