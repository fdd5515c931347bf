"""Reporters: turn a ScanReport into text for a person or a machine."""

from enum import StrEnum


class Format(StrEnum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    markdown = "markdown"
