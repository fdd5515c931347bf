"""Rule text and metadata shared by the SARIF and Markdown reports.

Severity on GitHub's scales, tags, help text in plain text and Markdown (what,
why, how to fix, controls), and the rule -> controls lookup. Kept apart from
sarif.py so the Markdown report does not import the SARIF object model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..model import Rule, Severity

ControlsMap = Mapping[str, Sequence[str]]

MAX_TAGS = 10  # GitHub shows 10 and rejects more than 20
MAX_DESCRIPTION = 1024

# GitHub's scale: > 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
# Always a string: GitHub rejects a number ("expected string").
SECURITY_SEVERITY = {
    Severity.critical: "9.5",
    Severity.high: "8.0",
    Severity.medium: "5.5",
    Severity.low: "3.0",
}
LEVEL = {
    Severity.critical: "error",
    Severity.high: "error",
    Severity.medium: "warning",
    Severity.low: "note",
    Severity.info: "note",
}
# Configuration checks decide from the manifest itself, so false positives are
# rare; "high" rather than "very-high" because a policy cannot see runtime admission.
PRECISION = "high"


def controls_lookup(controls: ControlsMap | None) -> Callable[[str], list[str]]:
    """rule id -> control refs in the catalog's order (framework, then natural requirement order)."""
    if controls is not None:
        return lambda rule_id: list(dict.fromkeys(str(c) for c in controls.get(rule_id, ())))
    try:
        from ..controls import controls_for
    except ImportError:  # a build without the controls stage: rules carry no controls
        return lambda rule_id: []
    cache: dict[str, list[str]] = {}

    def lookup(rule_id: str) -> list[str]:
        if rule_id not in cache:
            cache[rule_id] = list(dict.fromkeys(controls_for(rule_id)))
        return cache[rule_id]

    return lookup


def tags(rule: Rule, controls: list[str]) -> list[str]:
    """At most MAX_TAGS tags: security, compliance, the family, the frameworks, then control refs."""
    tags = ["security", "compliance"]
    if rule.applies_to.family:
        tags.append(rule.applies_to.family)
    frameworks = sorted({c.split(":", 1)[0] for c in controls if ":" in c})
    for tag in [*frameworks, *controls]:
        if len(tags) >= MAX_TAGS:
            break
        if tag not in tags:
            tags.append(tag)
    return tags


def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """One line, at most `limit` characters (GitHub's limit for rule descriptions)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def help_text(rule: Rule, controls: list[str]) -> str:
    """Plain-text help: what, why, how to fix, controls, references."""
    lines = [f"{rule.id} {rule.name}: {rule.title} (severity {rule.severity.value})", "",
             f"Why it matters: {rule.description or rule.title}", "",
             f"How to fix: {rule.remediation or 'see the references'}"]
    if controls:
        lines += ["", "Controls: " + ", ".join(controls)]
    if rule.references:
        lines += ["", "References:", *(f"- {ref}" for ref in rule.references)]
    return "\n".join(lines)


def help_markdown(rule: Rule, controls: list[str]) -> str:
    """Markdown help, shown by GitHub instead of the text."""
    lines = [f"**{rule.title}** (`{rule.id}` {rule.name}, severity **{rule.severity.value}**)", "",
             "### Why it matters", "", rule.description or rule.title, "",
             "### How to fix", "", rule.remediation or "See the references."]
    types = ", ".join(f"`{t}`" for t in rule.applies_to.types)
    if rule.applies_to.family or types:
        lines += ["", f"Applies to: {rule.applies_to.family or 'any family'}" + (f" ({types})" if types else "")]
    if controls:
        lines += ["", "### Controls", "", *(f"- `{c}`" for c in controls)]
    if rule.references:
        lines += ["", "### References", "", *(f"- <{ref}>" for ref in rule.references)]
    return "\n".join(lines)
