"""The fix store: schema and loader over every entry, the checker on a sample, recording, and the CLI."""

from __future__ import annotations

import json
import re

import pytest

from t2j._resources import data_dir
from t2j.errors import BadInput
from t2j.fixes.check import check_entry, matches
from t2j.fixes.entry import CATEGORIES, ExceptionError, FixEntry, MismatchError
from t2j.fixes.add import error_spec_from, add_mined_fix
from t2j.fixes.store import StoreError, entry_yaml, load_store, save_entry
from t2j.verify.report import Check, TensorCheck, Verification


@pytest.fixture(scope="module")
def store():
    return load_store(data_dir("fixes"))


def test_store_size_and_coverage(store):
    assert len(store) >= 300
    assert len(store.categories()) >= 30
    assert len(set(store.ids())) == len(store)
    curated = [e for e in store if e.provenance == "curated"]
    assert len(curated) >= 300 and all(e.reviewed for e in curated)


def test_every_entry_is_complete(store):
    for e in store:
        assert e.tags, e.id
        assert len(e.why.split()) >= 10, e.id
        assert "def get_init_inputs" in e.torch and "def get_inputs" in e.torch, e.id
        for code in (e.buggy_jax, e.fixed_jax):
            assert re.search(r"^class Model\(nnx\.Module\)|^def Model\(", code, re.M), e.id
            assert "import torch" not in code and "t2j" not in code, e.id


def test_rewrites_turn_buggy_into_fixed(store):
    with_rewrite = [e for e in store if e.rewrite]
    assert len(with_rewrite) >= 15
    for e in with_rewrite:
        rewritten = e.rewrite.apply(e.buggy_jax)
        assert rewritten is not None, e.id
        assert rewritten.strip() == e.fixed_jax.strip(), e.id


def test_taxonomy_documents_every_category():
    text = (data_dir("fixes") / "TAXONOMY.md").read_text()
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", text, re.M))
    assert documented == set(CATEGORIES)


def test_yaml_round_trip(store, tmp_path):
    entry = store.get("normalization-bn-momentum-inverted")
    path = save_entry(entry.model_copy(update={"provenance": "user", "id": "copy-of-bn"}), tmp_path)
    assert path == tmp_path / "user" / "copy-of-bn.yaml"
    again = load_store(tmp_path).get("copy-of-bn")
    assert again.torch == entry.torch and again.fixed_jax == entry.fixed_jax and again.error == entry.error
    with pytest.raises(StoreError, match="already exists"):
        save_entry(again, tmp_path)


def test_loader_names_the_bad_file_and_field(store, tmp_path):
    good = entry_yaml(store.get("reduction-dim-keyword"))
    (tmp_path / "bad.yaml").write_text(good.replace("category: reduction", "category: nonsense"))
    with pytest.raises(StoreError, match=r"bad\.yaml.*category.*unknown category 'nonsense'"):
        load_store(tmp_path)
    (tmp_path / "bad.yaml").write_text(good)
    (tmp_path / "dup.yaml").write_text(good)
    with pytest.raises(StoreError, match="duplicate entry id 'reduction-dim-keyword'"):
        load_store(tmp_path)
    (tmp_path / "dup.yaml").write_text("id: [unclosed")
    with pytest.raises(StoreError, match="not valid YAML"):
        load_store(tmp_path)


def test_schema_rejects_broken_entries(store):
    base = store.get("reduction-dim-keyword").model_dump()
    with pytest.raises(ValueError, match="identical"):
        FixEntry.model_validate(base | {"fixed_jax": base["buggy_jax"]})
    with pytest.raises(ValueError, match="does not parse"):
        FixEntry.model_validate(base | {"buggy_jax": "def (:\n"})
    with pytest.raises(ValueError, match="regular expression"):
        FixEntry.model_validate(base | {"error": {"kind": "exception", "type": "TypeError", "message": "(["}})
    with pytest.raises(ValueError, match="get_inputs"):
        FixEntry.model_validate(base | {"torch": "import torch\nclass Model: pass\n"})


def _failed(error=None, stage="jax", checks=()):
    return Verification(ok=False, error=error, failed_stage=stage if error else None, checks=list(checks))


def test_matches_exception_and_mismatch():
    spec = ExceptionError(type="TypeError", message=r"unexpected keyword argument 'dim'")
    tb = "Traceback...\nTypeError: sum() got an unexpected keyword argument 'dim'\n--------------------\nFor simplicity..."
    assert matches(spec, _failed(tb))[0]
    ok, why = matches(spec, _failed("AttributeError: no attribute 'dim'"))
    assert not ok and "AttributeError" in why
    assert not matches(spec, Verification(ok=True))[0]
    fwd = Check(name="forward_eval", ok=False, tensors=[TensorCheck(name="out", max_abs_err=0.4, ok=False)])
    assert matches(MismatchError(check="forward_eval"), _failed(checks=[fwd]))[0]
    ok, why = matches(MismatchError(check="backward"), _failed(checks=[fwd]))
    assert not ok and "forward_eval" in why
    # a wrong-shaped output can surface as the verifier's broadcasting error: still the same mismatch
    assert matches(
        MismatchError(), _failed("ValueError: Incompatible shapes for broadcasting: shapes=[(32,), (4, 8)]")
    )[0]


