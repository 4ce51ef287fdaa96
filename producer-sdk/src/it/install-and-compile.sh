#!/usr/bin/env bash
# Checks the SDK as a user gets it: installs producer-sdk with its parent (mvn -pl producer-sdk
# -am install) into a throw-away local repository, then builds a separate project that depends on
# it by its coordinates and compiles the README's program.
#
# Usage: producer-sdk/src/it/install-and-compile.sh [SEED_REPO]
#   SEED_REPO: a local repository to copy first (default ~/.m2/repository), so that the run can be
#   offline; the copy is deleted afterwards and SEED_REPO is never written.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
seed="${1:-$HOME/.m2/repository}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$seed" "$work/repo"
cp -r "$root/producer-sdk/src/it/consumer" "$work/consumer"
mkdir -p "$work/consumer/src/main/java"
# The first java block of the README, as the user would paste it.
awk '/^```java$/{f=1;next} /^```$/{if(f){exit}} f' "$root/README.md" > "$work/consumer/src/main/java/FixLogin.java"

mvn -B -q -o -f "$root/pom.xml" -pl producer-sdk -am install -DskipTests -Dmaven.repo.local="$work/repo"
ls "$work/repo/dev/baton/producer-sdk/0.1.0-SNAPSHOT/" | grep -E 'sources|javadoc' >/dev/null \
  || { echo "sources or javadoc jar not installed" >&2; exit 1; }
mvn -B -q -o -f "$work/consumer/pom.xml" compile -Dmaven.repo.local="$work/repo"
test -f "$work/consumer/target/classes/FixLogin.class"
echo "installed producer-sdk (with sources and javadoc) and compiled the README program against it"
