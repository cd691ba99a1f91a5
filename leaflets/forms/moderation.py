"""Moderator forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class StatusForm(FlaskForm):
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        "Reason",
        validators=[Optional(), Length(max=2000)],
        description="Needed to remove; recorded in the audit log.",
    )


class DetailsForm(FlaskForm):
    party = StringField("Party", validators=[Optional(), Length(max=80)])
    area = StringField(
        "Area (constituency)",
        validators=[DataRequired(), Length(max=200)],
        description="Type a few letters of the constituency's name and pick it.",
    )
    election = StringField("Election", validators=[DataRequired(), Length(max=80)])
    delivered_on = DateField("Delivered on", validators=[DataRequired()])
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=2000)])


class MergeForm(FlaskForm):
    original_id = IntegerField("Number of the original leaflet", validators=[DataRequired()])
    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=2000)])


class ActionForm(FlaskForm):
    """A button with only a CSRF token (rotate, resolve a flag)."""

    reason = TextAreaField("Reason (optional)", validators=[Optional(), Length(max=2000)])


class PhotoEditForm(FlaskForm):
    """Redact (blur or black out) or crop: rectangles drawn on the photo arrive in `boxes`; the numeric fields
    are the way without JavaScript (photo pixels, as the page states the photo's size)."""

    boxes = HiddenField()
    left = StringField("Left", validators=[Optional(), Length(max=8)])
    top = StringField("Top", validators=[Optional(), Length(max=8)])
    width = StringField("Width", validators=[Optional(), Length(max=8)])
    height = StringField("Height", validators=[Optional(), Length(max=8)])
    style = HiddenField(default="blur")
    reason = TextAreaField(
        "Reason (optional)",
        validators=[Optional(), Length(max=2000)],
        description="Recorded in the audit log, e.g. 'resident's name and address'.",
    )
