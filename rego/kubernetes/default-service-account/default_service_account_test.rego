package compliance.rules.kubernetes.default_service_account_test

import rego.v1

import data.compliance.rules.kubernetes.default_service_account

test_fail_not_set if {
	default_service_account.deny == {{
		"msg": "pod uses the default ServiceAccount (serviceAccountName not set)",
		"path": ["spec", "template", "spec"],
	}} with input as {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}
}

test_fail_not_set_even_without_token if {
	default_service_account.deny == {{
		"msg": "pod uses the default ServiceAccount (serviceAccountName not set)",
		"path": ["spec"],
	}} with input as {"kind": "Pod", "spec": {"automountServiceAccountToken": false, "containers": [{"name": "app"}]}}
}

test_fail_named_default if {
	default_service_account.deny == {{
		"msg": "pod uses the default ServiceAccount (serviceAccountName: default)",
		"path": ["spec", "jobTemplate", "spec", "template", "spec", "serviceAccountName"],
	}} with input as {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"serviceAccountName": "default", "containers": [{"name": "job"}]}}}}}}

	default_service_account.deny == {{
		"msg": "pod uses the default ServiceAccount (serviceAccount: default)",
		"path": ["spec", "serviceAccount"],
	}} with input as {"kind": "Pod", "spec": {"serviceAccount": "default", "containers": [{"name": "app"}]}}
}

test_success_own_account if {
	default_service_account.deny == set() with input as {"kind": "Pod", "spec": {"serviceAccountName": "payments-api", "containers": [{"name": "app"}]}}
	default_service_account.deny == set() with input as {"kind": "Pod", "spec": {"serviceAccount": "legacy-sa", "containers": [{"name": "app"}]}}
	default_service_account.deny == set() with input as {"kind": "Pod", "spec": {"serviceAccountName": "payments-api", "serviceAccount": "default", "containers": [{"name": "app"}]}}
}

test_success_not_a_workload if {
	default_service_account.deny == set() with input as {"kind": "ServiceAccount", "metadata": {"name": "default"}}
}
