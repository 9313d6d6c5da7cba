"""The access matrix, read from README.md's "Who may do what" table: the one place it is written.

Each row: | `url name` | GET | POST |. A cell lists the roles that may use the method
("Owner, Staff, Viewer"), or says:
  anyone    — no login needed (the login page, /health/)
  signed    — no login, but only a validly signed request is accepted (the partner feed)
  superuser — Django's back office: only superusers; everyone else is sent to its login
  —         — the method is not accepted (405), or refused (403) to a role without the page
A name ending in `*` covers every URL name that starts with what comes before it.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

README = Path(settings.BASE_DIR) / "README.md"
HEADING = "## Who may do what"
ROLES = ("Owner", "Staff", "Viewer")
KEYWORDS = {"anyone", "signed", "superuser", "—"}


@dataclass(frozen=True)
class Rule:
    name: str
    get: str | frozenset
    post: str | frozenset

    def cell(self, method: str):
        return self.get if method == "GET" else self.post


def _cell(text: str, where: str):
    text = text.strip().strip("`")
    if text in KEYWORDS:
        return text
    roles = frozenset(part.strip() for part in text.split(","))
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"README.md {where}: unknown role or keyword {sorted(unknown)}")
    return roles


def load() -> dict[str, Rule]:
    """The table's rows by URL name (README.md, section 'Who may do what')."""
    text = README.read_text(encoding="utf-8")
    if HEADING not in text:
        raise AssertionError(f"README.md has no section '{HEADING}' with the access matrix")
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rules = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        name = cells[0].strip("`")
        if name in rules:
            raise AssertionError(f"README.md access matrix: `{name}` appears twice")
        rules[name] = Rule(name, _cell(cells[1], name), _cell(cells[2], name))
    return rules


def rule_for(name: str, rules: dict[str, Rule]) -> Rule | None:
    if name in rules:
        return rules[name]
    for pattern, rule in rules.items():
        if pattern.endswith("*") and name.startswith(pattern[:-1]):
            return rule
    return None
