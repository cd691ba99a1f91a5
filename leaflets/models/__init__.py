"""The data model of DESIGN §2."""
from leaflets.models.reference import Area, Election, Party, PostcodeDistrict
from leaflets.models.leaflet import Leaflet, LeafletImage, LeafletStatus, OcrStatus, ImageRole
from leaflets.models.user import User, Role
from leaflets.models.review import (Accuracy, BiasRating, Claim, ClaimOrigin, ClaimRating, ClaimState,
                                    OcrCorrection, Tag, LeafletTag)
from leaflets.models.moderation import AuditEntry, Flag
from leaflets.models.compare import (AreaResult, CompareBand, CompareNumber, CompareTermCount, CompareText,
                                     CompareToken)

__all__ = [
    "Accuracy", "Area", "AuditEntry", "BiasRating", "Claim", "ClaimOrigin", "ClaimRating", "ClaimState", "Election",
    "Flag", "ImageRole", "Leaflet", "LeafletImage", "LeafletStatus", "LeafletTag", "OcrCorrection", "OcrStatus",
    "Party", "PostcodeDistrict", "Role", "Tag", "User",
    "AreaResult", "CompareBand", "CompareNumber", "CompareTermCount", "CompareText", "CompareToken",
]
