#!/usr/bin/env bash
# Builds ScalePlanner and installs the `scaleplan` command (Debian/Ubuntu with the .NET 10 SDK):
#   bash tools/install.sh
# The program is published (Release, framework-dependent) into SCALEPLAN_HOME (default ~/.local/share/scaleplan) and a
# two-line launcher is written to SCALEPLAN_BIN/scaleplan (default ~/.local/bin). The build repairs LibTorchSharp's native
# library in the published copy where this system needs it (build/LibTorchSharpRepair.targets). The first run restores
# NuGet packages (TorchSharp-cpu brings LibTorch, about 1.4 GB). Run it again after pulling to update the command.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
home="${SCALEPLAN_HOME:-$HOME/.local/share/scaleplan}"
bin="${SCALEPLAN_BIN:-$HOME/.local/bin}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK is missing: install .NET 10 (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  exit 1
fi

staging="$(mktemp -d "${TMPDIR:-/tmp}/scaleplan-publish-XXXXXX")"
trap 'rm -rf "$staging"' EXIT
echo "building scaleplan (Release) into $home" >&2
dotnet publish "$repo/Planner/Planner.csproj" -c Release -o "$staging" -nologo -v quiet -p:UseAppHost=false >&2

# Replace the previous installation only once the new one is complete.
mkdir -p "$(dirname "$home")" "$bin"
rm -rf "$home.old"
if [ -d "$home" ]; then mv "$home" "$home.old"; fi
mv "$staging" "$home"
rm -rf "$home.old"
trap - EXIT

cat > "$bin/scaleplan" <<LAUNCHER
#!/bin/sh
exec dotnet "$home/scaleplan.dll" "\$@"
LAUNCHER
chmod +x "$bin/scaleplan"
echo "installed $bin/scaleplan" >&2
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "note: $bin is not on PATH; run: export PATH=\"$bin:\$PATH\"" >&2 ;;
esac
