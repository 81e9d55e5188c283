#!/usr/bin/env bash
# tests/hv/deps.sh [--check]: the project's one dependency installer.
exec "$(dirname "$0")/../../tools/deps.sh" "$@"
