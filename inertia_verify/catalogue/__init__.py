"""The claims catalogue: claims of the papers, each checked by one module in ``proofs/``."""

from ._claim import ERROR as ERROR
from ._claim import VERDICTS as VERDICTS
from ._claim import Claim as Claim
from ._claim import ClaimResult as ClaimResult
from ._claim import Outcome as Outcome
from ._claim import outcome_from_verdicts as outcome_from_verdicts
from ._registry import CatalogueReport as CatalogueReport
from ._report import report_markdown as report_markdown
from ._report import write_report as write_report
from ._registry import discover_claims as discover_claims
from ._registry import run_claims as run_claims

__all__ = ["VERDICTS", "ERROR", "Claim", "ClaimResult", "Outcome", "outcome_from_verdicts",
           "CatalogueReport", "report_markdown", "write_report", "discover_claims", "run_claims"]
