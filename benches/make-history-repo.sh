#!/usr/bin/env bash
# Generate a large, deterministic git repository for benchmarking history scans.
#
# usage: make-history-repo.sh OUTPUT_DIR COMMITS FILES [CHANGES_PER_COMMIT]
#
# The first commit adds FILES source-like files (Rust, Python, JavaScript, YAML); each later
# commit edits CHANGES_PER_COMMIT (default 10) of them, now and then renaming or deleting one
# and re-adding it. Blobs therefore number about FILES + COMMITS * CHANGES_PER_COMMIT; for
# example `make-history-repo.sh /tmp/big 5000 2000` gives ~52,000 blobs in 5,000 commits.
#
# About one edit in 400 inserts a secret-looking line carrying the marker FAKE_SECRET (none is
# a real credential); later edits may remove such lines again. The whole history is streamed
# into `git fast-import`, so the result is one pack. Output is the same for the same arguments.
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
    echo "usage: $0 OUTPUT_DIR COMMITS FILES [CHANGES_PER_COMMIT]" >&2
    exit 2
fi
out=$1
commits=$2
files=$3
changes=${4:-10}
for n in "$commits" "$files" "$changes"; do
    if ! [[ $n =~ ^[1-9][0-9]*$ ]]; then
        echo "error: COMMITS, FILES and CHANGES_PER_COMMIT must be positive integers" >&2
        exit 2
    fi
done
if [[ -e $out ]]; then
    echo "error: $out already exists" >&2
    exit 1
fi

git init -q -b main "$out"
export LC_ALL=C

awk -v commits="$commits" -v files="$files" -v changes="$changes" '
function rnd(n) { return int(rand() * n) }
function pick(list, sep,    parts, k) {
    k = split(list, parts, sep == "" ? " " : sep)
    return parts[rnd(k) + 1]
}
function ident() {
    return pick("user order account session token cache buffer config client server request " \
                "response handler router queue worker payload record index cursor batch") \
           "_" pick("id count name list map size state limit path key value total offset")
}
function hex(n,    s, i) {
    s = ""
    for (i = 0; i < n; i++) s = s substr("0123456789abcdef", rnd(16) + 1, 1)
    return s
}
function secret_line(ext,    v) {
    v = "FAKE_SECRET_" hex(24)
    if (ext == "py") return "API_KEY = \"" v "\"  # TODO remove before release"
    if (ext == "rs") return "const API_TOKEN: &str = \"" v "\";"
    if (ext == "js") return "const secretKey = \"" v "\";"
    return "  password: \"" v "\""
}
function code_line(ext,    a, b) {
    a = ident(); b = ident()
    if (ext == "py") {
        return "    " a " = " b pick(" + 1| * 2| or None|.get(\"" b "\")|[0]", "|")
    }
    if (ext == "rs") {
        return "    " pick("let|let mut|// let", "|") " " a " = " b \
               pick(".len();|.clone();|?;|.unwrap_or_default();| + 1;", "|")
    }
    if (ext == "js") {
        return "  " pick("const|let|// const", "|") " " a " = " b \
               pick(".length;|?.value;| || {};|.map(x => x + 1);", "|")
    }
    return "  " a ": " pick("true false 8080 \"/var/lib/app\" info 30s \"eu-west-1\"")
}
function header(ext, f) {
    if (ext == "py") return "\"\"\"Module " f ".\"\"\"\nimport os\nimport json\n"
    if (ext == "rs") return "//! Module " f ".\nuse std::collections::HashMap;\n"
    if (ext == "js") return "// Module " f "\n\"use strict\";\n"
    return "# Configuration " f "\nservice:\n"
}
function path_of(f,    ext) {
    ext = exts[f % 4]
    return "src/" pick_dir[f % 7] "/file_" f "." ext
}
function render(f,    s, i) {
    s = header(exts[f % 4], f)
    for (i = 1; i <= nlines[f]; i++) s = s lines[f, i] "\n"
    return s
}
function emit_file(f, path,    s) {
    s = render(f)
    printf "M 100644 inline %s\ndata %d\n%s\n", path, length(s), s
}
function new_file(f,    i, ext) {
    ext = exts[f % 4]
    nlines[f] = 20 + rnd(60)
    for (i = 1; i <= nlines[f]; i++) lines[f, i] = code_line(ext)
}
function edit_file(f,    k, i, ext) {
    ext = exts[f % 4]
    for (k = 0; k < 1 + rnd(3); k++) {
        i = 1 + rnd(nlines[f])
        if (rnd(400) == 0) { lines[f, i] = secret_line(ext); secrets++ }
        else lines[f, i] = code_line(ext)
    }
    if (rnd(3) == 0 && nlines[f] < 400) { nlines[f]++; lines[f, nlines[f]] = code_line(ext) }
}
function commit_header(n, msg,    t) {
    t = 1600000000 + n * 600
    printf "commit refs/heads/main\nmark :%d\n", n
    printf "author %s <%s@example.com> %d +0000\n", authors[n % 5], authors[n % 5], t
    printf "committer %s <%s@example.com> %d +0000\n", authors[n % 5], authors[n % 5], t
    printf "data %d\n%s\n", length(msg), msg
}
BEGIN {
    srand(42)
    split("rs py js yaml", e, " "); exts[0] = e[1]; exts[1] = e[2]; exts[2] = e[3]; exts[3] = e[4]
    split("core api storage net util cli web", d, " ")
    for (i = 0; i < 7; i++) pick_dir[i] = d[i + 1]
    split("ada bob cleo dan eve", a, " ")
    for (i = 0; i < 5; i++) authors[i] = a[i + 1]

    commit_header(1, "Initial import of " files " files")
    for (f = 0; f < files; f++) { new_file(f); path[f] = path_of(f); emit_file(f, path[f]) }
    printf "\n"

    for (n = 2; n <= commits; n++) {
        msg = pick("Fix Refactor Add Update Tidy Rework") " " ident() " handling in " \
              pick("core api storage net util cli web")
        commit_header(n, msg)
        for (k = 0; k < changes; k++) {
            f = rnd(files)
            r = rnd(200)
            if (r == 0) {
                # Rename: same content at a new path.
                old = path[f]; path[f] = "src/moved/" n "_" k "/file_" f "." exts[f % 4]
                printf "R %s %s\n", old, path[f]
            } else if (r == 1) {
                # Delete and re-create with fresh content.
                printf "D %s\n", path[f]
                new_file(f); emit_file(f, path[f])
            } else {
                edit_file(f); emit_file(f, path[f])
            }
        }
        printf "\n"
        if (n % 1000 == 0) printf "reset refs/heads/release-%d\nfrom :%d\n\n", n, n
    }
    printf "progress generated %d commits, %d secret-looking lines inserted\n", commits, secrets
}
' | git -C "$out" fast-import --quiet

git -C "$out" reset -q --hard main
echo "created $out: $(git -C "$out" rev-list --all --count) commits," \
    "$(git -C "$out" count-objects -v | awk '/^in-pack/ {print $2}') packed objects"
