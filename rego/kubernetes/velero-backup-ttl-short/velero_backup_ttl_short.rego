# METADATA
# title: Velero backups expire before the retention period
# description: >-
#   A Velero Schedule keeps its backups for less than the retention the organisation
#   must meet, so the restore point needed after a late-detected incident or for an
#   audit is already deleted (PCI-DSS 12.10.1 and 9.4 recovery, SOC 2 A1.2, GDPR Art.
#   32(1)(c) timely restore). Decisions: the retention is spec.template.ttl, a Go
#   duration such as 720h0m0s; when it is not set Velero keeps backups 720h (30 days),
#   and that default is compared like any other value. min_ttl is a Go duration (default
#   720h, the reference platform's 30 days). A ttl that is not a valid duration is
#   reported, since Velero would reject the backup. Velero Backup objects made by hand
#   are not checked; the Schedule is what keeps backups coming.
# custom:
#   id: K8S-064
#   severity: medium
#   remediation: |
#     Set the schedule's ttl to at least the required retention.
#
#     ```yaml
#     apiVersion: velero.io/v1
#     kind: Schedule
#     spec:
#       schedule: "0 2 * * *"
#       template:
#         ttl: 2160h0m0s  # 90 days
#     ```
#   applies_to:
#     family: kubernetes
#     types: [Schedule]
#   environments: []
#   params:
#     min_ttl: 720h
#   references:
#     - https://velero.io/docs/main/api-types/schedule/
#     - https://velero.io/docs/main/how-velero-works/#set-a-backup-to-expire
package compliance.rules.kubernetes.velero_backup_ttl_short

import rego.v1

_duration := `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`

_min_ttl := p if {
	p := data.compliance.params.min_ttl
	is_string(p)
	regex.match(_duration, p)
} else := "720h"

_name := object.get(input, ["metadata", "name"], "")

_velero if startswith(input.apiVersion, "velero.io/")

_ttl := t if {
	t := input.spec.template.ttl
	is_string(t)
	t != ""
}

deny contains {"msg": msg, "path": ["spec", "template", "ttl"]} if {
	_velero
	regex.match(_duration, _ttl)
	time.parse_duration_ns(_ttl) < time.parse_duration_ns(_min_ttl)
	msg := sprintf("Schedule %q keeps backups for %s (spec.template.ttl), less than the required %s", [_name, _ttl, _min_ttl])
}

deny contains {"msg": msg, "path": ["spec", "template"]} if {
	_velero
	not _ttl
	time.parse_duration_ns("720h") < time.parse_duration_ns(_min_ttl)
	msg := sprintf("Schedule %q keeps backups for Velero's default 720h (spec.template.ttl not set), less than the required %s", [_name, _min_ttl])
}

deny contains {"msg": msg, "path": ["spec", "template", "ttl"]} if {
	_velero
	not regex.match(_duration, _ttl)
	msg := sprintf("Schedule %q has a ttl that is not a Go duration (spec.template.ttl: %s)", [_name, _ttl])
}
