"""The data model of DESIGN §2."""

from leaflets.models.alerts import AlertFrequency, AlertKind, AlertSubscription  # findings: e-mail alerts
from leaflets.models.archive_count import ArchiveCount, CountScope  # scale: live counts kept by triggers
from leaflets.models.compare import (
    AreaResult,
    CompareBand,
    CompareNumber,
    CompareTermCount,
    CompareText,
    CompareToken,
)
from leaflets.models.findings import FindingsGroup  # findings: cached per-party aggregates
from leaflets.models.leaflet import ImageRole, Leaflet, LeafletImage, LeafletStatus, OcrPriority, OcrStatus
from leaflets.models.moderation import (  # moderation: volunteers' proposed fixes
    AuditEntry,
    DetailProposal,
    Flag,
    ProposalState,
)
from leaflets.models.near_duplicates import ImageFingerprint, LeafletSimilarity, PendingUpload  # neardup
from leaflets.models.pending_photo import PendingPhoto  # load: photos whose variants are being made
from leaflets.models.reference import Area, Election, Party, PostcodeDistrict, PostcodeRange, PostcodeSector
from leaflets.models.review import (
    Accuracy,
    BiasRating,
    Claim,
    ClaimOrigin,
    ClaimRating,
    ClaimState,
    LeafletTag,
    OcrCorrection,
    Tag,
)
from leaflets.models.user import Role, User

__all__ = [
    "Accuracy",
    "Area",
    "AuditEntry",
    "BiasRating",
    "Claim",
    "ClaimOrigin",
    "ClaimRating",
    "ClaimState",
    "Election",
    "Flag",
    "ImageRole",
    "Leaflet",
    "LeafletImage",
    "LeafletStatus",
    "LeafletTag",
    "OcrCorrection",
    "OcrStatus",
    "Party",
    "PostcodeDistrict",
    "PostcodeRange",
    "PostcodeSector",
    "Role",
    "Tag",
    "User",
    "AlertFrequency",
    "AlertKind",
    "AlertSubscription",
    "FindingsGroup",
    "OcrPriority",
    "DetailProposal",
    "ProposalState",
    "PendingPhoto",
    "AreaResult",
    "CompareBand",
    "CompareNumber",
    "CompareTermCount",
    "CompareText",
    "CompareToken",
    "ArchiveCount",
    "CountScope",
    "ImageFingerprint",
    "LeafletSimilarity",
    "PendingUpload",
]
