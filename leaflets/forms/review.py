"""Volunteer forms: tags, claims, ratings, bias, OCR corrections, flags."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from leaflets.models import Accuracy
from leaflets.models.moderation import FLAG_REASONS

ACCURACY_CHOICES = [(Accuracy.ACCURATE.value, "Accurate"), (Accuracy.MISLEADING.value, "Misleading"),
                    (Accuracy.FALSE.value, "False"), (Accuracy.UNVERIFIABLE.value, "Unverifiable"),
                    (Accuracy.PLEDGE_OR_OPINION.value, "Pledge or opinion (not a factual claim)")]
TONE_CHOICES = [("-2", "-2 attacks opponents"), ("-1", "-1 mostly about opponents"), ("0", "0 balanced"),
                ("1", "+1 mostly about own party"), ("2", "+2 positive about own party")]
FAIRNESS_CHOICES = [("-2", "-2 misleading presentation"), ("-1", "-1 somewhat misleading"), ("0", "0 mixed"),
                    ("1", "+1 mostly fair"), ("2", "+2 fair presentation")]
FLAG_REASON_LABELS = {"not-a-leaflet": "Not an election leaflet", "personal-information": "Shows personal information",
                      "offensive": "Offensive", "duplicate": "A duplicate of another upload",
                      "wrong-details": "Wrong party, area, election or date", "other": "Something else"}


class TagsForm(FlaskForm):
    tags = SelectMultipleField("Tags", choices=[SelectChoice("", "")], validate_choice=False)


class ClaimForm(FlaskForm):
    text = TextAreaField("Claim text", validators=[DataRequired(), Length(max=2000)],
                         description="Select the words in the leaflet text above, or type them.")
    image_id = HiddenField()
    span_start = HiddenField()
    span_end = HiddenField()


class SuggestionForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    text = TextAreaField("Edit the claim", validators=[Optional(), Length(max=2000)])


class RatingForm(FlaskForm):
    """Parsed only: the accuracy radios are rendered by the work page, the service checks the values."""
    accuracy = StringField("Accuracy")
    source_url = StringField("Source (web address)", validators=[Optional(), Length(max=2000)],
                             description="Needed for misleading or false: a page that shows the facts.")
    note = TextAreaField("Explanation", validators=[Optional(), Length(max=2000)],
                         description="Needed for misleading or false: one or two sentences.")


class BiasForm(FlaskForm):
    tone = StringField("Tone")
    fairness = StringField("Fairness")
    note = TextAreaField("Note (optional)", validators=[Optional(), Length(max=2000)])


class CorrectionForm(FlaskForm):
    text = TextAreaField("Corrected text", validators=[Length(max=100_000)])


class FlagForm(FlaskForm):
    reason = SelectField("What is wrong?", choices=[SelectChoice(r, FLAG_REASON_LABELS[r]) for r in FLAG_REASONS],
                         validators=[DataRequired()])
    note = TextAreaField("Anything else we should know (optional)", validators=[Optional(), Length(max=2000)])


class SkipForm(FlaskForm):
    leaflet_id = IntegerField(validators=[DataRequired()])
