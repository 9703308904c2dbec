"""The basis of links and classifications (a source or our own), and the evidence behind a record.

Pure queries, no I/O and no printing: what ``show`` prints under Basis, the marks of the
``stages`` picture and ``show --evidence``'s citations with their verbatim excerpts.
"""

from __future__ import annotations

import weakref
from typing import Any

from bali_corruption_cli.catalog import Catalog, Record
from bali_corruption_cli.query import labels


def basis_note(record: Record, loc: tuple[Any, ...]) -> str | None:
    """For a link whose field has a stated basis: "basis: source" or "basis: editorial"."""
    basis = (record.get("basis") or {}).get(loc[0]) if loc else None
    return f"basis: {basis['basis']}" if basis else None


BASIS_MARKS = {"source": "[S]", "editorial": "[E]"}
BASIS_LEGEND = (
    "[S] a source states the link (bcc show ID --evidence);  "
    "[E] editorial: our own classification, reason in bcc show ID;  "
    "[?] basis not stated"
)


# `parties_of_ours` of each catalogue, made once (a page of an event asks three times)
_PARTIES: weakref.WeakKeyDictionary[Catalog, dict[str, dict[str, set[str]]]] = weakref.WeakKeyDictionary()


def parties_of_ours(catalog: Catalog) -> dict[str, dict[str, set[str]]]:
    """For each event, the stakeholders its computed ``hosts`` or ``funders`` list only by a
    role that is our reading (``basis: editorial``), by field: views for people mark them
    as they mark the role itself."""
    found = _PARTIES.get(catalog)
    if found is None:
        found = _PARTIES[catalog] = _parties_of_ours(catalog)
    return found


def _parties_of_ours(catalog: Catalog) -> dict[str, dict[str, set[str]]]:
    from bali_corruption_cli.model.derived import EVENT_PARTIES

    field_of = {role: field for field, role in EVENT_PARTIES.items()}
    sourced: set[tuple[str, str, str]] = set()
    ours: set[tuple[str, str, str]] = set()
    for stakeholder in catalog.records("stakeholders"):
        for role in stakeholder.get("roles") or ():
            field = field_of.get(str(role.get("role")))
            if field is not None and role.get("event") is not None:
                held = ours if role.get("basis") == "editorial" else sourced
                held.add((str(role["event"]), field, str(stakeholder["id"])))
    out: dict[str, dict[str, set[str]]] = {}
    for event, field, stakeholder_id in ours - sourced:
        out.setdefault(event, {}).setdefault(field, set()).add(stakeholder_id)
    return out


def basis_mark(record: Record, field: str) -> str:
    """The marker of a record's ``field`` in pictures: [S], [E] or [?]."""
    basis = (record.get("basis") or {}).get(field)
    return BASIS_MARKS.get(basis["basis"], "[?]") if basis else "[?]"


def _label(catalog: Catalog, source_id: str | None) -> str | None:
    found = catalog.get(source_id) if source_id else None
    return str(found[1].get("label")) if found and found[0] == "sources" else None


def bases(catalog: Catalog, record: Record) -> list[dict[str, Any]]:
    """The basis of each of the record's links and classifications, one entry a field, with a line to show."""
    out = []
    for field, basis in (record.get("basis") or {}).items():
        label = _label(catalog, basis.get("source"))
        mark = BASIS_MARKS[basis["basis"]]
        if basis["basis"] == "source":
            line = f"{mark} {field}: stated by {label or basis['source']}, at: {basis['at']}"
            line += f"; {basis['reason']}" if basis.get("reason") else ""
        else:
            line = f"{mark} {field}: editorial; {basis['reason']}"
        out.append({"field": field, **basis, "label": label, "line": line})
    return out + _party_bases(catalog, record)


def _party_bases(catalog: Catalog, record: Record) -> list[dict[str, Any]]:
    """For an event, each host or funder that only a role of ours names (`parties_of_ours`),
    with that role's reason: the [E] after it in views for people, explained."""
    from bali_corruption_cli.model.derived import EVENT_PARTIES

    if not any(field in record for field in EVENT_PARTIES):
        return []
    out = []
    for field, ids in sorted(parties_of_ours(catalog).get(str(record["id"]), {}).items()):
        for stakeholder_id in sorted(ids):
            found = catalog.get(stakeholder_id)
            if found is None:
                continue
            role = next(
                r
                for r in found[1].get("roles") or ()
                if r.get("event") == record["id"] and r.get("role") == EVENT_PARTIES[field]
            )
            name = labels.name_for_people(*found)
            reason = str(role.get("reason") or "")
            out.append(
                {
                    "field": field,
                    "basis": "editorial",
                    "source": role.get("source"),
                    "at": role.get("at"),
                    "excerpt": role.get("excerpt"),
                    "reason": reason,
                    "label": _label(catalog, role.get("source")),
                    "line": f"{BASIS_MARKS['editorial']} {field}: {name}: editorial (its role); {reason}",
                }
            )
    return out


def citations(catalog: Catalog, collection: str, record: Record) -> list[dict[str, Any]]:
    """Every citation of a record and every decision behind its links: its sources, each
    basis (sourced or editorial) and each role, with the verbatim excerpt or the reason."""
    if collection == "sources":
        return []
    out = []
    for citation in record.get("sources", []):
        out.append({"via": "sources", "about": None, "basis": "source", **_citation(catalog, citation)})
    for field, basis in (record.get("basis") or {}).items():
        about = f"its {field.replace('_', ' ')}"
        out.append({"via": f"basis.{field}", "about": about, **_citation(catalog, basis)})
    for n, role in enumerate(record.get("roles") or ()):
        what = role["role"] + (f" at {role['event']}" if role.get("event") else "")
        event = catalog.get(role["event"]) if role.get("event") else None
        named = f" at {labels.name_for_people(*event)}" if event else what[len(role["role"]) :]
        about = f"its role: {role['role']}{named}"  # for people; ``via`` stays the path, for scripts
        out.append(
            {
                "via": f"roles[{n}] ({what})",
                "about": about,
                **_citation(catalog, role),
                "note": role.get("note"),
            }
        )
    return out


def _citation(catalog: Catalog, citation: Record) -> dict[str, Any]:
    return {
        "basis": citation.get("basis") or "source",
        "source": citation.get("source"),
        "label": _label(catalog, citation.get("source")),
        "at": citation.get("at"),
        "excerpt": citation.get("excerpt"),
        "reason": citation.get("reason"),
    }
