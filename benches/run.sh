#!/usr/bin/env bash
# Speed benchmarks of the whole tool, each measured beside its floor in the same run.
#
# usage: benches/run.sh [BENCH...]
#
#   scan      keywarden scan on big folders of real source vs the same walk reading every file
#   staged    keywarden staged on a 100,000-file repository vs git diff --cached
#   history   keywarden history on 5,000 commits / 50,000 blobs vs reading every object
#   worst     worst cases: one 100 MiB line, keyword hits only, 100,000 tiny files, a 1 GiB
#             blob in history; time and peak RSS at two sizes each
#   engine    the criterion engine bench (keywarden vs a memchr floor, per input)
#   rules     each built-in rule alone on the keyword-hits file (which rules cost what)
#   profile   perf profiles of keywarden and its floor, per case in PROFILE_CASE="hits scan
#             staged" (cases: hits, line, scan, staged, history)
#   all       scan staged history worst engine rules
#
# With no argument: scan staged history worst. See benches/README.md for what is measured and
# the last figures. Results (Markdown tables, raw hyperfine JSON, logs) go to $WORK/results.
#
# Environment:
#   WORK=/tmp/keywarden-bench   generated inputs and results (several GiB for `worst`)
#   BUILD=1                     build keywarden and the floors, then copy them to $WORK/bin
#                               (0: use the copies there, or copy what target/ holds)
#   RUNS=10 WARMUP=2            hyperfine runs per command (scan, staged, history)
#   WORST_RUNS=3                runs per command in `worst` (median time, max RSS)
#   SCAN_DIRS="DIR..."          folders for `scan` (default: the cargo registry's source
#                               folder and Python's site-packages, where they exist)
#   BIG_BLOB_MIB=1024           size of the big history blob (its half is measured too)
#   QUIET_LOAD=                 if set (e.g. 0.5), wait up to QUIET_WAIT=900 s before each
#                               benchmark for the 1-minute load average to drop below it
#
# Needs: hyperfine, jq, git, GNU time (/usr/bin/time), openssl or /dev/urandom; perf for
# `profile`. Debian: apt-get install hyperfine jq time linux-perf.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-/tmp/keywarden-bench}
BUILD=${BUILD:-1}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
WORST_RUNS=${WORST_RUNS:-3}
BIG_BLOB_MIB=${BIG_BLOB_MIB:-1024}
QUIET_WAIT=${QUIET_WAIT:-900}
PROFILE_CASE=${PROFILE_CASE:-hits scan staged}

bin=$WORK/bin
data=$WORK/data
res=$WORK/results
mkdir -p "$bin" "$data" "$res"
export LC_ALL=C
# Generated repositories must not see the user's git config (hooks, pagers, signing).
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

die() {
    echo "run.sh: $*" >&2
    exit 1
}

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install $tool)"
    done
}

# --- binaries ------------------------------------------------------------------------------

# Builds keywarden and the two floors, then copies them to $WORK/bin, so that a concurrent
# build in the shared target folder cannot swap a binary in the middle of a run.
build() {
    if [[ $BUILD == 1 ]]; then
        (
            cd "$root"
            # --bin as well: with only --example, cargo builds no binary of -p keywarden.
            cargo build --release -p keywarden --bin keywarden \
                -p keywarden-git --example read-all-objects
            cargo build --release --manifest-path benches/floor/Cargo.toml \
                --target-dir "$root/target"
        )
    fi
    local t=$root/target/release
    if [[ $BUILD == 1 || ! -x $bin/keywarden || ! -x $bin/walk-read || ! -x $bin/read-all-objects ]]; then
        for f in "$t/keywarden" "$t/walk-read" "$t/examples/read-all-objects"; do
            [[ -x $f ]] || die "$f is not built (run with BUILD=1)"
            cp -p "$f" "$bin/"
        done
        echo "commit $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')$(
            git -C "$root" status --porcelain -- crates patterns Cargo.toml Cargo.lock |
                awk '{printf "%s%s", n++ ? ", " : " (uncommitted: ", $2} END {if (n) printf ")"}')," \
            "built $(date -u -r "$t/keywarden" '+%F %T') UTC" >"$bin/VERSION"
    fi
    {
        echo "keywarden: $(cat "$bin/VERSION" 2>/dev/null || echo '?')"
        echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo))," \
            "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM," \
            "kernel $(uname -r); hyperfine $(hyperfine --version | awk '{print $2}')," \
            "git $(git --version | awk '{print $3}')"
    } >"$res/build.txt"
    cat "$res/build.txt"
}

