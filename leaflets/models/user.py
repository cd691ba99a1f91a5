"""Accounts for volunteers, moderators and admins."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leaflets.extensions import Model
from leaflets.models._types import utcnow


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    MODERATOR = "moderator"
    ADMIN = "admin"


ROLE_RANK = {Role.VOLUNTEER: 1, Role.MODERATOR: 2, Role.ADMIN: 3}


class User(UserMixin, Model):
    __tablename__ = "user"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(12), default=Role.VOLUNTEER)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    api_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # Part of every session's user id: raising it (logout, password change) ends every session made before.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.active

    def get_id(self) -> str:  # Flask-Login stores this in the session and the remember-me cookie
        return f"{self.id}:{self.session_version}"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role(role)]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
