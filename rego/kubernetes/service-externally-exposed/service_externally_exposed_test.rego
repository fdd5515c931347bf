package compliance.rules.kubernetes.service_externally_exposed_test

import rego.v1

import data.compliance.rules.kubernetes.service_externally_exposed as rule

_svc(type, annotations) := {
	"apiVersion": "v1",
	"kind": "Service",
	"metadata": {"name": "payments", "annotations": annotations},
	"spec": {"type": type, "ports": [{"port": 443}]},
}

_public_lb := {{
	"msg": `Service "payments" is type LoadBalancer without an internal load-balancer annotation, so it gets an internet-facing address`,
	"path": ["spec", "type"],
}}

test_fail_public_load_balancer if {
	rule.deny == {{
		"msg": `Service "payments" is type LoadBalancer without an internal load-balancer annotation, so it gets an internet-facing address`,
		"path": ["spec", "type"],
	}} with input as _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing"})
}

test_fail_node_port_even_with_internal_annotation if {
	rule.deny == {{
		"msg": `Service "payments" is type NodePort, so its port is open on every node`,
		"path": ["spec", "type"],
	}} with input as _svc("NodePort", {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"})
}

test_fail_external_ips if {
	rule.deny == {{
		"msg": `Service "payments" accepts traffic for externalIPs 203.0.113.10, 203.0.113.11`,
		"path": ["spec", "externalIPs"],
	}} with input as json.patch(_svc("ClusterIP", {}), [{"op": "add", "path": "/spec/externalIPs", "value": ["203.0.113.10", "203.0.113.11"]}])
}

test_fail_aws_controller_internet_facing if {
	rule.deny == _public_lb with input as _svc("LoadBalancer", {
		"service.beta.kubernetes.io/aws-load-balancer-type": "external",
		"service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
	})
}

test_fail_annotation_value_not_internal if {
	rule.deny == _public_lb with input as _svc("LoadBalancer", {"service.beta.kubernetes.io/azure-load-balancer-internal": "false"})
}

test_fail_param_replaces_default_annotations if {
	rule.deny == _public_lb with input as _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"})
		with data.compliance.params as {"internal_annotations": {"example.com/private-lb": ["yes"]}}
}

test_success_aws_internal_scheme if {
	rule.deny == set() with input as _svc("LoadBalancer", {"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"})
}

test_success_gke_internal_case_insensitive if {
	rule.deny == set() with input as _svc("LoadBalancer", {"networking.gke.io/load-balancer-type": "internal"})
}

test_success_aws_controller_default_scheme_internal if {
	rule.deny == set() with input as json.patch(_svc("LoadBalancer", {}), [{"op": "add", "path": "/spec/loadBalancerClass", "value": "service.k8s.aws/nlb"}])
}

test_success_custom_annotation_param if {
	rule.deny == set() with input as _svc("LoadBalancer", {"example.com/private-lb": "yes"})
		with data.compliance.params as {"internal_annotations": {"example.com/private-lb": ["yes"]}}
}

test_success_cluster_ip if {
	rule.deny == set() with input as _svc("ClusterIP", {})
}
