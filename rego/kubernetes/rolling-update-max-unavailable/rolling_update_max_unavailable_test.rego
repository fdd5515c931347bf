package compliance.rules.kubernetes.rolling_update_max_unavailable_test

import rego.v1

import data.compliance.rules.kubernetes.rolling_update_max_unavailable as rule

_deployment(strategy) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pay"}, "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "pay"}}, "strategy": strategy}}

test_fail_max_unavailable_integer if {
	rule.deny == {{
		"msg": `Deployment "pay" may take pods out of service during a rollout (maxUnavailable: 1)`,
		"path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"],
	}} with input as _deployment({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}})
}

test_fail_max_unavailable_percent if {
	rule.deny == {{
		"msg": `Deployment "pay" may take pods out of service during a rollout (maxUnavailable: 10%)`,
		"path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"],
	}} with input as _deployment({"rollingUpdate": {"maxUnavailable": "10%"}})
}

test_fail_default_strategy if {
	rule.deny == {{
		"msg": `Deployment "pay" may take pods out of service during a rollout (maxUnavailable not set: default 25%)`,
		"path": ["spec", "strategy"],
	}} with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pay"}, "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "pay"}}}}
}

test_success_patch_without_selector_inherits_strategy if {
	rule.deny == set() with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pay"}, "spec": {"replicas": 4}}
}

test_fail_patch_setting_max_unavailable if {
	rule.deny == {{
		"msg": `Deployment "pay" may take pods out of service during a rollout (maxUnavailable: 2)`,
		"path": ["spec", "strategy", "rollingUpdate", "maxUnavailable"],
	}} with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pay"}, "spec": {"strategy": {"rollingUpdate": {"maxUnavailable": 2}}}}
}

test_fail_recreate if {
	rule.deny == {{
		"msg": `Deployment "pay" uses the Recreate strategy, which stops every pod before starting the new ones`,
		"path": ["spec", "strategy", "type"],
	}} with input as _deployment({"type": "Recreate"})
}

test_success_zero_integer if {
	rule.deny == set() with input as _deployment({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}})
}

test_success_zero_percent if {
	rule.deny == set() with input as _deployment({"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "0%"}})
}
