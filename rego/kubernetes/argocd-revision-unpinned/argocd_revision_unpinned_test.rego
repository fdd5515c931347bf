package compliance.rules.kubernetes.argocd_revision_unpinned_test

import rego.v1

import data.compliance.rules.kubernetes.argocd_revision_unpinned as rule

_app(spec) := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": {"name": "pay", "namespace": "argocd"}, "spec": spec}

_repo := "https://github.com/example-org/gitops.git"

test_fail_head if {
	rule.deny == {{
		"msg": `Application "pay" tracks HEAD of https://github.com/example-org/gitops.git, not a pinned commit, tag or version`,
		"path": ["spec", "source", "targetRevision"],
	}} with input as _app({"source": {"repoURL": _repo, "targetRevision": "HEAD", "path": "k8s"}})
}

test_fail_unset_revision_is_head if {
	rule.deny == {{
		"msg": `Application "pay" tracks HEAD of https://github.com/example-org/gitops.git, not a pinned commit, tag or version`,
		"path": ["spec", "source", "targetRevision"],
	}} with input as _app({"source": {"repoURL": _repo, "path": "k8s"}})
}

test_fail_branch_in_multi_source if {
	rule.deny == {{
		"msg": `Application "pay" tracks "main" of https://github.com/example-org/values.git, not a pinned commit, tag or version`,
		"path": ["spec", "sources", 1, "targetRevision"],
	}} with input as _app({"sources": [
		{"repoURL": _repo, "targetRevision": "v1.4.2", "path": "k8s"},
		{"repoURL": "https://github.com/example-org/values.git", "targetRevision": "main", "ref": "values"},
	]})
}

test_fail_chart_range if {
	rule.deny == {{
		"msg": `Application "pay" tracks chart "argo-cd" version "5.x.x", not a pinned version`,
		"path": ["spec", "source", "targetRevision"],
	}} with input as _app({"source": {"repoURL": "https://argoproj.github.io/argo-helm", "chart": "argo-cd", "targetRevision": "5.x.x"}})
}

test_fail_short_sha_not_pinned_by_default if {
	rule.deny == {{
		"msg": `Application "pay" tracks "4d7a0c9" of https://github.com/example-org/gitops.git, not a pinned commit, tag or version`,
		"path": ["spec", "source", "targetRevision"],
	}} with input as _app({"source": {"repoURL": _repo, "targetRevision": "4d7a0c9"}})
}

test_success_commit_sha if {
	rule.deny == set() with input as _app({"source": {"repoURL": _repo, "targetRevision": "4d7a0c91e2b35f86a1c0d9e7f3b2a5c6d8e1f094"}})
}

test_success_release_tag_and_chart_version if {
	rule.deny == set() with input as _app({"sources": [
		{"repoURL": _repo, "targetRevision": "v2.5.0", "path": "k8s"},
		{"repoURL": "https://argoproj.github.io/argo-helm", "chart": "argo-cd", "targetRevision": "5.51.6"},
		{"repoURL": _repo, "targetRevision": "refs/tags/release-2026-11"},
	]})
}

test_success_custom_pattern_param if {
	rule.deny == set() with input as _app({"source": {"repoURL": _repo, "targetRevision": "release-2026-11-25"}})
		with data.compliance.params as {"pinned_revision_patterns": [`^release-[0-9]{4}-[0-9]{2}-[0-9]{2}$`]}
}

test_success_other_application_crd if {
	rule.deny == set() with input as {"apiVersion": "app.k8s.io/v1beta1", "kind": "Application", "metadata": {"name": "x"}, "spec": {"source": {"targetRevision": "main"}}}
}
