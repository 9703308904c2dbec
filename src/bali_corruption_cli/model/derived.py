"""Views computed from the one place a fact is entered: an event's hosts and funders.

Who hosted or funded an event is written once, as a stakeholder's role
(``roles: [{role: host, event: EVENT-ID, source: SOURCE-ID}]`` in
stakeholders.yaml), where each link has its own source and note.  The loader
then gives every event ``hosts`` and ``funders`` lists (stakeholder ids, in the
order of stakeholders.yaml), so JSON output and filters keep both views.
"""

from __future__ import annotations

from typing import Any

# Event field -> the stakeholder role it lists; inserted after AFTER in each event.
EVENT_PARTIES: dict[str, str] = {"hosts": "host", "funders": "funder"}
AFTER = "participants"


def event_fields(fields: list[str]) -> list[str]:
    """The events' fields with the computed ones in their place (after ``participants``)."""
    out = [f for f in fields if f not in EVENT_PARTIES]
    at = out.index(AFTER) + 1 if AFTER in out else len(out)
    return [*out[:at], *EVENT_PARTIES, *out[at:]]


def add_event_parties(events: list[dict[str, Any]], stakeholders: list[dict[str, Any]]) -> None:
    """Give each event (in place) its ``hosts`` and ``funders``, from the stakeholders' roles."""
    found: dict[tuple[str, str], list[str]] = {}
    for stakeholder in stakeholders:
        for role in stakeholder.get("roles") or ():
            ids = found.setdefault((str(role.get("event")), str(role.get("role"))), [])
            if stakeholder["id"] not in ids:
                ids.append(stakeholder["id"])
    for n, event in enumerate(events):
        parties = {field: found.get((event["id"], role), []) for field, role in EVENT_PARTIES.items()}
        rebuilt: dict[str, Any] = {}
        for key, value in event.items():
            if key in EVENT_PARTIES:
                continue
            rebuilt[key] = value
            if key == AFTER:
                rebuilt.update(parties)
        for field, party in parties.items():
            rebuilt.setdefault(field, party)
        events[n] = rebuilt


def written_link_hint(field: str, event_id: str | None) -> str:
    """What to write instead of an event's ``hosts``/``funders`` key."""
    role = EVENT_PARTIES[field]
    event = event_id or "EVENT-ID"
    return (
        f"'{field}' is computed from stakeholder roles; remove it and, for each {role}, add "
        f"{{role: {role}, event: {event}, source: SOURCE-ID}} to that stakeholder's 'roles' "
        "in stakeholders.yaml"
    )
