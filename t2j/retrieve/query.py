"""What retrieval is asked: a PyTorch source to translate, or (in repair rounds) a failing draft and its error."""

from __future__ import annotations

from pydantic import BaseModel, Field

from t2j.analyze.features import Features


class RetrievalQuery(BaseModel):
    """Translate mode: `source` (and/or precomputed `features`). Repair mode: add the verifier's `error` text,
    the names of the `failed_checks` (forward_eval, backward, running_stats...) and the failing `draft`."""

    source: str | None = None
    features: Features | None = None
    error: str | None = None
    failed_checks: list[str] = Field(default_factory=list)
    draft: str | None = None

    @property
    def repair(self) -> bool:
        return bool(self.error or self.failed_checks)

    @classmethod
    def from_verification(cls, source: str | None, draft: str | None, verification) -> "RetrievalQuery":
        """A repair-mode query from a failed `Verification`: its error text and failing checks."""
        text = verification.error or ""
        problems = [f"{c.name}: {t.name}: {t.problem}" for c in verification.checks for t in c.tensors if t.problem]
        failed = [c.name for c in verification.checks if not c.ok and not c.skipped]
        return cls(source=source, draft=draft, error="\n".join([text, *problems]).strip() or None, failed_checks=failed)
