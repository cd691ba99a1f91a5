"""The tables of `flask export dump`: their columns (documented in the README written beside them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator

from leaflets.services import dump_rows

if TYPE_CHECKING:
    from leaflets.services.dump import DumpContext

Rows = Callable[["DumpContext", list[int]], Iterator[dict[str, Any]]]
LICENCE = """\
The archive's own data (the metadata, tags, claims, ratings and corrected texts) is published, as the site's
/licence page says, under the Creative Commons Attribution-ShareAlike 4.0 licence (CC BY-SA 4.0,
https://creativecommons.org/licenses/by-sa/4.0/): credit "Straight Choice contributors". The leaflets
themselves, and so the words in their texts, belong to the parties and candidates who published them; they
are archived and shared for the public record, research and reporting. Constituency codes and names:
mySociety (CC BY 4.0). Party data: Democracy Club. Contains OS data, Royal Mail data and National Statistics
data, Crown copyright and database right (Open Government Licence v3.0)."""


@dataclass
class Table:
    name: str
    about: str
    columns: list[tuple[str, str]]
    rows: Rows


TABLES = [
    Table(
        "leaflets",
        "One row per live leaflet.",
        [
            ("leaflet_id", "the leaflet's number in the archive"),
            ("url", "its page"),
            ("title", "as uploaded"),
            ("description", "as uploaded"),
            ("party", "party slug (empty: unknown)"),
            ("party_name", "party name"),
            ("area", "constituency GSS code"),
            ("area_name", "constituency name"),
            ("region", "region"),
            ("nation", "nation"),
            ("election", "election slug"),
            ("election_name", "election name"),
            ("delivered_on", "date delivered (ISO 8601)"),
            ("postcode_district", "outward postcode, if given"),
            ("uploaded_at", "when uploaded (UTC)"),
            ("copy_of", "the leaflet this is a copy of, if any"),
            ("images", "number of photos"),
        ],
        dump_rows.leaflets,
    ),
    Table(
        "texts",
        "One row per photo of a live leaflet, with its text.",
        [
            ("leaflet_id", "leaflet"),
            ("image_id", "photo"),
            ("position", "order on the leaflet page"),
            ("role", "front, back, inside or imprint"),
            ("image_url", "the full-size photo"),
            ("sha256", "SHA-256 of the stored photo"),
            ("width", "pixels"),
            ("height", "pixels"),
            ("ocr_status", "done, pending, running or failed"),
            ("ocr_confidence", "Tesseract's mean confidence"),
            ("corrected", "true when a volunteer corrected the text"),
            ("text", "the text (corrected if it was)"),
        ],
        dump_rows.texts,
    ),
    Table(
        "tags",
        "One row per tag on a live leaflet.",
        [
            ("leaflet_id", "leaflet"),
            ("tag", "tag slug"),
            ("tag_name", "tag name"),
            ("tag_group", "taxonomy group"),
            ("volunteers", "how many volunteers applied it"),
        ],
        dump_rows.tags,
    ),
    Table(
        "claims",
        "One row per accepted claim on a live leaflet.",
        [
            ("claim_id", "claim"),
            ("leaflet_id", "leaflet"),
            ("url", "the claim's page"),
            ("image_id", "photo the claim is on, if known"),
            ("text", "the claim's words"),
            ("span_start", "start of the claim in the photo's text"),
            ("span_end", "end of it"),
            ("origin", "volunteer or suggested"),
            ("created_at", "when marked (UTC)"),
            ("ratings", "ratings so far"),
            ("rated", "true once it has the threshold of ratings"),
            ("consensus", "the verdict most raters gave, once rated (empty: none or a tie)"),
        ],
        dump_rows.claims,
    ),
    Table(
        "claim_ratings",
        "One row per accuracy rating of a claim.",
        [
            ("claim_id", "claim"),
            ("leaflet_id", "leaflet"),
            ("rater", "pseudonym of the volunteer"),
            ("accuracy", "the verdict"),
            ("source_url", "the source given"),
            ("note", "the explanation given"),
            ("rated_at", "last changed (UTC)"),
        ],
        dump_rows.claim_ratings,
    ),
    Table(
        "bias_ratings",
        "One row per bias rating of a leaflet (each scale from -2 to +2).",
        [
            ("leaflet_id", "leaflet"),
            ("rater", "pseudonym of the volunteer"),
            ("tone", "-2 attacks opponents .. +2 positive about own party"),
            ("fairness", "-2 misleading presentation .. +2 fair presentation"),
            ("note", "the note given"),
            ("rated_at", "last changed (UTC)"),
        ],
        dump_rows.bias_ratings,
    ),
    Table(
        "deliveries",
        "Where and when each leaflet was delivered, with copies merged into it.",
        [
            ("report_id", "the upload that reported this delivery"),
            ("leaflet_id", "the live leaflet it shows"),
            ("merged_copy", "true for a copy a moderator merged into leaflet_id"),
            ("area", "constituency GSS code"),
            ("area_name", "constituency name"),
            ("delivered_on", "date delivered"),
            ("postcode_district", "outward postcode, if given"),
        ],
        dump_rows.deliveries,
    ),
]


def readme(counts: dict[str, int], threshold: int) -> str:
    parts = [
        "# Straight Choice: the public archive\n",
        "Every table comes twice, as gzip-compressed CSV (`.csv.gz`, UTF-8, a header row) and JSON lines "
        "(`.jsonl.gz`, one object per line). Only leaflets that are public are included; hidden and removed "
        "ones are not. There are no e-mail addresses or names: a rater is a pseudonym, the same in every "
        f"file. A claim counts as rated once {threshold} volunteers have rated it. A CSV cell that would "
        "start with =, +, - or @ has a leading ' so spreadsheets do not run it.\n",
    ]
    for table in TABLES:
        parts.append(
            f"\n## {table.name} ({counts.get(table.name, 0):,} rows)\n\n{table.about}\n\n"
            "| column | meaning |\n|---|---|\n"
        )
        parts += [f"| `{name}` | {meaning} |\n" for name, meaning in table.columns]
    parts.append(f"\n## Licence\n\n{LICENCE}\n")
    return "".join(parts)
