# Sourced by the scripts: settings that make builds quiet and the same on every machine.
# (A shallow clone's build version is settled in Directory.Build.props.)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
