"""Campaign files: TOML in, validated CampaignFile out, and back again.

Pure code (no database, no Discord): the importer/exporter built on ``db``
uses ``load``/``check`` and ``dump``.
"""

from bot.campaign.model import CampaignFile
from bot.campaign.parse import FIELDS, MAX_FILE_BYTES, LoadResult, check, load, loads
from bot.campaign.problems import CampaignInvalid, Problem
from bot.campaign.summary import summary
from bot.campaign.write import dump

__all__ = [
    "FIELDS",
    "MAX_FILE_BYTES",
    "CampaignFile",
    "CampaignInvalid",
    "LoadResult",
    "Problem",
    "check",
    "dump",
    "load",
    "loads",
    "summary",
]
