"""Login, registration and password reset forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField(
        "Display name",
        validators=[DataRequired(), Length(max=80)],
        description="Shown next to the tags and ratings you add.",
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=200)], description="At least 10 characters."
    )
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )
    next = HiddenField()  # where to go once the account exists (a leaflet's work page, from its invitation)


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password", validators=[DataRequired(), Length(max=200)], description="At least 10 characters."
    )
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("password", "The passwords differ.")]
    )
