"""Unbound Flask extensions; models and blueprints import from here, so nothing imports the app."""

from typing import TYPE_CHECKING, Any, cast

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import CursorResult, Executable, FromClause
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
# Models subclass `Model`: db.Model at run time (table names, binds, `query`), which type checkers cannot see
# through, so they are told it is the declarative base it is built from.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def release_connection() -> None:
    """End the session's transaction, which has only read so far, so its pooled connection serves other
    requests while this one works without the database (a photo's decode, a print match): a web process has
    more threads (32) than pooled connections (5 + 10), and pages waited for one behind uploads that were
    waiting for a decode slot. Nothing is committed: the caller has written nothing since its last commit."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        return  # changes in hand: the caller's transaction, not ours to end
    session.commit()


def rows_changed(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; how many rows it changed (Session.execute is typed Result)."""
    return cast("CursorResult[Any]", db.session.execute(statement)).rowcount


def insert_of(
    table: FromClause, session: Session | scoped_session[Any] | None = None
) -> postgresql.Insert | sqlite.Insert:
    """An INSERT in the session's own dialect (each database has its own ON CONFLICT construct)."""
    bind = (session or db.session).get_bind()
    return (postgresql if bind.dialect.name == "postgresql" else sqlite).insert(table)
