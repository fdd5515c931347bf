"""Approved exceptions: who accepted which finding, why, until when.

A waived result keeps its place in every output with status `waived`; an
expired waiver waives nothing and is reported; a waiver that matches nothing
is reported as stale. Inline waivers live in a Kubernetes annotation:

    compliance.dev/waive: "K8S-007 until=2027-03-31 reason='vendor image' owner=team-payments ticket=PAY-1"

several separated by `;`. In Terraform the same text follows a comment directly
above the resource block:

    # compliance.dev/waive: AWS-003 until=2027-03-31 reason='legacy bucket, PAY-9' owner=team-payments
    resource "aws_s3_bucket" "legacy" {

`until` and `reason` are required inline.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import InputError
from .model import Resource, Result, Status

ANNOTATION = "compliance.dev/waive"
REQUIRED = ("rule", "reason", "owner", "approved_by", "ticket", "expires")
SELECTORS = ("resource", "file", "namespace", "environment")


@dataclass(slots=True)
class Waiver:
    rule: str
    reason: str
    expires: dt.date
    where: str
    owner: str = ""
    approved_by: str = ""
    ticket: str = ""
    resource: str = "*"
    file: str = "*"
    namespace: str | None = None
    environment: str | None = None
    inline: bool = False
    matched: list[str] = field(default_factory=list)  # resource ids it waived
    expired_hits: int = 0

    def status(self, today: dt.date) -> str:
        if self.expires < today:
            return "expired"
        return "active" if self.matched else "stale"

    def as_dict(self, today: dt.date) -> dict:
        return {
            "rule": self.rule, "resource": self.resource, "file": self.file, "namespace": self.namespace,
            "environment": self.environment, "reason": self.reason, "owner": self.owner,
            "approved_by": self.approved_by, "ticket": self.ticket, "expires": self.expires.isoformat(),
            "days_left": (self.expires - today).days, "status": self.status(today), "where": self.where,
            "inline": self.inline, "matched": sorted(set(self.matched)),
        }

    def covers(self, result: Result) -> bool:
        res = result.resource
        return (
            self.rule in (result.rule.id, result.rule.name)
            and fnmatch.fnmatchcase(res.id, self.resource)
            and fnmatch.fnmatchcase(res.source.file, self.file)
            and (self.namespace is None or self.namespace == (res.namespace or "default"))
            and (self.environment is None or self.environment == res.environment)
        )


def from_config(entries: list[dict], *, today: dt.date, max_days: int) -> list[Waiver]:
    """Validate configured waivers; any invalid one is an InputError naming where it is."""
    out = []
    for entry in entries:
        where = entry.get("_where", "config")
        missing = [k for k in REQUIRED if not str(entry.get(k) or "").strip()]
        if missing:
            raise InputError(f"{where}: waiver is missing {', '.join(missing)}")
        unknown = set(entry) - set(REQUIRED) - set(SELECTORS) - {"_where"}
        if unknown:
            raise InputError(f"{where}: unknown waiver key(s): {', '.join(sorted(unknown))}")
        expires = _date(entry["expires"], where)
        if expires > today + dt.timedelta(days=max_days):
            raise InputError(f"{where}: waiver expires {expires.isoformat()}, more than {max_days} days ahead "
                             "(max_waiver_days)")
        out.append(Waiver(
            rule=str(entry["rule"]), reason=str(entry["reason"]), expires=expires, where=where,
            owner=str(entry["owner"]), approved_by=str(entry["approved_by"]), ticket=str(entry["ticket"]),
            resource=str(entry.get("resource") or "*"), file=str(entry.get("file") or "*"),
            namespace=entry.get("namespace"), environment=entry.get("environment"),
        ))
    return out


def inline(resource: Resource, *, today: dt.date, max_days: int,
           read_lines: Callable[[str], list[str] | None] | None = None) -> tuple[list[Waiver], list[str]]:
    """Waivers a resource declares itself, and why any were rejected.

    Kubernetes: the compliance.dev/waive annotation. Terraform: comment lines
    `# compliance.dev/waive: AWS-001 until=... reason=...` directly above the
    `resource` block in its .tf file (read_lines gives a file's lines).
    """
    text, where = _inline_text(resource, read_lines)
    if text is None:
        return [], []
    waivers, problems = [], []
    for part in (p.strip() for p in text.replace("\n", ";").split(";")):
        if not part:
            continue
        try:
            words = shlex.split(part)
        except ValueError as exc:
            problems.append(f"{where}: inline waiver {part!r} rejected: {exc}")
            continue
        rule, fields = words[0], dict(w.split("=", 1) for w in words[1:] if "=" in w)
        if "until" not in fields:
            problems.append(f"{where}: inline waiver for {rule} rejected: it has no until=YYYY-MM-DD expiry")
            continue
        if not fields.get("reason"):
            problems.append(f"{where}: inline waiver for {rule} rejected: it has no reason=...")
            continue
        try:
            expires = _date(fields["until"], where)
        except InputError as exc:
            problems.append(f"{exc} (inline waiver for {rule} rejected)")
            continue
        if expires > today + dt.timedelta(days=max_days):
            problems.append(f"{where}: inline waiver for {rule} rejected: until={expires.isoformat()} is more "
                            f"than {max_days} days ahead")
            continue
        waivers.append(Waiver(rule=rule, reason=fields["reason"], expires=expires, where=where,
                              owner=fields.get("owner", ""), approved_by=fields.get("approved_by", ""),
                              ticket=fields.get("ticket", ""), resource=resource.id, file=resource.source.file,
                              inline=True))
    return waivers, problems


def apply(results: list[Result], waivers: list[Waiver], *, today: dt.date) -> list[str]:
    """Mark covered failures waived; return warnings (expired, stale)."""
    warnings: list[str] = []
    for result in results:
        if result.status is not Status.failed:
            continue
        for waiver in waivers:
            if not waiver.covers(result):
                continue
            if waiver.expires < today:
                waiver.expired_hits += 1
                continue
            result.status = Status.waived
            result.waiver = {"reason": waiver.reason, "owner": waiver.owner, "approved_by": waiver.approved_by,
                             "ticket": waiver.ticket, "expires": waiver.expires.isoformat(), "where": waiver.where}
            waiver.matched.append(result.resource.id)
            break
    for waiver in waivers:
        if waiver.expires < today:
            warnings.append(f"{waiver.where}: waiver for {waiver.rule} on {waiver.resource} expired on "
                            f"{waiver.expires.isoformat()}; {waiver.expired_hits} finding(s) fail again")
        elif not waiver.matched:
            warnings.append(f"{waiver.where}: waiver for {waiver.rule} on {waiver.resource} matches no failing "
                            "result (stale: remove it)")
    return warnings


def _inline_text(resource: Resource, read_lines) -> tuple[str | None, str]:
    src = resource.source
    if resource.family == "terraform":
        if read_lines is None or not src.file.endswith(".tf"):
            return None, ""
        lines = read_lines(src.file) or []
        found, number = [], src.start_line - 1  # the line above `resource "type" "name" {`
        while number >= 1 and lines[number - 1].lstrip().startswith(("#", "//")):
            comment = lines[number - 1].lstrip().lstrip("#/").strip()
            if comment.startswith(ANNOTATION + ":"):
                found.append(comment[len(ANNOTATION) + 1:].strip())
            number -= 1
        where = f"{src.file}:{number + 1} {resource.id} comment {ANNOTATION}"
        return (";".join(reversed(found)) if found else None), where
    annotations = resource.own_annotations  # read by the loader: the body is not decoded again
    if annotations is None:
        meta = resource.body.get("metadata") if isinstance(resource.body, dict) else None
        annotations = meta.get("annotations") if isinstance(meta, dict) else None
    text = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    where = f"{src.file}:{src.start_line} {resource.id} annotation {ANNOTATION}"
    return (text if isinstance(text, str) else None), where


def _date(value: object, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(f"{where}: expiry {value!r} is not a date (YYYY-MM-DD)") from None
