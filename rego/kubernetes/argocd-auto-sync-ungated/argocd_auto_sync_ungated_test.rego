package compliance.rules.kubernetes.argocd_auto_sync_ungated_test

import rego.v1

import data.compliance.rules.kubernetes.argocd_auto_sync_ungated as rule

_app(annotations, sync) := {
	"apiVersion": "argoproj.io/v1alpha1",
	"kind": "Application",
	"metadata": {"name": "pay", "annotations": annotations},
	"spec": {"project": "payments", "syncPolicy": sync},
}

test_fail_automated if {
	rule.deny == {{
		"msg": `Application "pay" syncs production automatically (spec.syncPolicy.automated) with no manual gate recorded (compliance.dev/change-gate)`,
		"path": ["spec", "syncPolicy", "automated"],
	}} with input as _app({}, {"automated": {"prune": true, "selfHeal": true}})
}

test_fail_empty_automated_and_blank_gate if {
	rule.deny == {{
		"msg": `Application "pay" syncs production automatically (spec.syncPolicy.automated) with no manual gate recorded (compliance.dev/change-gate)`,
		"path": ["spec", "syncPolicy", "automated"],
	}} with input as _app({"compliance.dev/change-gate": " "}, {"automated": {}})
}

test_fail_custom_gate_annotation_param if {
	rule.deny == {{
		"msg": `Application "pay" syncs production automatically (spec.syncPolicy.automated) with no manual gate recorded (example.com/cab-ticket)`,
		"path": ["spec", "syncPolicy", "automated"],
	}} with input as _app({"compliance.dev/change-gate": "pr review"}, {"automated": {}})
		with data.compliance.params as {"gate_annotations": ["example.com/cab-ticket"]}
}

test_success_manual_sync if {
	rule.deny == set() with input as _app({}, {"syncOptions": ["CreateNamespace=true"]})
}

test_success_automated_disabled if {
	rule.deny == set() with input as _app({}, {"automated": {"enabled": false}})
}

test_success_gate_recorded if {
	rule.deny == set() with input as _app({"compliance.dev/change-gate": "pull request review by sre-team"}, {"automated": {"prune": true}})
}
