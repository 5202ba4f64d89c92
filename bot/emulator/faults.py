"""Fault switches: rate limits, server errors on a route for the next N calls."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field


@dataclass
class RouteFault:
    method: str
    pattern: str  # fnmatch glob over the path after /api/v10, e.g. "/channels/*/messages"
    remaining: int
    status: int
    retry_after: float = 0.0
    is_global: bool = False
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (
            self.remaining > 0 and method == self.method and fnmatch.fnmatchcase(path, self.pattern)
        )


@dataclass
class Faults:
    routes: list[RouteFault] = field(default_factory=list)

    def rate_limit(
        self,
        method: str,
        pattern: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> RouteFault:
        """Answer 429 (Discord's body and headers) to the next `times` matching requests."""
        fault = RouteFault(method.upper(), pattern, times, 429, retry_after, is_global)
        self.routes.append(fault)
        return fault

    def server_error(
        self, method: str, pattern: str, *, times: int = 1, status: int = 500
    ) -> RouteFault:
        """Answer `status` (5xx) to the next `times` matching requests."""
        fault = RouteFault(method.upper(), pattern, times, status)
        self.routes.append(fault)
        return fault

    def take(self, method: str, path: str) -> RouteFault | None:
        for fault in self.routes:
            if fault.matches(method, path):
                fault.remaining -= 1
                fault.hits += 1
                return fault
        return None
