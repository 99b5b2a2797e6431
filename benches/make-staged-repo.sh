#!/usr/bin/env bash
# Generate a large, deterministic git repository with a typical commit staged, for
# benchmarking `keywarden staged` (the pre-commit hook) against `git diff --cached`.
#
# usage: make-staged-repo.sh OUTPUT_DIR FILES
#
# One commit adds FILES small source-like files (Rust, Python, JavaScript, YAML), a hundred
# to a folder, in folders two levels deep (pkg_NN/mod_NNN/), so the trees look like a real
# monorepo's rather than a few huge flat folders. The work tree is checked out, then a
# typical change is staged with `git add`: four files edited (a few lines replaced and
# appended), one new file, one file deleted. Nothing staged looks like a credential.
# Output is the same for the same arguments.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 OUTPUT_DIR FILES" >&2
    exit 2
fi
out=$1
files=$2
if ! [[ $files =~ ^[1-9][0-9]*$ ]] || ((files < 10)); then
    echo "error: FILES must be an integer of at least 10" >&2
    exit 2
fi
if [[ -e $out ]]; then
    echo "error: $out already exists" >&2
    exit 1
fi

git init -q -b main "$out"
export LC_ALL=C

awk -v files="$files" '
function rnd(n) { return int(rand() * n) }
function pick(list,    parts, k) { k = split(list, parts, " "); return parts[rnd(k) + 1] }
function ident() {
    return pick("user order account session cache buffer client server request response " \
                "handler router queue worker payload record index cursor batch") \
           "_" pick("id count name list map size state limit path value total offset")
}
function body(ext, f,    s, i, n) {
    n = 8 + rnd(30)
    if (ext == "py") s = "\"\"\"Module " f ".\"\"\"\nimport os\n"
    else if (ext == "rs") s = "//! Module " f ".\nuse std::collections::HashMap;\n"
    else if (ext == "js") s = "// Module " f "\n\"use strict\";\n"
    else s = "# Configuration " f "\nservice:\n"
    for (i = 0; i < n; i++) {
        if (ext == "yaml") s = s "  " ident() ": " pick("true false 8080 info 30s") "\n"
        else s = s "    " ident() " = " ident() pick(".len() .clone() +1 .get(0)") "\n"
    }
    return s
}
BEGIN {
    srand(7)
    split("rs py js yaml", exts, " ")
    t = 1600000000
    printf "commit refs/heads/main\nmark :1\n"
    printf "author ada <ada@example.com> %d +0000\ncommitter ada <ada@example.com> %d +0000\n", t, t
    msg = "Import " files " files"
    printf "data %d\n%s\n", length(msg), msg
    for (f = 0; f < files; f++) {
        ext = exts[f % 4 + 1]
        dir = sprintf("pkg_%02d/mod_%03d", int(f / 10000), int(f / 100) % 100)
        s = body(ext, f)
        printf "M 100644 inline %s/file_%d.%s\ndata %d\n%s\n", dir, f, ext, length(s), s
    }
    printf "\n"
}
' | git -C "$out" fast-import --quiet

git -C "$out" reset -q --hard main

# The staged change: four edits spread over the tree, a new file and a deletion.
cd "$out"
mapfile -t picks < <(git ls-files | awk -v s=$((files / 5)) '(NR - 1) % s == int((NR - 1) / s)' | head -5)
for p in "${picks[@]:0:4}"; do
    sed -i '3s/.*/    retry_count = retry_count + 1/' "$p"
    printf '    backoff_ms = backoff_ms * 2\n    log_level = "debug"\n' >>"$p"
done
new_dir=$(dirname "${picks[0]}")
printf '"""Retry helpers."""\n\ndef backoff(attempt):\n    return min(2 ** attempt, 60)\n' \
    >"$new_dir/retry.py"
git rm -q "${picks[4]}"
git add -A
echo "created $out: $(git ls-files | wc -l) files in the index," \
    "$(git diff --cached --name-only | wc -l) staged paths"