K=$bin/keywarden

# --- machine state and helpers -------------------------------------------------------------

machine_state() {
    local cpu_some
    cpu_some=$(awk '/^some/ {sub("avg10=", "", $2); print $2}' /proc/pressure/cpu 2>/dev/null || true)
    echo "load average $(cut -d' ' -f1-3 /proc/loadavg), CPU pressure avg10 ${cpu_some:-?}%;" \
        "busiest processes: $(top -b -n1 -o %CPU 2>/dev/null | awk 'NR > 7 && $9 + 0 >= 5 \
            {printf "%s %s%%, ", $12, $9}' | sed 's/, $//')"
}

wait_quiet() {
    [[ -n ${QUIET_LOAD:-} ]] || return 0
    local waited=0
    while awk -v max="$QUIET_LOAD" '{exit !($1 >= max)}' /proc/loadavg; do
        ((waited >= QUIET_WAIT)) && {
            echo "(load still $(cut -d' ' -f1 /proc/loadavg) after ${QUIET_WAIT}s; measuring anyway)"
            return 0
        }
        sleep 10
        waited=$((waited + 10))
    done
}

# Starts a results section: a heading and the machine state before measuring.
section() {
    local id=$1 title=$2
    wait_quiet
    cur=$res/$id.md
    {
        echo "### $title"
        echo
        echo "Before: $(machine_state)"
        echo
    } >"$res/$id.md"
}

finish() {
    local id=$1
    {
        echo
        echo "After: $(machine_state)"
        echo
    } >>"$res/$id.md"
    cat "$res/$id.md"
}

