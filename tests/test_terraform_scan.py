"""Terraform through the whole pipeline: plan findings at .tf lines, joins, the corpus."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from compliance.model import Status
from compliance.reporters import json_report
from compliance.scan import ScanOptions, scan

PLAN_REPO = Path(__file__).parent / "fixtures" / "terraform" / "plan-repo"
REPO = Path(__file__).resolve().parents[1]


def _corpus() -> Path | None:
    for candidate in (REPO.parent / "shared" / "corpus" / "tfplan", Path("/work/shared/corpus/tfplan")):
        if candidate.is_dir():
            return candidate
    return None


def _scan_plan():
    root = PLAN_REPO.absolute()
    return scan(ScanOptions(paths=[str(root / "plans")], root=root, jobs=1))


def test_plan_findings_point_at_tf_lines():
    report = _scan_plan()
    assert report.issues == []
    failed = [(r.rule.id, r.resource.id, r.resource.source.file, r.line, r.message)
              for r in report.results if r.status is not Status.passed]
    assert failed == [
        ("AWS-002", "aws_s3_bucket.logs", "main.tf", 14,
         'aws_s3_bucket "logs" has versioning disabled (no versioning block and no aws_s3_bucket_versioning for it)'),
        ("AWS-003", "aws_s3_bucket.logs", "main.tf", 14,
         'aws_s3_bucket "logs" has no aws_s3_bucket_public_access_block and no account-level block'),
        ("AWS-005", "aws_s3_bucket.logs", "main.tf", 14,
         'aws_s3_bucket "logs" has no access logging (no logging block and no aws_s3_bucket_logging for it)'),
        ("AWS-007", "aws_s3_bucket.logs", "main.tf", 14,
         'aws_s3_bucket "logs" has no policy statement denying requests without TLS (aws:SecureTransport false)'),
        ("AWS-001", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" has no default encryption (no server_side_encryption_configuration block and no '
         'aws_s3_bucket_server_side_encryption_configuration for it)'),
        ("AWS-002", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" has versioning disabled '
         '(no versioning block and no aws_s3_bucket_versioning for it)'),
        ("AWS-003", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" has no aws_s3_bucket_public_access_block and no account-level block'),
        ("AWS-005", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" has no access logging (no logging block and no aws_s3_bucket_logging for it)'),
        ("AWS-007", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" has no policy statement denying requests without TLS (aws:SecureTransport false)'),
        # The aliased provider's region (aws.us) reaches the GDPR residency rule.
        ("AWS-080", "aws_s3_bucket.replica", "main.tf", 33,
         'aws_s3_bucket "replica" holds EU personal data in region us-east-1 (allowed: eu-*)'),
        ("AWS-011", "module.kms.aws_kms_key.this", "modules/kms/main.tf", 3,
         'aws_kms_key "this" can be deleted 7 days after scheduling (deletion_window_in_days: 7, minimum 30)'),
        ("AWS-010", "module.kms.aws_kms_key.this", "modules/kms/main.tf", 4,
         'aws_kms_key "this" has automatic rotation off (enable_key_rotation: false)'),
    ]


def test_plan_joins_and_unknowns_pass():
    report = _scan_plan()
    passed = {(r.rule.id, r.resource.id) for r in report.results if r.status is Status.passed}
    # Encryption comes from the separate resource, joined by its `bucket` reference.
    assert ("AWS-001", "aws_s3_bucket.logs") in passed
    # multi_region is known only after apply: never a violation.
    assert ("AWS-013", "module.kms.aws_kms_key.this") in passed
    assert ("AWS-080", "aws_s3_bucket.logs") in passed


def test_json_report_keeps_the_plan_as_origin():
    report = _scan_plan()
    stream = io.StringIO()
    json_report.render(report, stream)
    document = json.loads(stream.getvalue())
    key = next(r for r in document["resources"] if r["id"] == "module.kms.aws_kms_key.this")
    assert key == {
        "id": "module.kms.aws_kms_key.this", "family": "terraform", "type": "aws_kms_key", "name": "this",
        "namespace": None, "environment": "production", "file": "modules/kms/main.tf", "start_line": 1,
        "end_line": 5, "address": "module.kms.aws_kms_key.this",
        "origin": {"kind": "terraform-plan", "file": "modules/kms/main.tf", "line": 1,
                   "detail": "plans/prod.json:89"},
    }


def test_corpus_plans_evaluate_without_rule_errors():
    corpus = _corpus()
    if corpus is None:
        pytest.skip("shared/corpus/tfplan is not beside the repository (../shared/corpus/tfplan)")
    report = scan(ScanOptions(paths=[str(corpus)], root=corpus))
    assert report.issues == []
    assert len(report.resources) == 899
    errors = [(r.rule.id, r.resource.source.file, r.message) for r in report.results if r.status is Status.error]
    assert errors == []
