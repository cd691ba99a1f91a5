"""Alert subscription forms: the page's query string says what to follow; the form asks who and how often."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, RadioField, SelectChoice
from wtforms.validators import DataRequired, Length

FREQUENCIES = [
    SelectChoice("daily", "Daily: one e-mail a day when there are new leaflets"),
    SelectChoice("weekly", "Weekly: one e-mail a week when there are new leaflets"),
]


class SubscribeForm(FlaskForm):
    email = EmailField(
        "Your e-mail address",
        validators=[DataRequired("Enter your e-mail address."), Length(max=254)],
        description="Used only to send these alerts. We first send a link to confirm it is yours.",
    )
    frequency = RadioField("How often", choices=FREQUENCIES, default="weekly")
    kind = HiddenField()
    target = HiddenField()


class ConfirmForm(FlaskForm):
    """Confirming or unsubscribing is a button, so a mail scanner that follows links changes nothing."""
