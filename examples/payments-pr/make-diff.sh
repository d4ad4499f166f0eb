#!/usr/bin/env bash
# Regenerates pr.diff from base/ and head/ with git itself, so the diff is exactly git's format.
# base/ holds the files as they were before the change; head/ the changed files after it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
git -C "$tmp" init -q -b main
git -C "$tmp" config user.email example@example.com
git -C "$tmp" config user.name example
cp -R "$here/base/." "$tmp/"
git -C "$tmp" add -A && git -C "$tmp" commit -q -m base
cp -R "$here/head/." "$tmp/"
git -C "$tmp" add -A && git -C "$tmp" commit -q -m "Stripe and partner webhooks, CRM sync, ledger export"
git -C "$tmp" -c core.quotePath=false diff --no-color --no-ext-diff -M HEAD~1 HEAD > "$here/pr.diff"
echo "wrote $here/pr.diff ($(wc -l < "$here/pr.diff") lines)"
