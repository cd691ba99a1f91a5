"""The compare pages: a party in one seat against everywhere else (or its neighbours), the parties of a seat
side by side, a template with its copies, a figure across places, and the leaflets behind a finding."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from leaflets.services import browse
from leaflets.services.compare import behind, overview, templates, varying
from leaflets.services.compare.service import choices
from leaflets.services.errors import NotFound, ValidationFailed

bp = Blueprint("compare", __name__)
FIELDS = ("party", "area", "election", "against")


def _page_args() -> tuple[int, int]:
    return browse.page_number(request.args.get("page")), int(current_app.config["PAGE_SIZE"])


@bp.get("/compare")
def page() -> tuple[str, int]:
    form = {name: request.args.get(name, "").strip() for name in FIELDS}
    shown, error = None, None
    try:
        shown = overview.compare_page(form["party"], form["area"], form["election"], form["against"])
    except ValidationFailed as failure:
        error = failure
    return render_template(
        "compare/page.html", form=form, choices=choices(), shown=shown, error=error
    ), 422 if error else 200


def _party_and_election() -> tuple:
    party = browse.party_by_slug((request.args.get("party") or "").strip())
    slug = (request.args.get("election") or "").strip()
    return party, browse.election_by_slug(slug) if slug else None


@bp.get("/compare/templates/<int:template_id>")
def template(template_id: int) -> str:
    party, election = _party_and_election()
    number, per_page = _page_args()
    base, gss = request.args.get("base", ""), (request.args.get("area") or "").strip()
    here = browse.area_by_gss(gss) if gss else None
    view = templates.template_view(
        template_id,
        party,
        election.id if election else None,
        number,
        per_page,
        int(base) if base.isdigit() and len(base) < 10 else None,
        here.id if here else None,
    )
    if view is None:
        raise NotFound(f"{party.name} has no leaflets of template {template_id}.")
    return render_template("compare/template.html", view=view, election=election, here=here)


@bp.get("/compare/numbers")
def numbers() -> str:
    party, election = _party_and_election()
    key = (request.args.get("key") or "").strip()
    if not key or len(key) > 16:
        raise ValidationFailed("Choose a figure to follow (its key).", field="key", code="missing_key")
    number, per_page = _page_args()
    found = varying.occurrences(party.id, key, election.id if election else None, number, per_page * 2)
    if not found.total:
        raise NotFound(f"{party.name} prints no figure with the key {key!r}.")
    figures = varying.figures_by_area(party.id, key, election.id if election else None)
    return render_template(
        "compare/numbers.html",
        party=party,
        election=election,
        key=key,
        page=found,
        figures=figures,
        area_gss=(request.args.get("area") or "").strip().upper(),
    )


@bp.get("/compare/leaflets")
def leaflets() -> str:
    party, election = _party_and_election()
    gss = (request.args.get("area") or "").strip()
    template_id = request.args.get("template", "")
    finding = behind.Finding(
        party,
        browse.area_by_gss(gss) if gss else None,
        election,
        (request.args.get("where") or "anywhere").strip(),
        (request.args.get("topic") or "").strip() or None,
        int(template_id) if template_id.isdigit() and len(template_id) < 10 else None,
        (request.args.get("key") or "").strip()[:16] or None,
    )
    number, per_page = _page_args()
    return render_template(
        "compare/leaflets.html", finding=finding, page=behind.leaflets_behind(finding, number, per_page)
    )