SAMPLE = [
    "reduction-dim-keyword",  # exception + rewrite
    "normalization-bn-momentum-inverted",  # running_stats mismatch + rewrite
    "activation-gelu-exact",  # forward mismatch + rewrite
    "params-frozen-is-variable",  # backward mismatch
    "tracing-python-if-on-tensor",  # tracer error
    "optimizer-adam-weight-decay-is-l2",  # optimizer step inside the model
    "containers-sequential-subclass",  # an nn.Sequential subclass, ported through nnx.Sequential's layers
]


@pytest.mark.parametrize("entry_id", SAMPLE)
def test_sample_entries_check(store, entry_id):
    result = check_entry(store.get(entry_id))
    assert result.ok, result.summary()
    assert result.buggy_ok and result.fixed_ok


@pytest.mark.slow
def test_every_entry_checks(store):
    failures = [r.summary() for r in (check_entry(e) for e in store) if not r.ok]
    assert not failures, "\n".join(failures)


def test_error_spec_from_real_errors():
    spec = error_spec_from(_failed("Traceback\njax.errors.TracerBoolConversionError: Attempted boolean conversion"))
    assert isinstance(spec, ExceptionError) and spec.type == "TracerBoolConversionError"
    assert re.search(spec.message, "Attempted boolean conversion of traced array")
    fwd = Check(name="backward", ok=False, tensors=[TensorCheck(name="d/d fc.weight", max_abs_err=0.3, ok=False)])
    spec = error_spec_from(_failed(checks=[fwd]))
    assert isinstance(spec, MismatchError) and spec.check == "backward" and "fc.weight" in spec.note
    with pytest.raises(BadInput, match="verifies"):
        error_spec_from(Verification(ok=True))


def test_add_mined_fix_writes_an_unreviewed_candidate(store, tmp_path):
    e = store.get("reduction-dim-keyword")
    failed = _failed("TypeError: sum() got an unexpected keyword argument 'dim'")
    mined = add_mined_fix(e.torch, e.buggy_jax, e.fixed_jax, failed, store=tmp_path)
    assert mined.provenance == "mined" and not mined.reviewed
    assert mined.error.type == "TypeError" and re.search(mined.error.message, failed.error)
    assert (tmp_path / "mined" / f"{mined.id}.yaml").exists()
    assert "torch.sum" in mined.tags or "Tensor.sum" in mined.tags
    # the same repair twice is one entry
    assert add_mined_fix(e.torch, e.buggy_jax, e.fixed_jax, failed, store=tmp_path).id == mined.id
    assert len(load_store(tmp_path)) == 1


def test_cli_list_json(capsys):
    from t2j.cli import main

    assert main(["fixes", "list", "--json", "--category", "loss"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items and all(i["category"] == "loss" for i in items)
    assert main(["fixes", "check", "no-such-entry"]) == 2
    assert "unknown entry id" in capsys.readouterr().err


def test_cli_add_records_a_human_repair(store, tmp_path, capsys):
    from t2j.cli import main

    e = store.get("shape-permute")
    for name, code in (("a.py", e.torch), ("draft.py", e.buggy_jax), ("fixed.py", e.fixed_jax)):
        (tmp_path / name).write_text(code)
    user = tmp_path / "store"
    args = [
        "fixes",
        "add",
        "--torch",
        str(tmp_path / "a.py"),
        "--buggy",
        str(tmp_path / "draft.py"),
        "--store",
        str(user),
        "--id",
        "my-permute",
        "--category",
        "shape",
    ]
    assert main(args + ["--fixed", str(tmp_path / "fixed.py")]) == 0
    saved = load_store(user).get("my-permute")
    assert saved.provenance == "user" and not saved.reviewed
    assert saved.error.kind == "exception" and saved.error.type == "AttributeError"  # obtained by running it
    # a "fixed" file that does not verify is refused, nothing written
    assert main(args[:-4] + ["--id", "bad-one", "--fixed", str(tmp_path / "draft.py")]) == 2
    assert "does not verify" in capsys.readouterr().err
    assert not (user / "user" / "bad-one.yaml").exists()


def test_env_store_is_read_alongside_the_shipped_one(store, tmp_path, monkeypatch):
    e = store.get("shape-permute")
    save_entry(e.model_copy(update={"id": "env-extra", "provenance": "user", "reviewed": False}), tmp_path)
    monkeypatch.setenv("T2J_FIX_STORE", str(tmp_path))
    merged = load_store()
    assert merged.get("env-extra") is not None and len(merged) == len(store) + 1


def test_add_mined_fix_as_the_repair_loop_calls_it(store, tmp_path):
    from t2j.fixes import add_mined_fix as exported

    e = store.get("activation-gelu-exact")
    fwd = Check(name="forward_eval", ok=False, tensors=[TensorCheck(name="out", max_abs_err=5e-4, ok=False)])
    saved = exported(e.torch, e.buggy_jax, e.fixed_jax, _failed(checks=[fwd]), entry="Model", store=tmp_path)
    assert saved.error.kind == "mismatch" and saved.error.check == "forward_eval"
    assert saved.category == "activation"
