"""The Emulator: an aiohttp REST API v10 + gateway on 127.0.0.1, its world, and the driving API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.emulator import payloads, validator
from bot.emulator.commands import (
    CommandInputError,
    OptionBuilder,
    Upload,
    find_command,
    nest,
)
from bot.emulator.faults import Faults
from bot.emulator.gateway import Gateway, Session, run_soon
from bot.emulator.ids import iso_now, snowflake, token
from bot.emulator.model import (
    ALL_PERMISSIONS,
    CATEGORY_CHANNEL,
    DEFAULT_EVERYONE_PERMISSIONS,
    DM_CHANNEL,
    EPHEMERAL_FLAG,
    TEXT_CHANNEL,
    Channel,
    Guild,
    Member,
    Message,
    Role,
    StoredFile,
    User,
)
from bot.emulator.results import InteractionResult
from bot.emulator.validator import Violation

LOADING_FLAG = 1 << 7
Handler = Callable[..., Awaitable[web.Response]]


class DiscordError(Exception):
    """Raised inside a handler to answer with Discord's JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


class Emulator:
    """A local Discord. Start it, point discord.py at `api_base`/`gateway_url`, drive it."""

    def __init__(
        self,
        *,
        bot_name: str = "CampaignBot",
        bot_token: str = "emulator-bot-token",
        interaction_deadline: float = 3.0,
    ) -> None:
        self.bot_token = bot_token
        self.interaction_deadline = interaction_deadline
        self.bot_user = User(snowflake(), bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.users: dict[str, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[str, Guild] = {}
        self.channels: dict[str, Channel] = {}
        self.messages_by_channel: dict[str, list[Message]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.interactions: dict[str, InteractionResult] = {}
        self.uploads: dict[str, StoredFile] = {}
        # enforce_nonce: (author id, nonce) -> (message, when). Discord: "If another message
        # was created by the same author with the same nonce, that message will be returned
        # and no new message will be created", checked over the past few minutes.
        self.nonces: dict[tuple[str, str], tuple[Message, float]] = {}
        self.nonce_window = 300.0
        self.violations: list[Violation] = []
        self.unknown_routes: list[str] = []
        self.requests: list[tuple[str, str, int]] = []
        self.faults = Faults()
        self.port = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._watchers: set[asyncio.Task[Any]] = set()
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self.gateway = Gateway(
            bot_token=lambda: self.bot_token,
            ready_payload=self._ready_payload,
            guild_payloads=lambda: [payloads.guild(g) for g in self.guilds.values()],
            members_chunk=self._members_chunk,
            on_change=self._notify,
        )
        self._register_routes()

    # ================================================================ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """Use as discord.http.Route.BASE (or DISCORD_API_BASE_URL)."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Use as DiscordWebSocket.DEFAULT_GATEWAY (discord.py 2.7 does not ask GET /gateway)."""
        return f"ws://127.0.0.1:{self.port}/gateway/"

    async def start(self) -> Emulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway/", self.gateway.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{channel_id}/{file_id}/{filename}", self._serve_file)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._entry)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for task in self._watchers:
            task.cancel()
        await self.gateway.drop(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ================================================================ world setup
    def create_guild(self, name: str, *, owner_name: str = "owner") -> Guild:
        """A guild with @everyone, an owner member and the bot as member."""
        guild_id = snowflake()
        owner = self._new_user(owner_name)
        guild = Guild(guild_id, name, owner.id)
        guild.roles[guild_id] = Role(guild_id, guild_id, "@everyone", DEFAULT_EVERYONE_PERMISSIONS)
        guild.members[owner.id] = Member(owner, guild_id)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild_id)
        self.guilds[guild_id] = guild
        self._live_dispatch("GUILD_CREATE", lambda: payloads.guild(guild))
        return guild

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self._add_channel(guild, name, CATEGORY_CHANNEL, None, None)

    def add_text_channel(
        self, guild: Guild, name: str, *, category: Channel | None = None, topic: str | None = None
    ) -> Channel:
        return self._add_channel(guild, name, TEXT_CHANNEL, category, topic)

    def add_role(
        self, guild: Guild, name: str, *, permissions: int = 0, mentionable: bool = False
    ) -> Role:
        role = Role(snowflake(), guild.id, name, permissions, len(guild.roles), mentionable)
        guild.roles[role.id] = role
        self._live_dispatch(
            "GUILD_ROLE_CREATE", lambda: {"guild_id": guild.id, "role": payloads.role(role)}
        )
        return role

    def add_member(
        self,
        guild: Guild,
        name: str,
        *,
        roles: tuple[Role, ...] | list[Role] = (),
        dm_open: bool = True,
    ) -> Member:
        user = self._new_user(name, dm_open=dm_open)
        member = Member(user, guild.id, [r.id for r in roles])
        guild.members[user.id] = member
        self._live_dispatch(
            "GUILD_MEMBER_ADD", lambda: {**payloads.member(member), "guild_id": guild.id}
        )
        return member

    def close_dms(self, who: Member | User, closed: bool = True) -> None:
        """Fault switch: sending to this user's DM channel answers 403 code 50007."""
        (who.user if isinstance(who, Member) else who).dm_open = not closed

    def _new_user(self, name: str, *, dm_open: bool = True) -> User:
        user = User(snowflake(), name, dm_open=dm_open)
        self.users[user.id] = user
        return user

    def _add_channel(
        self, guild: Guild, name: str, kind: int, category: Channel | None, topic: str | None
    ) -> Channel:
        channel = Channel(
            snowflake(),
            kind,
            name,
            guild.id,
            category.id if category else None,
            len(guild.channels),
            topic,
        )
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        self._live_dispatch("CHANNEL_CREATE", lambda: payloads.channel(channel))
        return channel

    def _live_dispatch(self, event: str, build: Callable[[], dict[str, Any]]) -> None:
        if self.gateway.sessions:
            run_soon(self.gateway.dispatch(event, build()))

    # ================================================================ read back
    def messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Live (not deleted) messages of a channel, oldest first."""
        return [
            m
            for m in self.messages_by_channel.get(channel.id, [])
            if not m.deleted and (include_ephemeral or not m.ephemeral)
        ]

    def dm_channel(self, who: Member | User) -> Channel | None:
        user_id = who.id
        return next(
            (
                c
                for c in self.channels.values()
                if c.type == DM_CHANNEL and c.recipient_id == user_id
            ),
            None,
        )

    def dms(self, who: Member | User) -> list[Message]:
        """Messages the bot sent to this user by DM."""
        channel = self.dm_channel(who)
        return [] if channel is None else self.messages(channel)

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 3.0) -> Any:
        """Wait until predicate() is truthy; TimeoutError after `timeout` (None: forever).

        Wakes on every emulator state change, and also re-checks every 20 ms so predicates over
        state outside the emulator (the bot's own objects, a database) work too.
        """

        async def loop() -> Any:
            async with self._changed:
                while not (value := predicate()):
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.02)
                return value

        return await asyncio.wait_for(loop(), timeout)

    async def wait_for_message(
        self,
        channel: Channel,
        predicate: Callable[[Message], bool] = lambda m: True,
        timeout: float = 3.0,
    ) -> Message:
        def found() -> Message | None:
            return next((m for m in reversed(self.messages(channel)) if predicate(m)), None)

        await self.wait_for(found, timeout)
        result = found()
        assert result is not None
        return result

    async def wait_for_dm(
        self,
        who: Member | User,
        predicate: Callable[[Message], bool] = lambda m: True,
        timeout: float = 3.0,
    ) -> Message:
        await self.wait_for(lambda: any(predicate(m) for m in self.dms(who)), timeout)
        return next(m for m in reversed(self.dms(who)) if predicate(m))

    def take_violations(self) -> list[Violation]:
        """Return and clear recorded violations (for tests that provoke them on purpose)."""
        taken, self.violations = self.violations, []
        return taken

    def assert_clean(self) -> None:
        """Fail if the bot broke a Discord rule or called a route the emulator does not know."""
        problems = [str(v) for v in self.violations]
        problems += [f"unknown route {r}" for r in self.unknown_routes]
        assert not problems, "Discord emulator violations:\n" + "\n".join(problems)

    def commands_for(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """The synced definitions visible in `guild` (guild-specific first, then global)."""
        local = self.guild_commands.get(guild.id, []) if guild else []
        return local + self.global_commands

    # ================================================================ driving
    def attachment(self, filename: str, data: bytes, content_type: str | None = None) -> Upload:
        """A file to pass as an ATTACHMENT option value to invoke()."""
        return Upload(filename, data, content_type)

    async def invoke(
        self,
        member: Member,
        command: str,
        /,
        *,
        in_channel: Channel | None = None,
        wait: bool = True,
        **options: Any,
    ) -> InteractionResult:
        """Run a slash command as `member`, typed like the Discord client would allow."""
        guild = self.guilds[member.guild_id]
        top, chain = find_command(self.commands_for(guild), command)
        builder = OptionBuilder(self.uploads, snowflake, self.base_url)
        leaf = chain[-1] if chain else top
        built = builder.build(command, leaf, options, lookup_guild=guild)
        data = nest(top, chain, built)
        if builder.resolved.to_dict():
            data["resolved"] = builder.resolved.to_dict()
        if top.get("guild_id"):
            data["guild_id"] = top["guild_id"]
        return await self._interact(2, command, member, in_channel, data, None, wait)

    async def autocomplete(
        self,
        member: Member,
        command: str,
        focused: str,
        current: str = "",
        /,
        *,
        in_channel: Channel | None = None,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """The choices the bot offers for option `focused` while the user types `current`."""
        guild = self.guilds[member.guild_id]
        top, chain = find_command(self.commands_for(guild), command)
        leaf = chain[-1] if chain else top
        definition = next((o for o in leaf.get("options") or [] if o["name"] == focused), None)
        if definition is None or not definition.get("autocomplete"):
            raise CommandInputError(f"/{command} option {focused!r} has no autocomplete")
        builder = OptionBuilder(self.uploads, snowflake, self.base_url)
        built = builder.build(
            command, leaf, {**options, focused: current}, focused=focused, lookup_guild=guild
        )
        data = nest(top, chain, built)
        result = await self._interact(4, command, member, in_channel, data, None, True)
        return result.choices or []

    async def click(
        self, member: Member, message: Message, custom_id: str, *, wait: bool = True
    ) -> InteractionResult:
        """Press the button `custom_id` on `message`."""
        item = self._component(message, custom_id)
        if item.get("type") != 2:
            raise CommandInputError(f"{custom_id!r} is not a button")
        if item.get("disabled"):
            raise CommandInputError(f"button {custom_id!r} is disabled")
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(3, custom_id, member, None, data, message, wait)

    async def select(
        self,
        member: Member,
        message: Message,
        custom_id: str,
        values: list[str],
        *,
        wait: bool = True,
    ) -> InteractionResult:
        """Choose `values` in the select menu `custom_id` on `message`."""
        item = self._component(message, custom_id)
        if item.get("type") not in (3, 5, 6, 7, 8):
            raise CommandInputError(f"{custom_id!r} is not a select menu")
        low, high = item.get("min_values", 1), item.get("max_values", 1)
        if not low <= len(values) <= high:
            raise CommandInputError(
                f"select {custom_id!r} takes {low}..{high} values, got {len(values)}"
            )
        if item["type"] == 3:
            allowed = [o["value"] for o in item.get("options", [])]
            bad = [v for v in values if v not in allowed]
            if bad:
                raise CommandInputError(f"select {custom_id!r}: {bad} not among {allowed}")
        data = {"custom_id": custom_id, "component_type": item["type"], "values": list(values)}
        return await self._interact(3, custom_id, member, None, data, message, wait)

    async def submit_modal(
        self,
        member: Member,
        source: InteractionResult | dict[str, Any],
        values: dict[str, str],
        *,
        wait: bool = True,
    ) -> InteractionResult:
        """Fill in and submit the modal the bot opened (`source` is the InteractionResult)."""
        modal = source.modal if isinstance(source, InteractionResult) else source
        if modal is None:
            raise CommandInputError("that interaction did not open a modal")
        channel = (
            self.channels.get(source.channel_id) if isinstance(source, InteractionResult) else None
        )
        rows, seen = [], set()
        for row in modal.get("components", []):
            if row.get("type") == 18:
                rows.append({"type": 18, "component": self._fill(row["component"], values, seen)})
            else:
                rows.append(
                    {
                        "type": 1,
                        "components": [self._fill(i, values, seen) for i in row["components"]],
                    }
                )
        unknown = set(values) - seen
        if unknown:
            raise CommandInputError(f"modal has no inputs {sorted(unknown)}")
        data = {"custom_id": modal["custom_id"], "components": rows}
        # Discord includes the message when the modal was opened from one of its components.
        origin = source.message if isinstance(source, InteractionResult) else None
        return await self._interact(5, modal["custom_id"], member, channel, data, origin, wait)

    @contextlib.asynccontextmanager
    async def gateway_outage(self, code: int = 4000) -> AsyncIterator[None]:
        """Drop the bot's gateway socket (resumable close code) and keep it out until exit."""
        self.gateway.open.clear()
        await self.gateway.drop(code)
        await self.wait_for(lambda: not self.gateway.live, timeout=5.0)
        try:
            yield
        finally:
            self.gateway.open.set()

    # ---------------------------------------------------------------- driving internals
    def _fill(self, item: dict[str, Any], values: dict[str, str], seen: set[str]) -> dict[str, Any]:
        custom_id = item["custom_id"]
        seen.add(custom_id)
        value = values.get(custom_id, item.get("value") or "")
        if item.get("required", True) and not value:
            raise CommandInputError(f"modal input {custom_id!r} is required")
        if value and not item.get("min_length", 0) <= len(value) <= item.get("max_length", 4000):
            raise CommandInputError(f"modal input {custom_id!r}: length {len(value)} out of bounds")
        return {"type": 4, "custom_id": custom_id, "value": value}

    def _component(self, message: Message, custom_id: str) -> dict[str, Any]:
        current = self._find_message(message.id) or message

        def walk(items: list[dict[str, Any]]) -> dict[str, Any] | None:
            for item in items:
                if item.get("custom_id") == custom_id:
                    return item
                found = walk(
                    item.get("components", [])
                    + ([item["component"]] if "component" in item else [])
                )
                if found:
                    return found
            return None

        item = walk(current.components)
        if item is None:
            raise CommandInputError(
                f"message {message.id} has no component {custom_id!r}: {current.custom_ids()}"
            )
        return item

    async def _interact(
        self,
        kind: int,
        name: str,
        member: Member,
        channel: Channel | None,
        data: dict[str, Any],
        message: Message | None,
        wait: bool,
    ) -> InteractionResult:
        guild = self.guilds[member.guild_id]
        if channel is None and message is not None:
            channel = self.channels[message.channel_id]
        if channel is None:
            channel = next(c for c in guild.channels.values() if c.type == TEXT_CHANNEL)
        interaction_id = snowflake()
        result = InteractionResult(
            id=interaction_id,
            token=token(),
            type=kind,
            name=name,
            user_id=member.id,
            channel_id=channel.id,
            guild_id=guild.id,
            payload={},
            wait_for=self.wait_for,
            message=message,
        )
        payload: dict[str, Any] = {
            "id": interaction_id,
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "guild_id": guild.id,
            "guild": {"id": guild.id, "locale": "en-US", "features": []},
            "channel_id": channel.id,
            "channel": payloads.channel(channel),
            "member": payloads.member(member, guild),
            "token": result.token,
            "version": 1,
            "app_permissions": str(ALL_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
            "attachment_size_limit": 26214400,
        }
        if message is not None:
            payload["message"] = self._message_payload(self._find_message(message.id) or message)
        result.payload = payload
        self.interactions[interaction_id] = result
        watcher = asyncio.ensure_future(self._watch_deadline(result))
        self._watchers.add(watcher)
        watcher.add_done_callback(self._watchers.discard)
        await self.gateway.dispatch("INTERACTION_CREATE", payload, on_sent=result.mark_dispatched)
        if wait:
            await result.wait_response(timeout=self.interaction_deadline + 1.0)
        return result

    async def _watch_deadline(self, result: InteractionResult) -> None:
        await self.wait_for(lambda: result.dispatched_at is not None, timeout=None)
        assert result.dispatched_at is not None
        remaining = result.dispatched_at + self.interaction_deadline - time.monotonic()
        try:
            await asyncio.wait_for(result.responded.wait(), max(remaining, 0.0))
        except TimeoutError:
            self._violate(
                "interaction-deadline",
                f"/{result.name} not answered within {self.interaction_deadline}s of dispatch",
                f"interaction {result.id}",
            )

    # ================================================================ REST plumbing
    def _violate(self, rule: str, detail: str, where: str = "") -> None:
        self.violations.append(Violation(rule, detail, where))
        self._notify()

    def _notify(self) -> None:
        async def bump() -> None:
            async with self._changed:
                self._changed.notify_all()

        run_soon(bump())

    def _route(self, method: str, template: str, handler: Handler, *, auth: bool = True) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{pattern}$"), handler, auth))

    async def _entry(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        response = await self._handle(request, path)
        self.requests.append((request.method, path, response.status))
        self._notify()
        return response

    async def _handle(self, request: web.Request, path: str) -> web.Response:
        fault = self.faults.take(request.method, path)
        if fault is not None:
            return self._fault_response(fault)
        for method, pattern, handler, auth in self._routes:
            match = pattern.match(path)
            if match is None or method != request.method:
                continue
            if auth and request.headers.get("Authorization") != f"Bot {self.bot_token}":
                return _error(401, 0, "401: Unauthorized")
            try:
                return await handler(request, **match.groupdict())
            except DiscordError as exc:
                return _error(exc.status, exc.code, exc.message, exc.errors)
        self.unknown_routes.append(f"{request.method} {path}")
        return _error(404, 0, "404: Not Found")

    def _fault_response(self, fault: Any) -> web.Response:
        if fault.status != 429:
            return _error(fault.status, 0, f"{fault.status}: Emulated server error")
        headers = {
            "Retry-After": str(max(1, round(fault.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
            "X-RateLimit-Bucket": "emulated-bucket",
            "X-RateLimit-Scope": "global" if fault.is_global else "user",
            "Via": "1.1 google",
        }
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
            "code": 0,
        }
        return _json(body, status=429, headers=headers)

    def _register_routes(self) -> None:
        r = self._route
        r("GET", "/gateway", self._get_gateway, auth=False)
        r("GET", "/gateway/bot", self._get_gateway)
        r("GET", "/users/@me", self._get_me)
        r("GET", "/users/{user_id}", self._get_user)
        r("POST", "/users/@me/channels", self._create_dm)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/applications/@me", self._get_application)
        r("GET", "/applications/{app_id}/commands", self._get_commands)
        r("PUT", "/applications/{app_id}/commands", self._put_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_commands)
        r("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_commands)
        r("GET", "/guilds/{guild_id}", self._get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self._get_roles)
        r("GET", "/guilds/{guild_id}/members", self._get_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)
        r("GET", "/channels/{channel_id}", self._get_channel)
        r("GET", "/channels/{channel_id}/messages", self._list_messages)
        r("POST", "/channels/{channel_id}/messages", self._post_message)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message)
        r("POST", "/interactions/{interaction_id}/{itoken}/callback", self._callback, auth=False)
        r("POST", "/webhooks/{app_id}/{itoken}", self._followup, auth=False)
        r(
            "GET",
            "/webhooks/{app_id}/{itoken}/messages/{message_id}",
            self._get_webhook_message,
            auth=False,
        )
        r(
            "PATCH",
            "/webhooks/{app_id}/{itoken}/messages/{message_id}",
            self._patch_webhook_message,
            auth=False,
        )
        r(
            "DELETE",
            "/webhooks/{app_id}/{itoken}/messages/{message_id}",
            self._delete_webhook_message,
            auth=False,
        )

    # ================================================================ REST handlers
    async def _get_gateway(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _json(
            {"url": self.gateway_url.rstrip("/"), "shards": 1, "session_start_limit": limit}
        )

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(payloads.user(self.bot_user))

    async def _get_user(self, request: web.Request, user_id: str) -> web.Response:
        return _json(payloads.user(self._user(user_id)))

    async def _get_application(self, request: web.Request, **_: str) -> web.Response:
        owner = payloads.user(next(iter(self.users.values())))
        return _json(
            {
                "id": self.application_id,
                "name": self.bot_user.username,
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": owner,
                "team": None,
                "flags": 0,
                "bot": payloads.user(self.bot_user),
                "summary": "",
                "rpc_origins": [],
            }
        )

    async def _get_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        stored = self.guild_commands.get(guild_id, []) if guild_id else self.global_commands
        return _json(stored)

    async def _put_commands(
        self, request: web.Request, app_id: str, guild_id: str | None = None
    ) -> web.Response:
        body = await request.json()
        found = validator.check_commands(body, is_global=guild_id is None)
        if found:
            for v in found:
                self._violate(v.rule, v.detail, f"command sync: {v.where}")
            raise DiscordError(
                400,
                50035,
                "Invalid Form Body",
                {"_errors": [{"code": v.rule, "message": str(v)} for v in found]},
            )
        stored = []
        for command in body:
            entry = {
                "id": snowflake(),
                "application_id": self.application_id,
                "version": snowflake(),
                "type": 1,
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "options": [],
                **command,
            }
            if guild_id:
                entry["guild_id"] = guild_id
            stored.append(entry)
        if guild_id:
            self.guild_commands[guild_id] = stored
        else:
            self.global_commands = stored
        return _json(stored)

    async def _get_guild(self, request: web.Request, guild_id: str) -> web.Response:
        data = payloads.guild(self._guild(guild_id))
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            data.pop(key)
        return _json(data)

    async def _get_guild_channels(self, request: web.Request, guild_id: str) -> web.Response:
        return _json([payloads.channel(c) for c in self._guild(guild_id).channels.values()])

    async def _get_roles(self, request: web.Request, guild_id: str) -> web.Response:
        return _json([payloads.role(r) for r in self._guild(guild_id).roles.values()])

    async def _get_members(self, request: web.Request, guild_id: str) -> web.Response:
        limit = int(request.query.get("limit", 1))
        after = int(request.query.get("after", 0))
        members = sorted(self._guild(guild_id).members.values(), key=lambda m: int(m.id))
        chosen = [m for m in members if int(m.id) > after][:limit]
        return _json([payloads.member(m) for m in chosen])

    async def _get_member(self, request: web.Request, guild_id: str, user_id: str) -> web.Response:
        member = self._guild(guild_id).members.get(user_id)
        if member is None:
            raise DiscordError(404, 10007, "Unknown Member")
        return _json(payloads.member(member))

    async def _get_channel(self, request: web.Request, channel_id: str) -> web.Response:
        return _json(payloads.channel(self._channel(channel_id), self.users))

    async def _create_dm(self, request: web.Request) -> web.Response:
        body = await request.json()
        user = self._user(str(body.get("recipient_id")))
        channel = self.dm_channel(user)
        if channel is None:
            channel = Channel(snowflake(), DM_CHANNEL, recipient_id=user.id)
            self.channels[channel.id] = channel
        return _json(payloads.channel(channel, self.users))

    async def _list_messages(self, request: web.Request, channel_id: str) -> web.Response:
        self._channel(channel_id)
        limit = int(request.query.get("limit", 50))
        newest_first = list(reversed(self.messages(self.channels[channel_id])))[:limit]
        return _json([self._message_payload(m) for m in newest_first])

    async def _get_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        return _json(self._message_payload(self._message(channel_id, message_id)))

    async def _post_message(self, request: web.Request, channel_id: str) -> web.Response:
        channel = self._channel(channel_id)
        if channel.type == DM_CHANNEL and not self.users[channel.recipient_id or ""].dm_open:
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        body, files = await self._read_body(request)
        self._validate_message(body, f"POST /channels/{channel_id}/messages")
        author = self.bot_user.id  # the only author posting through this route
        nonce_key = (author, str(body["nonce"])) if body.get("nonce") is not None else None
        if nonce_key is not None and body.get("enforce_nonce"):
            seen = self.nonces.get(nonce_key)
            if seen is not None and time.monotonic() - seen[1] < self.nonce_window:
                return _json(self._message_payload(seen[0]))  # Discord returns the original
        message = self._store_message(channel, body, files)
        if nonce_key is not None:
            self.nonces[nonce_key] = (message, time.monotonic())
        await self._dispatch_message("MESSAGE_CREATE", message)
        return _json(self._message_payload(message))

    async def _patch_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        message = self._message(channel_id, message_id)
        body, files = await self._read_body(request)
        self._validate_message(body, f"PATCH /channels/{channel_id}/messages/{message_id}")
        self._edit(message, body, files)
        await self._dispatch_message("MESSAGE_UPDATE", message)
        return _json(self._message_payload(message))

    async def _delete_message(
        self, request: web.Request, channel_id: str, message_id: str
    ) -> web.Response:
        message = self._message(channel_id, message_id)
        message.deleted = True
        self._notify()
        return web.Response(status=204)

    async def _callback(
        self, request: web.Request, interaction_id: str, itoken: str
    ) -> web.Response:
        result = self.interactions.get(interaction_id)
        if result is None or result.token != itoken:
            raise DiscordError(404, 10062, "Unknown interaction")
        if result.response_type is not None:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        now = time.monotonic()
        if (
            result.dispatched_at is not None
            and now - result.dispatched_at > self.interaction_deadline
        ):
            raise DiscordError(404, 10062, "Unknown interaction")
        body, files = await self._read_body(request)
        kind, data = int(body["type"]), body.get("data") or {}
        where = f"callback {result.name}"
        channel = self.channels[result.channel_id]
        if kind in (4, 7):
            self._validate_message(data, where)
        elif kind == 8:
            self._check(validator.check_autocomplete(data), where)
        elif kind == 9:
            self._check(validator.check_modal(data), where)
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            result.ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL_FLAG)
            loading = LOADING_FLAG if kind == 5 else 0
            result.original = self._store_message(
                channel,
                data if kind == 4 else {"flags": data.get("flags", 0)},
                files,
                webhook=True,
                interaction_id=result.id,
                extra_flags=loading,
            )
            resource["message"] = self._message_payload(result.original)
        elif kind in (6, 7) and result.message is not None:
            result.original = self._find_message(result.message.id)
            if kind == 7 and result.original is not None:
                self._edit(result.original, data, files)
                resource["message"] = self._message_payload(result.original)
        elif kind == 8:
            result.choices = list(data.get("choices") or [])
        elif kind == 9:
            result.modal = data
        result.response_type, result.response_data = kind, data
        result.responded_at = time.monotonic()
        result.responded.set()
        self._notify()
        if kind == 4 and result.original is not None and not result.ephemeral:
            await self._dispatch_message("MESSAGE_CREATE", result.original)
        reply = {
            "interaction": {
                "id": result.id,
                "type": result.type,
                "response_message_id": result.original.id if result.original else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": result.ephemeral,
            },
            "resource": resource,
        }
        return _json(reply)

    async def _followup(self, request: web.Request, app_id: str, itoken: str) -> web.Response:
        result = self._by_token(itoken)
        body, files = await self._read_body(request)
        self._validate_message(body, f"followup {result.name}")
        message = self._store_message(
            self.channels[result.channel_id], body, files, webhook=True, interaction_id=result.id
        )
        result.followups.append(message)
        self._notify()
        if request.query.get("wait") in ("true", "1", "True"):
            return _json(self._message_payload(message))
        return web.Response(status=204)

    def _webhook_target(self, itoken: str, message_id: str) -> tuple[InteractionResult, Message]:
        result = self._by_token(itoken)
        if message_id == "@original":
            if result.original is None:
                raise DiscordError(404, 10008, "Unknown Message")
            return result, result.original
        target = self._find_message(message_id)
        if target is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return result, target

    async def _get_webhook_message(
        self, request: web.Request, app_id: str, itoken: str, message_id: str
    ) -> web.Response:
        _, message = self._webhook_target(itoken, message_id)
        return _json(self._message_payload(message))

    async def _patch_webhook_message(
        self, request: web.Request, app_id: str, itoken: str, message_id: str
    ) -> web.Response:
        result, message = self._webhook_target(itoken, message_id)
        body, files = await self._read_body(request)
        self._validate_message(body, f"edit {result.name}")
        self._edit(message, body, files)
        message.flags &= ~LOADING_FLAG
        self._notify()
        return _json(self._message_payload(message))

    async def _delete_webhook_message(
        self, request: web.Request, app_id: str, itoken: str, message_id: str
    ) -> web.Response:
        _, message = self._webhook_target(itoken, message_id)
        message.deleted = True
        self._notify()
        return web.Response(status=204)

    async def _serve_file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        stored = self.uploads.get(file_id)
        if stored is None:
            for messages in self.messages_by_channel.values():
                for message in messages:
                    stored = next((f for f in message.files if f.id == file_id), stored)
        if stored is None:
            return web.Response(status=404)
        return web.Response(
            body=stored.data, content_type=stored.content_type or "application/octet-stream"
        )

    # ================================================================ helpers
    async def _read_body(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[int, StoredFile]]:
        """JSON body, or multipart payload_json + files[n] as discord.py sends attachments."""
        if not request.content_type.startswith("multipart/"):
            text = await request.text()
            return (json.loads(text) if text else {}), {}
        body: dict[str, Any] = {}
        files: dict[int, StoredFile] = {}
        reader = await request.multipart()
        async for part in reader:
            name = part.name or ""
            if name == "payload_json":
                body = json.loads(await part.text())
            elif name.startswith("files["):
                index = int(name[6:-1])
                data = bytes(await part.read())
                files[index] = StoredFile(
                    snowflake(),
                    part.filename or f"file{index}",
                    data,
                    part.headers.get("Content-Type"),
                )
        for attachment in body.get("attachments") or []:
            stored = (
                files.get(int(attachment["id"]))
                if str(attachment.get("id", "")).isdigit()
                else None
            )
            if stored is not None:
                stored.filename = attachment.get("filename") or stored.filename
                stored.description = attachment.get("description")
        return body, files

    def _validate_message(self, body: dict[str, Any], where: str) -> None:
        found = validator.check_message(body)
        self._check(found, where)

    def _check(self, found: list[Violation], where: str) -> None:
        """Record violations; refuse (400 Invalid Form Body) unless only mention rules broke."""
        for v in found:
            self._violate(v.rule, v.detail, where)
        if any(v.rule not in ("mass-mention", "role-mention") for v in found):
            raise DiscordError(
                400,
                50035,
                "Invalid Form Body",
                {"_errors": [{"code": v.rule, "message": str(v)} for v in found]},
            )

    def _store_message(
        self,
        channel: Channel,
        body: dict[str, Any],
        files: dict[int, StoredFile],
        *,
        webhook: bool = False,
        interaction_id: str | None = None,
        extra_flags: int = 0,
    ) -> Message:
        message = Message(
            id=snowflake(),
            channel_id=channel.id,
            author_id=self.bot_user.id,
            content=body.get("content") or "",
            embeds=list(body.get("embeds") or []),
            components=list(body.get("components") or []),
            files=list(files.values()),
            flags=int(body.get("flags") or 0) | extra_flags,
            webhook_id=self.application_id if webhook else None,
            interaction_id=interaction_id,
            allowed_mentions=body.get("allowed_mentions"),
        )
        self.messages_by_channel.setdefault(channel.id, []).append(message)
        self._notify()
        return message

    def _edit(self, message: Message, body: dict[str, Any], files: dict[int, StoredFile]) -> None:
        if "content" in body:
            message.content = body["content"] or ""
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = list(body["components"] or [])
        if "attachments" in body:
            keep = {str(a.get("id")) for a in body["attachments"] or []}
            message.files = [f for f in message.files if f.id in keep] + list(files.values())
        elif files:
            message.files += list(files.values())
        if "allowed_mentions" in body:
            message.allowed_mentions = body["allowed_mentions"]
        message.edited_timestamp = iso_now()
        message.edits += 1
        self._notify()

    async def _dispatch_message(self, event: str, message: Message) -> None:
        if message.ephemeral:
            return
        await self.gateway.dispatch(event, self._message_payload(message))

    def _message_payload(self, message: Message) -> dict[str, Any]:
        guild_id = self.channels[message.channel_id].guild_id
        return payloads.message(message, self.users[message.author_id], self.base_url, guild_id)

    def _find_message(self, message_id: str) -> Message | None:
        for messages in self.messages_by_channel.values():
            for message in messages:
                if message.id == message_id:
                    return message
        return None

    def _message(self, channel_id: str, message_id: str) -> Message:
        message = next(
            (
                m
                for m in self.messages_by_channel.get(channel_id, [])
                if m.id == message_id and not m.deleted
            ),
            None,
        )
        if message is None:
            raise DiscordError(404, 10008, "Unknown Message")
        return message

    def _by_token(self, itoken: str) -> InteractionResult:
        result = next((r for r in self.interactions.values() if r.token == itoken), None)
        if result is None:
            raise DiscordError(404, 10015, "Unknown Webhook")
        return result

    def _user(self, user_id: str) -> User:
        if user_id not in self.users:
            raise DiscordError(404, 10013, "Unknown User")
        return self.users[user_id]

    def _guild(self, guild_id: str) -> Guild:
        if guild_id not in self.guilds:
            raise DiscordError(404, 10004, "Unknown Guild")
        return self.guilds[guild_id]

    def _channel(self, channel_id: str) -> Channel:
        if channel_id not in self.channels:
            raise DiscordError(404, 10003, "Unknown Channel")
        return self.channels[channel_id]

    def _ready_payload(self, session: Session) -> dict[str, Any]:
        return {
            "v": 10,
            "user": payloads.user(self.bot_user),
            "guilds": [{"id": g, "unavailable": True} for g in self.guilds],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "session_type": "normal",
        }

    def _members_chunk(self, guild_id: str) -> dict[str, Any] | None:
        guild = self.guilds.get(guild_id)
        if guild is None:
            return None
        members = [payloads.member(m) for m in guild.members.values()]
        return {"guild_id": guild_id, "members": members, "chunk_index": 0, "chunk_count": 1}


def _error(status: int, code: int, message: str, errors: Any = None) -> web.Response:
    body: dict[str, Any] = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return _json(body, status=status)


def _json(body: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py parses a body as JSON only if Content-Type is exactly application/json."""
    return web.Response(
        body=json.dumps(body).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
    )
