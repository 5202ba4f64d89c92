"""Buttons described as data, so pure renderers and the outbox can carry them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ButtonSpec:
    custom_id: str
    label: str
    style: str = "secondary"  # primary | secondary | success | danger
