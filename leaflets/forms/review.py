"""Volunteer forms: tags, claims, ratings, bias, OCR corrections, flags.

The work page's forms (tags, claims, suggestions, ratings, bias, corrections) only parse the POST: the
services check every value (leaflets/services/review.py, claim_suggestions.py), so the page and the API give
the same messages; validators here would be a second, unused copy of those rules. CSRF is checked app-wide."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from leaflets.models import Accuracy
from leaflets.models.moderation import FLAG_REASONS

ACCURACY_CHOICES = [
    (Accuracy.ACCURATE.value, "Accurate"),
    (Accuracy.MISLEADING.value, "Misleading"),
    (Accuracy.FALSE.value, "False"),
    (Accuracy.UNVERIFIABLE.value, "Unverifiable"),
    (Accuracy.PLEDGE_OR_OPINION.value, "Pledge or opinion (not a factual claim)"),
]
TONE_CHOICES = [
    ("-2", "-2 attacks opponents"),
    ("-1", "-1 mostly about opponents"),
    ("0", "0 balanced"),
    ("1", "+1 mostly about own party"),
    ("2", "+2 positive about own party"),
]
FAIRNESS_CHOICES = [
    ("-2", "-2 misleading presentation"),
    ("-1", "-1 somewhat misleading"),
    ("0", "0 mixed"),
    ("1", "+1 mostly fair"),
    ("2", "+2 fair presentation"),
]
FLAG_REASON_LABELS = {
    "not-a-leaflet": "Not an election leaflet",
    "personal-information": "Shows personal information",
    "offensive": "Offensive",
    "duplicate": "A duplicate of another upload",
    "wrong-details": "Wrong party, area, election or date",
    "other": "Something else",
}


class TagsForm(FlaskForm):
    tags = SelectMultipleField("Tags", choices=[SelectChoice("", "")], validate_choice=False)


class ClaimForm(FlaskForm):
    text = TextAreaField(
        "Claim text", description="Select the words in the leaflet text above, or type them."
    )
    image_id = HiddenField()
    span_start = HiddenField()
    span_end = HiddenField()


class SuggestionForm(FlaskForm):
    action = HiddenField()
    text = TextAreaField("Edit the claim")


class RatingForm(FlaskForm):
    """The accuracy radios are rendered by the work page."""

    accuracy = StringField("Accuracy")
    source_url = StringField(
        "Source (web address)", description="Needed for misleading or false: a page that shows the facts."
    )
    note = TextAreaField("Explanation", description="Needed for misleading or false: one or two sentences.")


class BiasForm(FlaskForm):
    tone = StringField("Tone")
    fairness = StringField("Fairness")
    note = TextAreaField("Note (optional)")


class CorrectionForm(FlaskForm):
    text = TextAreaField("Corrected text")


class FlagForm(FlaskForm):
    reason = SelectField(
        "What is wrong?",
        choices=[SelectChoice(r, FLAG_REASON_LABELS[r]) for r in FLAG_REASONS],
        validators=[DataRequired()],
    )
    note = TextAreaField("Anything else we should know (optional)", validators=[Optional(), Length(max=2000)])


class SkipForm(FlaskForm):
    leaflet_id = IntegerField(validators=[DataRequired()])
