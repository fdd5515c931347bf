# METADATA
# title: Rollout takes pods out of service
# description: >-
#   A production Deployment's rollout may stop old pods before their replacements are
#   ready, so every release runs below the desired capacity and a bad release can take
#   the service down (the 99.99% availability target; PCI-DSS 6.5 change control asks
#   that changes do not disrupt the service). Decisions, as the issue asks: any
#   maxUnavailable above 0 is reported, whether an integer or a percentage, because the
#   percentage is of a replica count that autoscaling changes and becomes at least one
#   pod once replicas reach 100/p; an unset maxUnavailable is the default 25% and is
#   reported too, except in a partial manifest without spec.selector (a Kustomize
#   patch), whose unset fields come from its base; the Recreate strategy stops every pod
#   first and is reported. A
#   zero-downtime rollout sets maxUnavailable 0 and maxSurge above 0 (the API rejects
#   both 0). StatefulSets and DaemonSets are out of scope: a StatefulSet cannot surge,
#   so its maxUnavailable must be at least 1.
# custom:
#   id: K8S-057
#   severity: low
#   remediation: |
#     Surge new pods before removing old ones.
#
#     ```yaml
#     spec:
#       strategy:
#         type: RollingUpdate
#         rollingUpdate:
#           maxSurge: 25%
#           maxUnavailable: 0
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Deployment]
#   environments: [production]
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable
#     - https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#recreate-deployment
package compliance.rules.kubernetes.rolling_update_max_unavailable

import rego.v1

import data.compliance.lib.selector

_name := object.get(input, ["metadata", "name"], "")

_strategy := s if {
	s := input.spec.strategy
	is_object(s)
} else := {}

_type := object.get(_strategy, "type", "RollingUpdate")

deny contains {"msg": msg, "path": ["spec", "strategy", "type"]} if {
	_type == "Recreate"
	msg := sprintf("Deployment %q uses the Recreate strategy, which stops every pod before starting the new ones", [_name])
}

deny contains {"msg": msg, "path": ["spec", "strategy"]} if {
	_type == "RollingUpdate"
	not _max_unavailable_set
	not _partial
	msg := sprintf("Deployment %q may take pods out of service during a rollout (maxUnavailable not set: default 25%%)", [_name])
}

deny contains {"msg": msg, "path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"]} if {
	_type == "RollingUpdate"
	value := _strategy.rollingUpdate.maxUnavailable
	parsed := selector.int_or_percent(value)
	parsed.value > 0
	msg := sprintf("Deployment %q may take pods out of service during a rollout (maxUnavailable: %v)", [_name, value])
}

# apps/v1 requires spec.selector: a Deployment without one is a partial manifest (a
# Kustomize patch), whose unset fields come from the base it patches.
_partial if not input.spec.selector

_max_unavailable_set if {
	value := _strategy.rollingUpdate.maxUnavailable
	value != null
}
