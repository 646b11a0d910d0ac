# Sourced by the scripts: settings that make builds work the same on every machine.
# Nerdbank.GitVersioning needs the git history; a shallow or history-less clone builds with a
# placeholder version instead of failing (DESIGN.md).
if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" != "false" ]; then
  export NBGV_GitEngine=Disabled
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
