# METADATA
# title: Service exposed outside the cluster network
# description: >-
#   A production Service is reachable from outside the cluster's private network: a
#   LoadBalancer without an internal-load-balancer annotation gets an internet-facing
#   address, a NodePort opens its port on every node, and externalIPs route any
#   traffic sent to those addresses to the Service's pods. PCI-DSS 1.3 and 1.4 require
#   the cardholder data environment to accept only traffic that passes a controlled
#   boundary (an ingress gateway, a WAF). Decisions: a LoadBalancer counts as internal
#   when one of the internal_annotations carries one of its listed values (AWS, GCP,
#   Azure, OCI, IBM, Alibaba, OpenStack by default), or when the AWS Load Balancer
#   Controller manages it (aws-load-balancer-type external or nlb-ip, or
#   loadBalancerClass service.k8s.aws/nlb) and the scheme is not internet-facing,
#   since that controller creates internal load balancers by default.
#   loadBalancerSourceRanges do not make a load balancer internal: it still has a
#   public address. NodePort is reported whatever its annotations, as no annotation
#   limits which networks reach a node port. The public entry point (the ingress
#   controller's own Service) is a deliberate exception: waive it.
# custom:
#   id: K8S-051
#   severity: high
#   remediation: |
#     Use type ClusterIP behind the ingress gateway, or make the load balancer internal
#     with your cloud's annotation.
#
#     ```yaml
#     apiVersion: v1
#     kind: Service
#     metadata:
#       name: payment-service
#       annotations:
#         service.beta.kubernetes.io/aws-load-balancer-scheme: internal
#     spec:
#       type: LoadBalancer
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Service]
#   environments: [production]
#   params:
#     internal_annotations:
#       service.beta.kubernetes.io/aws-load-balancer-internal: ["true", "0.0.0.0/0"]
#       service.beta.kubernetes.io/aws-load-balancer-scheme: ["internal"]
#       networking.gke.io/load-balancer-type: ["Internal"]
#       cloud.google.com/load-balancer-type: ["Internal"]
#       service.beta.kubernetes.io/azure-load-balancer-internal: ["true"]
#       service.beta.kubernetes.io/oci-load-balancer-internal: ["true"]
#       service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type: ["private"]
#       service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: ["intranet"]
#       service.beta.kubernetes.io/openstack-internal-load-balancer: ["true"]
#   references:
#     - https://kubernetes.io/docs/concepts/services-networking/service/#internal-load-balancer
#     - https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#lb-scheme
#     - https://kubernetes.io/docs/concepts/services-networking/service/#external-ips
package compliance.rules.kubernetes.service_externally_exposed

import rego.v1

# Same as the METADATA default; used when the rule runs without data.compliance.params
# (Conftest, Gatekeeper, the rule's own tests).
_default_internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
	"service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
	"networking.gke.io/load-balancer-type": ["Internal"],
	"cloud.google.com/load-balancer-type": ["Internal"],
	"service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
	"service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
	"service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
	"service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type": ["intranet"],
	"service.beta.kubernetes.io/openstack-internal-load-balancer": ["true"],
}

_internal_annotations := p if {
	p := data.compliance.params.internal_annotations
	is_object(p)
} else := _default_internal_annotations

_name := object.get(input, ["metadata", "name"], "")

_annotations := a if {
	a := input.metadata.annotations
	is_object(a)
} else := {}

deny contains {"msg": msg, "path": ["spec", "type"]} if {
	input.spec.type == "LoadBalancer"
	not _internal
	msg := sprintf("Service %q is type LoadBalancer without an internal load-balancer annotation, so it gets an internet-facing address", [_name])
}

deny contains {"msg": msg, "path": ["spec", "type"]} if {
	input.spec.type == "NodePort"
	msg := sprintf("Service %q is type NodePort, so its port is open on every node", [_name])
}

deny contains {"msg": msg, "path": ["spec", "externalIPs"]} if {
	ips := input.spec.externalIPs
	is_array(ips)
	count(ips) > 0
	msg := sprintf("Service %q accepts traffic for externalIPs %s", [_name, concat(", ", [sprintf("%v", [ip]) | some ip in ips])])
}

_internal if {
	some key, values in _internal_annotations
	value := _annotations[key]
	lower(sprintf("%v", [value])) in {lower(v) | some v in values}
}

# The AWS Load Balancer Controller provisions an internal NLB unless told otherwise.
_internal if {
	_aws_load_balancer_controller
	not _annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] == "internet-facing"
}

_aws_load_balancer_controller if input.spec.loadBalancerClass == "service.k8s.aws/nlb"

_aws_load_balancer_controller if {
	_annotations["service.beta.kubernetes.io/aws-load-balancer-type"] in {"external", "nlb-ip"}
}
