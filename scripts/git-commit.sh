#!/bin/sh
# Called by Plugins/GitCommitPlugin at build time: writes `let generatedGitCommit = "<sha>"`
# (12 hex digits, "+dirty" when Sources, Package.swift or migrations have uncommitted changes,
# "unknown" outside a git checkout) into $2, rewriting the file only when the text changed.
root=$1
out=$2
commit=unknown
if sha=$(git -C "$root" rev-parse --short=12 HEAD 2>/dev/null) && [ -n "$sha" ]; then
  commit=$sha
  if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- Sources Package.swift migrations 2>/dev/null)" ]; then
    commit="$sha+dirty"
  fi
fi
text="let generatedGitCommit = \"$commit\""
if [ -f "$out" ] && [ "$(cat "$out")" = "$text" ]; then exit 0; fi
mkdir -p "$(dirname "$out")"
printf '%s\n' "$text" > "$out"
