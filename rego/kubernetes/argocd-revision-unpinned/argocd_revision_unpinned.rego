# METADATA
# title: Argo CD Application tracks a moving revision
# description: >-
#   A production Argo CD Application follows HEAD, a branch or a chart version range,
#   so whatever lands on that branch or in that range is deployed to production without
#   a reviewed change to the Application, and an audit cannot tell which revision ran
#   when (PCI-DSS 6.5.1 and SOC 2 CC8.1 change management). Decisions: a revision is
#   pinned when it matches one of pinned_revision_patterns: by default a full 40-hex
#   commit SHA, a refs/tags/ reference, or an exact semantic version with or without
#   "v" (a Git tag or Helm chart version). Anything else, including an unset
#   targetRevision (HEAD), is a branch for Git sources or a range ("5.x.x", "^1.2",
#   "*") for Helm charts. Every source of a multi-source Application is checked.
#   Tags can be moved, but moving a release tag is itself a visible change; a branch
#   moves by design.
# custom:
#   id: K8S-059
#   severity: medium
#   remediation: |
#     Pin targetRevision to a release tag or commit and promote by changing it in a
#     reviewed pull request.
#
#     ```yaml
#     spec:
#       source:
#         repoURL: https://github.com/example-org/payments-gitops.git
#         targetRevision: v2.5.0
#         path: k8s/overlays/production
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Application]
#   environments: [production]
#   params:
#     pinned_revision_patterns:
#       - "^[0-9a-f]{40}$"
#       - "^refs/tags/.+$"
#       - "^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$"
#   references:
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/tracking_strategies/
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/multiple_sources/
package compliance.rules.kubernetes.argocd_revision_unpinned

import rego.v1

_default_patterns := [
	`^[0-9a-f]{40}$`,
	`^refs/tags/.+$`,
	`^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`,
]

_patterns := p if {
	p := data.compliance.params.pinned_revision_patterns
	is_array(p)
} else := _default_patterns

_name := object.get(input, ["metadata", "name"], "")

_sources contains {"source": s, "path": ["spec", "source"]} if {
	startswith(input.apiVersion, "argoproj.io/")
	s := input.spec.source
	is_object(s)
}

_sources contains {"source": s, "path": ["spec", "sources", i]} if {
	startswith(input.apiVersion, "argoproj.io/")
	some i, s in input.spec.sources
	is_object(s)
}

_revision(source) := r if {
	r := source.targetRevision
	is_string(r)
	r != ""
} else := "HEAD"

_pinned(revision) if {
	some pattern in _patterns
	regex.match(pattern, revision)
}

deny contains {"msg": msg, "path": array.concat(x.path, ["targetRevision"])} if {
	some x in _sources
	revision := _revision(x.source)
	not _pinned(revision)
	msg := _message(x.source, revision)
}

_message(source, revision) := sprintf("Application %q tracks chart %q version %q, not a pinned version", [_name, source.chart, revision]) if {
	is_string(source.chart)
} else := sprintf("Application %q tracks HEAD of %s, not a pinned commit, tag or version", [_name, _repo(source)]) if {
	upper(revision) == "HEAD"
} else := sprintf("Application %q tracks %q of %s, not a pinned commit, tag or version", [_name, revision, _repo(source)])

_repo(source) := source.repoURL if is_string(source.repoURL) else := "its repository"
