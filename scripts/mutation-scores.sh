#!/bin/sh
# Mutation score of each module in the table below, one module at a time, each with only the tests
# that reach it (a wide selection makes mutmut's per-mutant runs take hours: a function the app calls
# at start-up is "covered" by every Pilot test). Each module runs in a scratch copy of this tree
# (tracked and untracked files, as they are now) whose [tool.mutmut] names that module and its tests.
# Prints one line per module: "MODULE killed/total score%" (killed counts timeouts and type-check
# catches, as the README's table does); the survivors are listed in the scratch copy, which is kept.
#
# usage: scripts/mutation-scores.sh [MODULE...]     e.g. scripts/mutation-scores.sh vbotui/keymap.py
# env:   MUTMUT_CHILDREN (default 2): parallel mutant runs; MUTATION_DIR: where the copies go
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MUTMUT=${MUTMUT:-$ROOT/.venv/bin/mutmut}
PY=${PYTHON:-$ROOT/.venv/bin/python}
CHILDREN=${MUTMUT_CHILDREN:-2}
OUT=${MUTATION_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/vbotui-mutation.XXXXXX")}

# module | the in-process tests that can kill its mutants: pytest arguments; a glob (quoted here)
# takes the files that match when the script runs, none is fine. Subprocess, tmux and real-keyring
# tests cannot kill a mutant: it lives only in mutmut's process.
TABLE='
vbotui/filtering.py|tests/ui/test_filter*.py tests/ui/test_virtual_job_table.py tests/commands/test_*filter*.py
vbotui/commands/records.py|tests/commands tests/ui/test_operator_ux.py
vbotui/commands/signin.py|tests/commands tests/signin/test_cli.py
vbotui/config/urls.py|tests/auth/test_config*.py tests/auth/test_connections.py tests/auth/test_*url*.py tests/auth/test_plain_http*.py
vbotui/operations/server.py|tests/operations
vbotui/keymap.py|tests/ui/test_keymap*.py tests/ui/test_footer.py
vbotui/ui/export.py|tests/ui/test_keymap.py tests/ui/test_operator_ux.py tests/ui/test_*export*.py
'
# Always left out of a selection: the wheel build, and the flows run from a temp folder where
# mutmut's trampoline finds no config (both run vbotui in another process anyway).
IGNORED="--ignore=tests/commands/test_wheel_install.py --ignore=tests/auth/test_headless.py"

cd "$ROOT"
modules=${*:-$(printf '%s\n' "$TABLE" | sed -n 's/|.*//p')}
echo "scratch copies: $OUT" >&2
for module in $modules; do
  tests=$(printf '%s\n' "$TABLE" | sed -n "s#^$module|##p")
  [ -n "$tests" ] || { echo "$module: not in the table of $0" >&2; exit 2; }
  copy="$OUT/$(printf %s "$module" | tr / _)"
  rm -rf "$copy" && mkdir -p "$copy"
  (cd "$ROOT" && git ls-files -z -co --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) |
    tar -C "$copy" -xf -
  # Point the copy's [tool.mutmut] at this module and its tests only.
  # shellcheck disable=SC2086 # the selection is words; globs are expanded by Python below
  "$PY" - "$copy/pyproject.toml" "$module" $IGNORED -- "$tests" <<'EOF'
import glob, json, re, sys
path, module, *rest = sys.argv[1:]
cut = rest.index("--")
selection = rest[:cut]
for word in rest[cut + 1].split():
    selection += sorted(glob.glob(word)) if "*" in word else [word]
text = open(path, encoding="utf-8").read()
section = (
    "[tool.mutmut]\n"
    'source_paths = ["vbotui"]\n'
    'also_copy = ["README.md", "docs"]\n'
    f"only_mutate = {json.dumps([module])}\n"
    f"pytest_add_cli_args_test_selection = {json.dumps(selection)}\n"
    'pytest_add_cli_args = ["-p", "no:xdist", "-m", "not tmux and not keyring", "-q"]\n\n'
)
text, found = re.subn(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[)", lambda _: section, text)
assert found == 1, "pyproject.toml has no [tool.mutmut] section followed by another section"
open(path, "w", encoding="utf-8").write(text)
EOF
  if ! (cd "$copy" && "$MUTMUT" run --max-children "$CHILDREN" >"$copy/mutmut-run.log" 2>&1); then
    # mutmut stops when no selected test reaches the module: every mutant survives (score 0).
    grep -q "could not find any test case" "$copy/mutmut-run.log" ||
      { echo "$module: mutmut run failed, see $copy/mutmut-run.log" >&2; continue; }
    echo "$module: no selected in-process test reaches it" >&2
  fi
  (cd "$copy" && "$MUTMUT" results --all true >"$copy/results.txt")
  grep -v ': killed$\|: timeout$\|: caught by type check$' "$copy/results.txt" >"$copy/survivors.txt" || true
  total=$(grep -c ': ' "$copy/results.txt" || true)
  survived=$(grep -c ': ' "$copy/survivors.txt" || true)
  killed=$((total - survived))
  [ "$total" -gt 0 ] || { echo "$module: no mutants, see $copy/mutmut-run.log" >&2; continue; }
  awk -v m="$module" -v k="$killed" -v t="$total" \
    'BEGIN { printf "%s %d/%d %.1f%%\n", m, k, t, (t ? 100 * k / t : 0) }'
done
