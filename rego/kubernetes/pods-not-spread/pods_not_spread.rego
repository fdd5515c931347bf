# METADATA
# title: Replicas not spread across nodes and zones
# description: >-
#   A production workload does not tell the scheduler to spread its pods across nodes
#   and across zones, so several or all replicas can land on one node or in one zone
#   and a single node failure, drain or zone outage takes the service down (the
#   99.99% availability target and PCI-DSS 12.10 / SOC 2 A1.2 resilience). Decisions:
#   either a podAntiAffinity term (required or preferred) or a
#   topologySpreadConstraint (DoNotSchedule or ScheduleAnyway) counts, because both
#   spread pods and required anti-affinity can leave replicas unschedulable; the term
#   must use a topology key from host_topology_keys / zone_topology_keys and its
#   labelSelector must select the workload's own pod labels, since a term that selects
#   other pods spreads nothing. A term without a labelSelector selects no pods. In a
#   partial manifest whose pod template has no labels (a Kustomize patch), a term with
#   a labelSelector is judged by its topology key alone. Set
#   zone_topology_keys to [] for single-zone clusters. DaemonSets (one pod per node)
#   and Jobs are out of scope; the replica count is checked by replicas-too-few.
#   Objects with ownerReferences (a Deployment's ReplicaSets in a cluster export) are
#   judged through their owner.
# custom:
#   id: K8S-056
#   severity: medium
#   remediation: |
#     Add topologySpreadConstraints (or podAntiAffinity terms) on the hostname and the
#     zone, selecting the pod's own labels.
#
#     ```yaml
#     spec:
#       template:
#         spec:
#           topologySpreadConstraints:
#             - topologyKey: kubernetes.io/hostname
#               maxSkew: 1
#               whenUnsatisfiable: ScheduleAnyway
#               labelSelector:
#                 matchLabels: {app: payment-service}
#             - topologyKey: topology.kubernetes.io/zone
#               maxSkew: 1
#               whenUnsatisfiable: ScheduleAnyway
#               labelSelector:
#                 matchLabels: {app: payment-service}
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Deployment, StatefulSet, ReplicaSet, ReplicationController]
#   environments: [production]
#   params:
#     host_topology_keys: [kubernetes.io/hostname]
#     zone_topology_keys: [topology.kubernetes.io/zone, failure-domain.beta.kubernetes.io/zone]
#   references:
#     - https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
#     - https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity
package compliance.rules.kubernetes.pods_not_spread

import rego.v1

import data.compliance.lib.k8s
import data.compliance.lib.selector

_params := p if {
	p := data.compliance.params
	is_object(p)
} else := {}

_keys(name, fallback) := v if {
	v := _params[name]
	is_array(v)
} else := fallback

_dimensions := [
	{"what": "nodes", "keys": _keys("host_topology_keys", ["kubernetes.io/hostname"])},
	{"what": "zones", "keys": _keys("zone_topology_keys", ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"])},
]

_pod_labels := l if {
	l := object.get(input, array.concat(array.slice(k8s.pod_spec_path, 0, count(k8s.pod_spec_path) - 1), ["metadata", "labels"]), {})
	is_object(l)
} else := {}

_name := object.get(input, ["metadata", "name"], "")

_owned if count(input.metadata.ownerReferences) > 0

deny contains {"msg": msg, "path": array.concat(k8s.pod_spec_path, [_field])} if {
	is_object(k8s.pod_spec)
	not _owned
	some dim in _dimensions
	count(dim.keys) > 0
	not _spread(dim.keys)
	msg := sprintf(
		"%s %q does not spread its pods across %s (no podAntiAffinity term or topologySpreadConstraint on %s selects its own pods)",
		[input.kind, _name, dim.what, concat(" or ", dim.keys)],
	)
}

# Point at the scheduling field the workload already has, where the fix goes.
_field := "affinity" if {
	is_object(k8s.pod_spec.affinity)
	not k8s.pod_spec.topologySpreadConstraints
} else := "topologySpreadConstraints"

_terms contains term if {
	some term in k8s.pod_spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution
}

_terms contains weighted.podAffinityTerm if {
	some weighted in k8s.pod_spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution
}

_terms contains constraint if {
	some constraint in k8s.pod_spec.topologySpreadConstraints
}

_spread(keys) if {
	some term in _terms
	term.topologyKey in keys
	_selects_own_pods(term)
}

_selects_own_pods(term) if selector.matches(term.labelSelector, _pod_labels)

# A pod template without labels is a partial manifest (a Kustomize patch): the API
# requires labels that match the selector, so its own labels are unknown here.
_selects_own_pods(term) if {
	count(_pod_labels) == 0
	is_object(term.labelSelector)
}
