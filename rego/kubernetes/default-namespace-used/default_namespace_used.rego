# METADATA
# title: Resource in the default namespace
# description: >-
#   The resource is placed in the default namespace, which every workload without a
#   namespace shares, usually with no NetworkPolicy, quota or dedicated RBAC, so it is
#   not isolated from unrelated or unreviewed workloads (PCI-DSS 2.2.3 one primary
#   function per component and 1.2 segmentation; CIS Kubernetes 5.7.4). Decisions: only
#   an explicit metadata.namespace of "default" is reported. A manifest without a
#   namespace is not, because Helm (--namespace), Kustomize (namespace:) or the Argo CD
#   destination decide where it goes at deploy time, so its namespace is unknown here.
#   Cluster-scoped kinds ignore the field and are skipped, as are the objects
#   Kubernetes itself keeps in default (Service, Endpoints and EndpointSlice
#   "kubernetes", ServiceAccount "default", ConfigMap "kube-root-ca.crt"), which appear
#   in cluster exports. Roles and RoleBindings in default are not reported: they grant
#   access to that namespace (for example to let monitoring read it) rather than run
#   anything there.
# custom:
#   id: K8S-058
#   severity: low
#   remediation: |
#     Give the application its own namespace, with its own NetworkPolicies and RBAC.
#
#     ```yaml
#     metadata:
#       name: payment-service
#       namespace: payments
#     ```
#   applies_to:
#     family: kubernetes
#     types: []
#   environments: []
#   params: {}
#   references:
#     - https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces
#     - https://kubernetes.io/docs/concepts/security/multi-tenancy/
package compliance.rules.kubernetes.default_namespace_used

import rego.v1

# Kinds that belong to no namespace (built-in and common add-ons).
_cluster_scoped := {
	"Namespace", "Node", "PersistentVolume", "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment",
	"ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "APIService", "PriorityClass",
	"RuntimeClass", "IngressClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
	"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CertificateSigningRequest",
	"PodSecurityPolicy", "ClusterIssuer", "ClusterSecretStore", "GatewayClass", "ClusterPolicy",
}

# Permission objects scoped to default grant access to it; they place nothing in it.
_access_kinds := {"Role", "RoleBinding"}

# Objects Kubernetes creates in the default namespace by itself.
_system_objects := {
	["Service", "kubernetes"], ["Endpoints", "kubernetes"], ["EndpointSlice", "kubernetes"],
	["ServiceAccount", "default"], ["ConfigMap", "kube-root-ca.crt"],
}

deny contains {"msg": msg, "path": ["metadata", "namespace"]} if {
	input.metadata.namespace == "default"
	not input.kind in _cluster_scoped
	not input.kind in _access_kinds
	not [input.kind, input.metadata.name] in _system_objects
	msg := sprintf("%s %q is in the default namespace", [input.kind, object.get(input, ["metadata", "name"], "")])
}
