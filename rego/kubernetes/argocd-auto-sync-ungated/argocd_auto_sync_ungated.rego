# METADATA
# title: Argo CD auto-syncs production without a manual gate
# description: >-
#   A production Argo CD Application syncs automatically, so every commit that reaches
#   its tracked revision is applied to production with no recorded approval step in Argo
#   CD (PCI-DSS 6.5.1 and SOC 2 CC8.1: changes to production are approved before they
#   are deployed). Decisions: an Application is gated when spec.syncPolicy.automated
#   is absent, null or has enabled: false (Argo CD 2.14+ / 3.x), or when it carries one
#   of gate_annotations with a non-empty value naming the gate that approves its
#   changes (for example the pull-request review of a pinned targetRevision); the
#   annotation is the evidence an auditor reads. selfHeal and prune are not judged here.
# custom:
#   id: K8S-061
#   severity: medium
#   remediation: |
#     Sync production by hand (remove syncPolicy.automated), or record the approval gate
#     that precedes each automatic sync.
#
#     ```yaml
#     metadata:
#       annotations:
#         compliance.dev/change-gate: "pull request review by sre-team and security-team"
#     spec:
#       syncPolicy:
#         automated:
#           prune: true
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Application]
#   environments: [production]
#   params:
#     gate_annotations: [compliance.dev/change-gate]
#   references:
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
#     - https://argo-cd.readthedocs.io/en/stable/user-guide/sync_windows/
package compliance.rules.kubernetes.argocd_auto_sync_ungated

import rego.v1

_gate_annotations := p if {
	p := data.compliance.params.gate_annotations
	is_array(p)
} else := ["compliance.dev/change-gate"]

_automated := a if {
	a := input.spec.syncPolicy.automated
	is_object(a)
}

_gated if {
	some key in _gate_annotations
	value := input.metadata.annotations[key]
	is_string(value)
	trim_space(value) != ""
}

deny contains {"msg": msg, "path": ["spec", "syncPolicy", "automated"]} if {
	startswith(input.apiVersion, "argoproj.io/")
	object.get(_automated, "enabled", true) != false
	not _gated
	msg := sprintf(
		"Application %q syncs production automatically (spec.syncPolicy.automated) with no manual gate recorded (%s)",
		[object.get(input, ["metadata", "name"], ""), concat(", ", _gate_annotations)],
	)
}
