"""scale: live leaflet counts kept by triggers (archive_count); indexes for newest-first pages per scope

Revision ID: 0015
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_leaflet_live_order": ["status", "uploaded_at", "id"],
    "ix_leaflet_party_order": ["party_id", "status", "uploaded_at", "id"],
    "ix_leaflet_area_order": ["area_id", "status", "uploaded_at", "id"],
    "ix_leaflet_election_order": ["election_id", "status", "uploaded_at", "id"],
}
# The four scopes a live leaflet counts in, as (scope, key expression) of a row alias R (NEW or OLD).
SCOPES = [
    ("all", "0"),
    ("party", "COALESCE({r}.party_id, 0)"),
    ("area", "COALESCE({r}.area_id, 0)"),
    ("election", "{r}.election_id"),
]
TRIGGERS = [
    "trg_leaflet_count_insert",
    "trg_leaflet_count_update",
    "trg_leaflet_count_delete",
    "trg_image_count_insert",
    "trg_image_count_update",
    "trg_image_count_delete",
]
LIVE_IMAGES = "(SELECT count(*) FROM leaflet_image WHERE leaflet_id = {r}.id)"
IS_LIVE = "EXISTS (SELECT 1 FROM leaflet WHERE id = {leaflet} AND status = 'live')"


def _sqlite_add(r: str, sign: str, when: str) -> str:
    """Statements adding `sign`1 to each scope row of leaflet R, when `when` holds."""
    rows = ", ".join(f"('{scope}', {key.format(r=r)}, 0, 0)" for scope, key in SCOPES)
    match = " OR ".join(f"(scope = '{scope}' AND key_id = {key.format(r=r)})" for scope, key in SCOPES)
    return (
        f"INSERT OR IGNORE INTO archive_count (scope, key_id, leaflets, images) VALUES {rows};\n"
        f"UPDATE archive_count SET leaflets = leaflets {sign} 1 WHERE ({when}) AND ({match});\n"
    )


def _sqlite_images(delta: str) -> str:
    return (
        "INSERT OR IGNORE INTO archive_count (scope, key_id, leaflets, images) VALUES ('all', 0, 0, 0);\n"
        f"UPDATE archive_count SET images = images + ({delta}) WHERE scope = 'all' AND key_id = 0;\n"
    )


def _sqlite() -> list[str]:
    live_change = (
        f"(CASE WHEN NEW.status = 'live' THEN 1 ELSE 0 END - CASE WHEN OLD.status = 'live' THEN 1 ELSE 0 "
        f"END) * {LIVE_IMAGES.format(r='NEW')}"
    )
    return [
        "CREATE TRIGGER trg_leaflet_count_insert AFTER INSERT ON leaflet WHEN NEW.status = 'live' BEGIN\n"
        + _sqlite_add("NEW", "+", "1")
        + "END",
        "CREATE TRIGGER trg_leaflet_count_update AFTER UPDATE OF status, party_id, area_id, election_id "
        "ON leaflet BEGIN\n"
        + _sqlite_add("OLD", "-", "OLD.status = 'live'")
        + _sqlite_add("NEW", "+", "NEW.status = 'live'")
        + _sqlite_images(live_change)
        + "END",
        "CREATE TRIGGER trg_leaflet_count_delete AFTER DELETE ON leaflet WHEN OLD.status = 'live' BEGIN\n"
        + _sqlite_add("OLD", "-", "1")
        + "END",
        "CREATE TRIGGER trg_image_count_insert AFTER INSERT ON leaflet_image BEGIN\n"
        + _sqlite_images(f"CASE WHEN {IS_LIVE.format(leaflet='NEW.leaflet_id')} THEN 1 ELSE 0 END")
        + "END",
        "CREATE TRIGGER trg_image_count_update AFTER UPDATE OF leaflet_id ON leaflet_image BEGIN\n"
        + _sqlite_images(
            f"CASE WHEN {IS_LIVE.format(leaflet='NEW.leaflet_id')} THEN 1 ELSE 0 END - "
            f"CASE WHEN {IS_LIVE.format(leaflet='OLD.leaflet_id')} THEN 1 ELSE 0 END"
        )
        + "END",
        "CREATE TRIGGER trg_image_count_delete AFTER DELETE ON leaflet_image BEGIN\n"
        + _sqlite_images(f"CASE WHEN {IS_LIVE.format(leaflet='OLD.leaflet_id')} THEN -1 ELSE 0 END")
        + "END",
    ]


def _pg_add(r: str, sign: str) -> str:
    return "".join(
        f"    PERFORM archive_count_add('{scope}', {key.format(r=r)}, {sign}1, 0);\n" for scope, key in SCOPES
    )


def _postgresql() -> list[str]:
    return [
        """CREATE FUNCTION archive_count_add(
    p_scope text, p_key integer, p_leaflets integer, p_images integer
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO archive_count (scope, key_id, leaflets, images) VALUES (p_scope, p_key, p_leaflets, p_images)
    ON CONFLICT (scope, key_id) DO UPDATE SET leaflets = archive_count.leaflets + EXCLUDED.leaflets,
                                              images = archive_count.images + EXCLUDED.images
$$""",
        f"""CREATE FUNCTION archive_count_leaflet() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = 'live' THEN
{_pg_add("OLD", "-")}  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status = 'live' THEN
{_pg_add("NEW", "+")}  END IF;
  IF TG_OP = 'UPDATE' AND (OLD.status = 'live') <> (NEW.status = 'live') THEN
    PERFORM archive_count_add('all', 0, 0, CASE WHEN NEW.status = 'live' THEN 1 ELSE -1 END
                                           * {LIVE_IMAGES.format(r="NEW")}::integer);
  END IF;
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION archive_count_image() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND {IS_LIVE.format(leaflet="OLD.leaflet_id")} THEN
    PERFORM archive_count_add('all', 0, 0, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND {IS_LIVE.format(leaflet="NEW.leaflet_id")} THEN
    PERFORM archive_count_add('all', 0, 0, 1);
  END IF;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER trg_leaflet_count_insert AFTER INSERT ON leaflet FOR EACH ROW "
        "EXECUTE FUNCTION archive_count_leaflet()",
        "CREATE TRIGGER trg_leaflet_count_update AFTER UPDATE OF status, party_id, area_id, election_id "
        "ON leaflet FOR EACH ROW EXECUTE FUNCTION archive_count_leaflet()",
        "CREATE TRIGGER trg_leaflet_count_delete AFTER DELETE ON leaflet FOR EACH ROW "
        "EXECUTE FUNCTION archive_count_leaflet()",
        "CREATE TRIGGER trg_image_count_insert AFTER INSERT ON leaflet_image FOR EACH ROW "
        "EXECUTE FUNCTION archive_count_image()",
        "CREATE TRIGGER trg_image_count_update AFTER UPDATE OF leaflet_id ON leaflet_image FOR EACH ROW "
        "EXECUTE FUNCTION archive_count_image()",
        "CREATE TRIGGER trg_image_count_delete AFTER DELETE ON leaflet_image FOR EACH ROW "
        "EXECUTE FUNCTION archive_count_image()",
    ]


BACKFILL = [
    "INSERT INTO archive_count (scope, key_id, leaflets, images) "
    "SELECT 'all', 0, count(*), 0 FROM leaflet WHERE status = 'live'",
    *[
        f"INSERT INTO archive_count (scope, key_id, leaflets, images) "
        f"SELECT '{scope}', {key.format(r='leaflet')}, count(*), 0 FROM leaflet "
        f"WHERE status = 'live' GROUP BY {key.format(r='leaflet')}"
        for scope, key in SCOPES[1:]
    ],
    "UPDATE archive_count SET images = (SELECT count(*) FROM leaflet_image JOIN leaflet "
    "ON leaflet.id = leaflet_image.leaflet_id WHERE leaflet.status = 'live') WHERE scope = 'all'",
]


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "leaflet", columns)
    op.create_table(
        "archive_count",
        sa.Column("scope", sa.String(10), primary_key=True),
        sa.Column("key_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("leaflets", sa.Integer(), nullable=False),
        sa.Column("images", sa.Integer(), nullable=False),
    )
    for statement in BACKFILL:
        op.execute(statement)
    for statement in _postgresql() if op.get_bind().dialect.name == "postgresql" else _sqlite():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        table = "leaflet_image" if trigger.startswith("trg_image") else "leaflet"
        op.execute(
            f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
            if postgresql
            else f"DROP TRIGGER IF EXISTS {trigger}"
        )
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS archive_count_leaflet()")
        op.execute("DROP FUNCTION IF EXISTS archive_count_image()")
        op.execute("DROP FUNCTION IF EXISTS archive_count_add(text, integer, integer, integer)")
    op.drop_table("archive_count")
    for name in INDEXES:
        op.drop_index(name, table_name="leaflet")
