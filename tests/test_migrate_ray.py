"""`--executor ray`: translation and verification as Ray tasks give the same results as local processes."""

from __future__ import annotations

import pytest

from t2j.migrate.models import MigrateOptions
from t2j.migrate.codebase import migrate_codebase
from tests.migrate_project import make_project, tree_hashes

pytest.importorskip("ray", reason="Ray is not installed (pip install 't2j[ray]')")


def _outcome(report):
    return (
        [(e.path, e.status, e.result.output_sha256, [s.message for s in e.result.spots]) for e in report.files],
        [(m.path, m.entry, m.inputs, m.ok) for e in report.files for m in e.modules],
    )


@pytest.mark.slow
def test_ray_executor_matches_local(tmp_path):
    import ray

    src = make_project(tmp_path / "src", extra=4)
    local = migrate_codebase(MigrateOptions(src=str(src), dst=str(tmp_path / "local"), max_bytes=100_000), workers=2)
    distributed = migrate_codebase(
        MigrateOptions(src=str(src), dst=str(tmp_path / "ray"), max_bytes=100_000), workers=2, executor="ray"
    )
    assert not ray.is_initialized()  # the executor shut down the local Ray it started
    assert _outcome(distributed) == _outcome(local)
    assert [m for m in _outcome(local)[1]] == [("pkg/layers.py", "Scale", "get_inputs", True)]
    skip = (".t2j/", "t2j-report.")
    assert tree_hashes(tmp_path / "ray", skip) == tree_hashes(tmp_path / "local", skip)
