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
if [ -f scripts/install-render-tools.sh ]; then
    bash scripts/install-render-tools.sh
fi
echo "ready: .venv/bin/compliance --help"
