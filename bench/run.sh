#!/usr/bin/env bash
# Runs every benchmark on 127.0.0.1 and prints one table each (see docs/benchmarks.md).
# Usage: bench/run.sh [all|overhead|propagation|probes|failover|memory|match|metrics|metrics-overhead] [options]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
dotnet build LLMKube.Orleans.sln -c Release -nologo -v quiet >/dev/null
exec dotnet bench/LLMKube.Bench/bin/Release/net10.0/LLMKube.Bench.dll "${@:-all}" 2> >(grep -v -E "^\S+ (warn|info): " >&2)