# hf ID BYTES NFLOORS NAME CMD [NAME CMD...]
# Runs the commands in one hyperfine invocation (no shell, output discarded, warm cache) and
# appends a table to the current section: median and min wall time, mean CPU time (user +
# system: less disturbed than wall time when other work shares the cores), MiB/s of BYTES at
# the median, and the ratio of each median to each of the first NFLOORS commands (the
# floors). HF_SORT=true lists the other commands slowest first.
hf() {
    local id=$1 bytes=$2 nfloors=$3
    shift 3
    local args=()
    while (($#)); do
        args+=(--command-name "$1" "$2")
        shift 2
    done
    if ! hyperfine --shell=none --ignore-failure --style basic --warmup "$WARMUP" \
        --runs "$RUNS" --export-json "$res/$id.json" "${args[@]}" >"$res/$id.log" 2>&1; then
        cat "$res/$id.log" >&2
        die "hyperfine failed for $id"
    fi
    jq -r --argjson bytes "$bytes" --argjson n "$nfloors" --argjson sort "${HF_SORT:-false}" '
        # Fixed-point text with d decimals (jq has no printf).
        def fix(d): (. * pow(10; d) | round) as $x | ($x | tostring) as $s
            | if d == 0 then $s
              else ("0" * ([d + 1 - ($s | length), 0] | max) + $s) as $p
              | $p[:($p | length) - d] + "." + $p[($p | length) - d:] end;
        def secs: if . < 1 then "\(. * 1000 | fix(1)) ms" else "\(fix(2)) s" end;
        .results as $all | ($all[:$n] | map(.command)) as $fnames
        | ($all[:$n] | map(.median)) as $floors
        | "| command | median | min | CPU | MiB/s | " + ($fnames | map("× `\(.)`") | join(" | ")) + " |",
          "|---|--:|--:|--:|--:|" + ($floors | map("--:") | join("|")) + "|",
          (($all[:$n] + ($all[$n:] | if $sort then sort_by(-.median) else . end))[] | . as $x
            | "| `\(.command)` | \(.median | secs) | \(.min | secs) | \(.user + .system | secs) | "
              + (if $bytes > 0 then ($bytes / 1048576 / $x.median | fix(1)) else "–" end)
              + " | " + ($floors | map($x.median / . | fix(2)) | join(" | ")) + " |")
    ' "$res/$id.json" >>"$cur"
    if [[ ${HF_LIST:-true} == true ]]; then
        {
            echo
            for ((i = 0; i < ${#args[@]}; i += 3)); do
                echo "- \`${args[i + 1]}\`: \`${args[i + 2]//$WORK/\$WORK}\`"
            done
            echo
        } >>"$cur"
    fi
}

# tv ID NAME CMD [NAME CMD...]
# Runs each command WORST_RUNS times under /usr/bin/time -v, interleaved (all commands once,
# then again), and appends rows: median wall time, max RSS. The first command is the floor.
tv() {
    local id=$1
    shift
    local names=() cmds=()
    while (($#)); do
        names+=("$1")
        cmds+=("$2")
        shift 2
    done
    local out=$res/$id.time
    : >"$out"
    : >"$res/$id.stderr"
    local run i cmd t0 t1
    for ((run = 0; run < WORST_RUNS; run++)); do
        for i in "${!cmds[@]}"; do
            read -ra cmd <<<"${cmds[i]}"
            # Wall time from the shell's microsecond clock (time -v rounds to 10 ms).
            t0=$EPOCHREALTIME
            /usr/bin/time -v -o "$res/.time" "${cmd[@]}" >/dev/null 2>"$res/.stderr" || true
            t1=$EPOCHREALTIME
            awk -v name="${names[i]}" -v t0="$t0" -v t1="$t1" '
                /Maximum resident set size/ { rss = $NF }
                /Exit status/ { status = $NF }
                END { printf "%s\t%.4f\t%d\t%s\n", name, t1 - t0, rss, status }
            ' "$res/.time" >>"$out"
            cat "$res/.stderr" >>"$res/$id.stderr"
        done
    done
    # Median time and max RSS per command, in the order given; ratio to the first.
    awk -F'\t' '
        { t[$1] = t[$1] " " $2; if ($3 > rss[$1]) rss[$1] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
          if ($4 != 0 && $4 != 1) bad[$1] = $4 }
        function median(list,    a, k, i, j, x) {
            k = split(list, a, " ")
            for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
        }
        END {
            floor = median(t[order[1]])
            for (i = 1; i <= n; i++) {
                m = median(t[order[i]])
                printf "%s\t%.3f\t%.1f\t%.2f\t%s\n", order[i], m, rss[order[i]] / 1024, (floor > 0 ? m / floor : 0), bad[order[i]]
            }
        }
    ' "$out" >"$out.summary"
    rm -f "$res/.time" "$res/.stderr"
}

# --- inputs --------------------------------------------------------------------------------

# N bytes of deterministic pseudo-random data (AES-CTR keystream), /dev/urandom without openssl.
random_bytes() {
    if command -v openssl >/dev/null; then
        # openssl dies of SIGPIPE when head has enough: not an error.
        { openssl enc -aes-128-ctr -nosalt -K 6b657977617264656e62656e63680000 \
            -iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null || true; } |
            head -c "$1"
    else
        head -c "$1" /dev/urandom
    fi
}

# One line of base64 text, no newline: a huge data URI or minified bundle, with the odd
# keyword (`key`, `eyJ`, `bot`, `pwd`...) wherever the random letters spell one.
make_single_line() {
    local mib=$1 f=$data/line-${1}M.txt
    [[ -s $f ]] || random_bytes $((mib * 1048576 * 3 / 4)) | base64 -w0 >"$f"
    echo "$f"
}

# Nothing but keyword hits: lines of `token=`, `secret=`, `eyJ`, `:AA`, `password=`, ...
# fragments, each followed by 0-15 random letters and digits, so that every keyword starts
# a regex window and many windows hold a candidate that reaches the entropy check.
make_hits() {
    local mib=$1 f=$data/hits-${1}M.txt
    if [[ ! -s $f ]]; then
        awk -v bytes=$((mib * 1048576)) '
            BEGIN {
                srand(11)
                k = split("token= secret= eyJ :AA password= api_key= key= bot " \
                          "Bearer AKIA ghp_ xoxb- sk-ant- hvs. jdbc: postgres:// vault jwt", frag, " ")
                alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                while (n < bytes) {
                    line = ""
                    while (length(line) < 100) {
                        line = line frag[int(rand() * k) + 1]
                        m = int(rand() * 16)
                        for (i = 0; i < m; i++) line = line substr(alnum, int(rand() * 62) + 1, 1)
                    }
                    print line
                    n += length(line) + 1
                }
            }' >"$f"
    fi
    echo "$f"
}

# COUNT tiny files (one short line each), a thousand to a folder.
make_tiny() {
    local count=$1 d=$data/tiny-$1
    if [[ ! -d $d ]]; then
        mkdir -p "$d.tmp"
        local dirs=$(((count + 999) / 1000)) i
        for ((i = 0; i < dirs; i++)); do
            mkdir "$d.tmp/d$i"
            seq 1 1000 | awk -v d="$i" '{print "value_" d "_" $1 " = " $1}' |
                split -l 1 -a 3 -d - "$d.tmp/d$i/f"
        done
        mv "$d.tmp" "$d"
    fi
    echo "$d"
}

# A repository with one commit holding one MIB-MiB text file (base64, 76 columns).
make_blob_repo() {
    local mib=$1 r=$data/blob-${1}M
    if [[ ! -d $r ]]; then
        rm -rf "$r.tmp"
        git init -q -b main "$r.tmp"
        # 57 bytes make one 76-column line of base64 and its newline: 77 bytes (whole lines).
        # shellcheck disable=SC2017
        random_bytes $((mib * 1048576 / 77 * 57)) | base64 -w76 >"$data/blob.txt"
        local blob tree commit
        blob=$(git -C "$r.tmp" hash-object -w "$data/blob.txt")
        rm -f "$data/blob.txt"
        tree=$(printf '100644 blob %s\tbundle.txt\n' "$blob" | git -C "$r.tmp" mktree)
        commit=$(GIT_AUTHOR_DATE='1600000000 +0000' GIT_COMMITTER_DATE='1600000000 +0000' \
            git -C "$r.tmp" -c user.name=ada -c user.email=ada@example.com \
            commit-tree -m "Add a big bundle" "$tree")
        git -C "$r.tmp" update-ref refs/heads/main "$commit"
        mv "$r.tmp" "$r"
    fi
    echo "$r"
}

# --- benchmarks ----------------------------------------------------------------------------

default_scan_dirs() {
    local cargo_home=${CARGO_HOME:-$HOME/.cargo} site
    [[ -d $cargo_home/registry/src ]] && echo "$cargo_home/registry/src"
    if command -v python3 >/dev/null; then
        site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null || true)
        [[ -n $site && -d $site ]] && echo "$site"
    fi
    return 0
}

bench_scan() {
    local dirs dir n=0
    if [[ -n ${SCAN_DIRS:-} ]]; then read -ra dirs <<<"$SCAN_DIRS"; else mapfile -t dirs < <(default_scan_dirs); fi
    ((${#dirs[@]})) || die "no folder to scan: set SCAN_DIRS"
    section scan "keywarden scan (warm cache)"
    for dir in "${dirs[@]}"; do
        n=$((n + 1))
        local floor_out kw_out bytes files
        floor_out=$("$bin/walk-read" "$dir")
        kw_out=$("$K" scan --no-config "$dir" 2>&1 || true)
        bytes=$(sed -n 's/^read [0-9]* text files, \([0-9]*\) bytes.*/\1/p' <<<"$floor_out")
        files=$(sed -n 's/^read \([0-9]*\) text files.*/\1/p' <<<"$floor_out")
        {
            echo "**${dir/#$HOME/\~}**: $files text files, $((bytes / 1048576)) MiB (walk-read: $floor_out)."
            echo "keywarden: $(grep '^scanned' <<<"$kw_out" || echo '?')"
            echo
        } >>"$res/scan.md"
        grep -q "^scanned $files files" <<<"$kw_out" ||
            echo "WARNING: keywarden and the floor did not read the same files" >>"$res/scan.md"
        hf "scan-$n-j1" "$bytes" 1 \
            "walk-read -j1" "$bin/walk-read -j1 $dir" \
            "keywarden scan -j1" "$K scan --no-config -j1 $dir"
        hf "scan-$n-all" "$bytes" 1 \
            "walk-read" "$bin/walk-read $dir" \
            "keywarden scan" "$K scan --no-config $dir"
    done
    finish scan
}

bench_staged() {
    local repo=$data/staged-100k
    [[ -d $repo ]] || bash "$root/benches/make-staged-repo.sh" "$repo" 100000
    section staged "keywarden staged (100,000 files in the index, a typical commit staged)"
    {
        echo "$(git -C "$repo" ls-files | wc -l) files in the index; staged:" \
            "$(git -C "$repo" diff --cached --shortstat)."
        echo "keywarden: $("$K" staged --no-config --repo "$repo" 2>&1 | grep '^scanned' || echo '?')"
        echo
    } >>"$res/staged.md"
    hf staged 0 2 \
        "git diff --cached -p" "git -C $repo diff --cached -p" \
        "git diff --cached --name-only" "git -C $repo diff --cached --name-only" \
        "keywarden staged" "$K staged --no-config --repo $repo"
    finish staged
}

bench_history() {
    local repo=$data/history-5000
    [[ -d $repo ]] || bash "$root/benches/make-history-repo.sh" "$repo" 5000 2000
    section history "keywarden history (5,000 commits, 50,000+ blobs, one pack)"
    local floor_out kw_out bytes
    floor_out=$("$bin/read-all-objects" "$repo")
    kw_out=$("$K" history --no-config --progress never "$repo" 2>&1 || true)
    bytes=$(sed -n 's/^blobs [0-9]* (\([0-9]*\) bytes).*/\1/p' <<<"$floor_out")
    {
        echo "Objects (read-all-objects): $floor_out."
        echo "keywarden: $(grep '^scanned' <<<"$kw_out" || echo '?')"
        echo "MiB/s counts the blob content of the repository ($((bytes / 1048576)) MiB)."
        echo
    } >>"$res/history.md"
    hf history "$bytes" 2 \
        "read-all-objects (gix)" "$bin/read-all-objects $repo" \
        "git cat-file --batch" "git -C $repo cat-file --batch-all-objects --batch" \
        "git cat-file --batch --unordered" "git -C $repo cat-file --batch-all-objects --batch --unordered" \
        "keywarden history -j1" "$K history --no-config --progress never -j1 $repo" \
        "keywarden history" "$K history --no-config --progress never $repo"
    finish history
}

# worst_table TITLE SIZE_SMALL SIZE_BIG UNIT ID_SMALL ID_BIG
# One table with both sizes, and per command the time and RSS ratios big/small.
worst_table() {
    local title=$1 s1=$2 s2=$3 unit=$4 a=$res/worst-$5.time.summary b=$res/worst-$6.time.summary
    {
        echo "**$title**"
        echo
        echo "| command | $s1$unit: time | RSS | × floor | $s2$unit: time | RSS | × floor | time $s2/$s1 | RSS $s2/$s1 |"
        echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
        paste "$a" "$b" | awk -F'\t' '{
            printf "| `%s` | %.3f s | %.0f MiB | %.2f | %.3f s | %.0f MiB | %.2f | %.2f | %.2f |%s\n",
                $1, $2, $3, $4, $7, $8, $9, ($2 > 0 ? $7 / $2 : 0), ($3 > 0 ? $8 / $3 : 0),
                ($5 $10 != "") ? " exit status " $5 " " $10 : ""
        }'
        echo
    } >>"$res/worst.md"
}

bench_worst() {
    local s1=$((BIG_BLOB_MIB / 2)) s2=$BIG_BLOB_MIB big=$((1 << 31))
    local l1 l2 h1 h2 t1 t2 r1 r2
    l1=$(make_single_line 50)
    l2=$(make_single_line 100)
    h1=$(make_hits 8)
    h2=$(make_hits 16)
    t1=$(make_tiny 50000)
    t2=$(make_tiny 100000)
    r1=$(make_blob_repo "$s1")
    r2=$(make_blob_repo "$s2")
    section worst "Worst cases (median of $WORST_RUNS runs, peak RSS from /usr/bin/time -v)"
    echo "Findings: single line $("$K" scan --no-config --max-file-size $big --format json "$l2" | wc -l)," \
        "keyword hits $("$K" scan --no-config --max-file-size $big --format json "$h2" | wc -l)," \
        "big blob $("$K" history --no-config --progress never --max-file-size $big --format json "$r2" | wc -l)" \
        "(JSON lines at the bigger size)." >>"$res/worst.md"
    echo >>"$res/worst.md"

    local f
    for f in "$l1:line-1" "$l2:line-2"; do
        tv "worst-${f#*:}" \
            "walk-read" "$bin/walk-read -j1 --max-file-size $big ${f%%:*}" \
            "keywarden scan" "$K scan --no-config -j1 --max-file-size $big ${f%%:*}"
    done
    worst_table "One line of base64, no newline (keywarden scan, one file)" 50 100 " MiB" line-1 line-2
    for f in "$h1:hits-1" "$h2:hits-2"; do
        tv "worst-${f#*:}" \
            "walk-read" "$bin/walk-read -j1 --max-file-size $big ${f%%:*}" \
            "keywarden scan" "$K scan --no-config -j1 --max-file-size $big ${f%%:*}"
    done
    worst_table "Nothing but keyword hits (keywarden scan, one file)" 8 16 " MiB" hits-1 hits-2
    for f in "$t1:tiny-1" "$t2:tiny-2"; do
        tv "worst-${f#*:}-j1" \
            "walk-read -j1" "$bin/walk-read -j1 ${f%%:*}" \
            "keywarden scan -j1" "$K scan --no-config -j1 ${f%%:*}"
        tv "worst-${f#*:}" \
            "walk-read" "$bin/walk-read ${f%%:*}" \
            "keywarden scan" "$K scan --no-config ${f%%:*}"
    done
    worst_table "Tiny files, one thread (keywarden scan -j1)" 50000 100000 " files" tiny-1-j1 tiny-2-j1
    worst_table "Tiny files, all cores (keywarden scan)" 50000 100000 " files" tiny-1 tiny-2
    for f in "$r1:blob-1" "$r2:blob-2"; do
        tv "worst-${f#*:}" \
            "read-all-objects" "$bin/read-all-objects ${f%%:*}" \
            "git cat-file --batch" "git -C ${f%%:*} cat-file --batch-all-objects --batch" \
            "keywarden history" "$K history --no-config --progress never --max-file-size $big ${f%%:*}"
    done
    worst_table "One big text blob in history (keywarden history)" "$s1" "$s2" " MiB" blob-1 blob-2
    finish worst
}

bench_engine() {
    section engine "Engine (criterion: keywarden vs memchr floor over the same bytes)"
    (cd "$root" && cargo bench -p keywarden-engine --bench engine -- \
        --warm-up-time 1 --measurement-time 3) >"$res/engine.log" 2>"$res/engine.stderr" ||
        { cat "$res/engine.stderr" >&2; die "cargo bench failed"; }
    {
        echo "| input | keywarden | memchr floor | × floor (time) |"
        echo "|---|--:|--:|--:|"
        awk '
            function mib(v, u) { return u ~ /^GiB/ ? v * 1024 : u ~ /^KiB/ ? v / 1024 : u ~ /^B/ ? v / 1048576 : v }
            # A result is its name (alone on a line, or before "time:"), then time and thrpt
            # lines; a "change:" block after them compares with the last saved run: skipped.
            /time:/ && $1 != "time:" { name = $1; for (i = 2; $i != "time:"; i++) name = name " " $i }
            !/^ / && !/time:/ && NF { name = $0 }
            /thrpt:/ && !(name in tp) { for (i = 1; $i != "thrpt:"; i++); tp[name] = mib($(i + 3), $(i + 4)) }
            /time:/ && !(name in t) { for (i = 1; $i != "time:"; i++); t[name] = $(i + 3) " " $(i + 4) }
            name ~ /\/keywarden$/ && !(name in seen) { seen[name] = 1; order[++k] = name }
            END {
                for (j = 1; j <= k; j++) {
                    n = order[j]; g = substr(n, 1, length(n) - length("/keywarden")); f = g "/memchr-floor"
                    sub(/^engine\//, "", g)
                    printf "| %s | %.1f MiB/s | %.0f MiB/s | %.0f |\n", g, tp[n], tp[f], tp[f] / tp[n]
                }
                for (n in t) if (n ~ /compile/) printf "\nCompiling the built-in rules: %s.\n", t[n]
            }
        ' "$res/engine.log"
    } >>"$res/engine.md"
    finish engine
}

# Each built-in rule alone (keywarden scan --no-builtin --rules ONE.toml) on the keyword-hits
# file: which rules a hit-dense input makes expensive.
bench_rules() {
    local f rules=$WORK/rules big=$((1 << 31)) r id args=()
    f=$(make_hits 8)
    rm -rf "$rules"
    mkdir -p "$rules"
    for r in "$root"/patterns/*.toml; do
        awk -v out="$rules/$(basename "$r" .toml)" '
            /^\[\[rules\]\]/ { n++ }
            n { print > (out "-" n ".toml") }' "$r"
    done
    section rules "Each built-in rule alone on 8 MiB of keyword hits (keywarden scan -j1)"
    args=("walk-read" "$bin/walk-read -j1 --max-file-size $big $f"
        "all built-in rules" "$K scan --no-config -j1 --max-file-size $big $f")
    for r in "$rules"/*.toml; do
        id=$(awk -F'"' '/^id *= *"/ {print $2; exit}' "$r")
        args+=("$id" "$K scan --no-config --no-builtin --rules $r -j1 --max-file-size $big $f")
    done
    HF_SORT=true HF_LIST=false RUNS=3 WARMUP=1 hf rules "$(stat -c %s "$f")" 1 "${args[@]}"
    {
        echo
        echo "Each rule: \`keywarden scan --no-config --no-builtin --rules ONE.toml -j1 --max-file-size $big \$WORK/data/hits-8M.txt\`"
        echo "(ONE.toml: that rule's [[rules]] block cut from patterns/)."
    } >>"$cur"
    finish rules
}

bench_profile() {
    need perf
    local case
    for case in $PROFILE_CASE; do
        profile_one "$case"
    done
}

# A flat profile (self time per symbol, perf's cpu-clock sampling) of keywarden on one case
# and of its floor.
profile_one() {
    local case=$1 big=$((1 << 31)) f kw floor name cmd
    case $case in
    hits) f=$(make_hits 16) ;;
    line) f=$(make_single_line 100) ;;
    scan) f=${SCAN_DIRS:-$(default_scan_dirs | sed -n 1p)} ;;
    history) f=$data/history-5000 ;;
    staged) f=$data/staged-100k ;;
    *) die "PROFILE_CASE holds hits, line, scan, staged or history" ;;
    esac
    case $case in
    staged)
        [[ -d $f ]] || bash "$root/benches/make-staged-repo.sh" "$f" 100000
        kw="$K staged --no-config --repo $f"
        floor="git -C $f diff --cached -p"
        ;;
    history)
        [[ -d $f ]] || bash "$root/benches/make-history-repo.sh" "$f" 5000 2000
        kw="$K history --no-config --progress never -j1 $f"
        floor="$bin/read-all-objects $f"
        ;;
    *)
        kw="$K scan --no-config -j1 --max-file-size $big $f"
        floor="$bin/walk-read -j1 --max-file-size $big $f"
        ;;
    esac
    section "profile-$case" "Profile: $case (perf record -e cpu-clock, one thread)"
    for name in keywarden floor; do
        [[ $name == keywarden ]] && cmd=$kw || cmd=$floor
        # shellcheck disable=SC2086 # the command is split on purpose
        perf record -q -e cpu-clock -F 2000 -o "$res/perf-$case-$name.data" -- $cmd \
            >/dev/null 2>&1 || true
        {
            echo "**$name** (\`${cmd//$WORK/\$WORK}\`), self time by symbol:"
            echo
            echo '```'
            perf report -i "$res/perf-$case-$name.data" --no-children --stdio --percent-limit 1 \
                --fields overhead,dso,sym 2>/dev/null | grep -v '^#' | grep -v '^$' | sed 's/ *$//' | head -20
            echo '```'
            echo
        } >>"$cur"
    done
    # Inclusive time (self plus callees) from DWARF call graphs, std and inlining noise left out.
    # A short run (staged) needs a higher rate for enough samples; long ones a lower for size.
    local hz=500
    [[ $case == staged ]] && hz=5000
    # shellcheck disable=SC2086 # the command is split on purpose
    perf record -q -e cpu-clock -F "$hz" --call-graph dwarf,16384 -o "$res/perf-$case-graph.data" \
        -- $kw >/dev/null 2>&1 || true
    {
        echo "**keywarden**, inclusive time (self and callees) of its own and its crates' functions:"
        echo
        echo '```'
        perf report -i "$res/perf-$case-graph.data" --children --stdio --percent-limit 4 \
            --sort sym -g none 2>/dev/null | grep -v '^#' | grep -v '^$' |
            grep -E '(keywarden|regex_automata|aho_corasick|gix|zlib|sha1|ignore)[a-z_]*::' |
            grep -vE '\(inlined\)|FnOnce|backtrace|closure_env|\{\{closure\}\}|walk::Worker::run' |
            sed -e 's/ *$//' -e 's/^\( *[0-9.]*%\) *[0-9.]*% *\[.\] /\1  /' | cut -c1-150 | head -25
        echo '```'
        echo
    } >>"$cur"
    finish "profile-$case"
}

# --- main ----------------------------------------------------------------------------------

benches=("$@")
((${#benches[@]})) || benches=(scan staged history worst)
expanded=()
for b in "${benches[@]}"; do
    [[ $b == all ]] && expanded+=(scan staged history worst engine rules) || expanded+=("$b")
done
benches=("${expanded[@]}")
need hyperfine jq git
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (Debian: apt-get install time)"
build
for b in "${benches[@]}"; do
    case $b in
    scan | staged | history | worst | engine | rules | profile) "bench_$b" ;;
    *) die "unknown benchmark $b (scan, staged, history, worst, engine, rules, profile, all)" ;;
    esac
done
