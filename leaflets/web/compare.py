"""The compare page: a party's leaflets in one constituency against its leaflets everywhere else."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from leaflets.services import compare
from leaflets.services.errors import ValidationFailed

bp = Blueprint("compare", __name__)


@bp.get("/compare")
def page() -> tuple[str, int]:
    form = {name: request.args.get(name, "").strip() for name in ("party", "area", "election")}
    result, error = None, None
    if form["party"] or form["area"]:
        try:
            subject = compare.resolve(form["party"], form["area"], form["election"])
            result = compare.compare(subject, compare.configured_cap(current_app.config))
        except ValidationFailed as failure:
            error = failure
    return render_template("compare/page.html", form=form, choices=compare.choices(), result=result,
                           error=error), 422 if error else 200
