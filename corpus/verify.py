#!/usr/bin/env python3
"""Sanity checks for the labeled corpus (independent of the scanner).

    python3 corpus/verify.py

1. every expected.tsv row points at an existing positives/ file and a line that
   really holds a value of the shape its rule describes;
2. no line carries two labels;
3. every prefix-shaped secret found in positives/ sits on a labeled line;
4. nothing in decoys/ is a structurally valid secret of a prefix-shaped rule
   (JWT header with "alg", GitHub CRC, AWS key without EXAMPLE, ...);
5. JSON / notebook files parse.
Exits non-zero on any problem.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sys
import zlib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def b64u_json(seg: str):
    try:
        raw = base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4))
        return json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def jwt_ok(tok: str) -> bool:
    parts = tok.split(".")
    if len(parts) != 3:
        return False
    h, p = b64u_json(parts[0]), b64u_json(parts[1])
    return isinstance(h, dict) and "alg" in h and isinstance(p, dict)


def gh_crc_ok(tok: str) -> bool:
    body, check = tok[4:34], tok[34:40]
    n = zlib.crc32(body.encode()) & 0xFFFFFFFF
    s = ""
    while n:
        n, r = divmod(n, 62)
        s = B62[r] + s
    return s.rjust(6, "0") == check


def glc_ok(tok: str) -> bool:
    try:
        return isinstance(json.loads(base64.b64decode(tok[4:] + "=" * (-len(tok[4:]) % 4))), dict)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False


def es_key_ok(v: str) -> bool:
    try:
        return re.fullmatch(r"[\w-]{16,}:[\w-]{16,}", base64.b64decode(v).decode()) is not None
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False


def mixed(v: str, n: int) -> bool:
    classes = sum([any(c.islower() for c in v), any(c.isupper() for c in v),
                   any(c.isdigit() for c in v), any(not c.isalnum() for c in v)])
    return len(v) >= n and classes >= 3


NB = r"(?<![A-Za-z0-9])"   # left boundary for alnum tokens
NA = r"(?![A-Za-z0-9])"
# value after a name: `= "v"`, `: v`, `: str = "v"` (Python annotation), `= []byte("v")` (Go)
PW = r"""(?:[A-Za-z]+\s*=\s*)?(?:\[\]byte\()?['"]?([^'"\s,;&)]+)"""

# rule -> (regex whose group 1 is the value, extra predicate)
LINE_CHECKS = {
    "binance-api-key": (NB + r"([A-Za-z0-9]{64})" + NA, None),
    "binance-secret-key": (NB + r"([A-Za-z0-9]{64})" + NA, None),
    "telegram-bot-token": (r"(?<![0-9])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])", None),
    "telegram-api-hash": (r"(?i:api_?hash)\W+" + NB + r"([0-9a-f]{32})" + NA, None),
    "jwt": (r"(eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)", jwt_ok),
    # the name may be split over YAML levels (app: / jwt: / secret:)
    "jwt-secret": (r"(?i:secret|signing_key)\w*['\"]?\s*[:=]\s*" + PW, lambda v: len(v) >= 24),
    "aws-access-key-id": (NB + r"((?:AKIA|ASIA)[A-Z2-7]{16})" + NA, None),
    "aws-secret-access-key": (r"(?i:aws_secret_access_key)\W+([A-Za-z0-9+/]{40})(?![A-Za-z0-9+/])", None),
    "github-token": (NB + r"(gh[pousr]_[A-Za-z0-9]{36})" + NA, None),
    "github-fine-grained-pat": (r"(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + NA, None),
    "gitlab-token": (r"(glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])", None),
    "slack-token": (r"(xox[bp]-[0-9]+-[0-9]+(?:-[0-9]+)?-[A-Za-z0-9]{24,})", None),
    "slack-webhook": (r"(https://hooks\.slack\.com/services/T[A-Z0-9]{8,11}/B[A-Z0-9]{8,11}/[A-Za-z0-9]{24})", None),
    "openai-api-key": (r"(sk-proj-[A-Za-z0-9_-]{100,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})", None),
    "anthropic-api-key": (r"(sk-ant-api03-[A-Za-z0-9_-]{93}AA)", None),
    "private-key": (r"(-----BEGIN (?:RSA |EC |OPENSSH |ENCRYPTED |DSA )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----)", None),
    "database-url-password": (r"(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|rediss?|amqps?)://[^:/@\s]*:([^@\s]+)@", lambda v: len(v) >= 12 and "$" not in v),
    "jdbc-password": (r"jdbc:[a-z]+://\S*[?&;]password=([^&\s]+)", lambda v: len(v) >= 12 and "$" not in v),
    "kafka-jaas-password": (r"LoginModule required .*password=\"([^\"]+)\"", lambda v: len(v) >= 12 and "$" not in v),
    "spring-password": (r"password\s*[:=]\s*" + PW, lambda v: len(v) >= 10 and "$" not in v),
    "elasticsearch-password": (r"(?i:elastic(?:search)?[\w.-]*password|password)\W+" + PW, lambda v: len(v) >= 12),
    "elasticsearch-api-key": (r"(?i:es_api_key|elasticsearch\.api-key|ApiKey)\W+([A-Za-z0-9+/=]{40,})", es_key_ok),
    "grafana-service-account-token": (r"(glsa_[A-Za-z0-9]{32}_[0-9a-f]{8})", None),
    "grafana-cloud-token": (r"(glc_[A-Za-z0-9+/=]{40,})", glc_ok),
    "pagerduty-api-key": (r"(?i:pagerduty|pd_)\w*\W+(?:default\s*=\s*)?['\"]?([A-Za-z0-9_+-]{20})(?![A-Za-z0-9_+-])", None),
    "opsgenie-api-key": (r"(?i:opsgenie)\w*\W+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", None),
    "vault-token": (r"(hvs\.[A-Za-z0-9_-]{90,}|VAULT_TOKEN=s\.[A-Za-z0-9]{24})", None),
    "age-secret-key": (r"(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})", None),
    "gcp-service-account": (r"\"private_key\":\s*\"(-----BEGIN PRIVATE KEY-----\\n[A-Za-z0-9+/=\\n]+-----END PRIVATE KEY-----\\n)\"", None),
    "stripe-secret-key": (r"((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,99})" + NA, None),
    "generic-secret": ([
        # NAME = value, NAME: value, define('NAME', 'value'), $c['NAME'] = 'value', NAME <- 'value'
        r"(?i:password|passwd|secret|token|api_?key|access_key|auth_token|client_secret|private_?key|credentials)"
        r"\w*['\"]?\]?\s*(?:[:=,]|<-)\s*(?:&(?:'static\s+)?[a-z]+\s*=\s*)?" + PW,
        # a `value:` / value="..." under a name given just before (k8s env, ECS, appSettings)
        r"(?i:value)['\"]?\s*[:=]\s*" + PW,
        r"(?i:bearer|token|basic)\s+([A-Za-z0-9_\-+/=.~]{16,})",
        r"(?:-u|--user)\s+[^\s:]+:([^\s'\"]+)",
        r"auth=\(\s*['\"][^'\"]+['\"]\s*,\s*['\"]([^'\"]+)['\"]",
    ], lambda v: mixed(v, 12) or re.fullmatch(r"(?:0x)?[0-9a-f]{32,64}", v) is not None),
    "url-password": (r"[a-z+]+://[^:@/\s]+:([^@\s]+)@", lambda v: mixed(v, 10)),
}

# prefix-shaped rules that can be found without any context
STRONG = {
    "telegram-bot-token": LINE_CHECKS["telegram-bot-token"],
    "jwt": LINE_CHECKS["jwt"],
    "aws-access-key-id": LINE_CHECKS["aws-access-key-id"],
    "github-token": LINE_CHECKS["github-token"],
    "github-fine-grained-pat": LINE_CHECKS["github-fine-grained-pat"],
    "gitlab-token": LINE_CHECKS["gitlab-token"],
    "slack-token": LINE_CHECKS["slack-token"],
    "slack-webhook": LINE_CHECKS["slack-webhook"],
    "openai-api-key": LINE_CHECKS["openai-api-key"],
    "anthropic-api-key": LINE_CHECKS["anthropic-api-key"],
    "private-key": LINE_CHECKS["private-key"],
    "grafana-service-account-token": LINE_CHECKS["grafana-service-account-token"],
    "grafana-cloud-token": LINE_CHECKS["grafana-cloud-token"],
    "vault-token": (r"(hvs\.[A-Za-z0-9_-]{90,})", None),
    "age-secret-key": LINE_CHECKS["age-secret-key"],
    "stripe-secret-key": LINE_CHECKS["stripe-secret-key"],
}


DER_PEM = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY|OPENSSH PRIVATE KEY)-----")


def pem_body_ok(text: str) -> bool:
    """A DER key body starts with 'M' (SEQUENCE), an OpenSSH one with "openssh-key-v1";
    legacy encrypted PEM (armour headers) is ciphertext from the first byte."""
    m = DER_PEM.search(text)
    if not m:
        return True
    rest = text[m.end():m.end() + 400]
    if re.match(r"(?:\\n|\s|['\"`,+])*[A-Za-z-]+:", rest):
        return True
    body = re.search(r"[A-Za-z0-9+/]{40}", rest)
    if not body:
        return False
    if m.group(1).startswith("OPENSSH"):
        return body.group(0).startswith("b3BlbnNzaC1rZXktdjE")
    return body.group(0).startswith("M")


def looks_placeholder(v: str) -> bool:
    core = re.sub(r"^[a-z_]+[_-]|^[0-9]+:", "", v)
    return ("EXAMPLE" in v or len(set(core.lower())) <= 3 or "xxxx" in v.lower()
            or "0123456789abcdef" in v or "abcdef123456" in v)


def read_lines(p: Path) -> list[str]:
    return p.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").split("\n")


def main() -> int:
    errors: list[str] = []
    rows = []
    for n, raw in enumerate((HERE / "expected.tsv").read_text().splitlines(), 1):
        if not raw or raw.startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 3:
            errors.append(f"expected.tsv:{n}: malformed row {raw!r}")
            continue
        path, line, rule = parts
        rows.append((path, int(line), rule))

    seen = Counter((p, l) for p, l, _ in rows)
    for (p, l), c in seen.items():
        if c > 1:
            errors.append(f"{p}:{l}: {c} labels on one line")

    labeled = defaultdict(dict)
    invalid_gh = []
    for path, line, rule in rows:
        fp = HERE / path
        if not path.startswith("positives/") or not fp.is_file():
            errors.append(f"{path}: not a positives file")
            continue
        lines = read_lines(fp)
        if not 1 <= line <= len(lines):
            errors.append(f"{path}:{line}: line out of range")
            continue
        text = lines[line - 1]
        rx, pred = LINE_CHECKS[rule]
        vals = [m.group(1) for r in ([rx] if isinstance(rx, str) else rx) for m in re.finditer(r, text)]
        vals = [v for v in vals if pred is None or pred(v)]
        if not vals:
            errors.append(f"{path}:{line}: no {rule} value on line: {text[:100]!r}")
        if rule == "github-token" and vals and not gh_crc_ok(vals[0]):
            invalid_gh.append(f"{path}:{line}")
        labeled[path][line] = rule

    # 3. prefix-shaped secrets in positives must be labeled
    for fp in sorted((HERE / "positives").rglob("*")):
        if not fp.is_file():
            continue
        rel = fp.relative_to(HERE).as_posix()
        for i, text in enumerate(read_lines(fp), 1):
            for rule, (rx, pred) in STRONG.items():
                for m in re.finditer(rx, text):
                    if pred and not pred(m.group(1)):
                        continue
                    if i not in labeled[rel]:
                        errors.append(f"{rel}:{i}: unlabeled {rule}")

    # 4. decoys hold no structurally valid prefix-shaped secret
    decoy_files = [fp for fp in sorted((HERE / "decoys").rglob("*")) if fp.is_file()]
    for fp in decoy_files:
        rel = fp.relative_to(HERE).as_posix()
        for i, text in enumerate(read_lines(fp), 1):
            for rule, (rx, pred) in STRONG.items():
                for m in re.finditer(rx, text):
                    v = m.group(1)
                    if pred and not pred(v):
                        continue
                    if rule == "github-token" and not gh_crc_ok(v):
                        continue
                    if rule == "private-key" and not pem_body_ok("\n".join(read_lines(fp)[i - 1:])):
                        continue
                    if looks_placeholder(v):
                        continue
                    errors.append(f"{rel}:{i}: decoy file holds a valid-looking {rule}: {v[:40]}")

    # 5. structured files parse
    for fp in list((HERE / "positives").rglob("*")) + decoy_files:
        if fp.suffix in (".json", ".ipynb"):
            try:
                json.loads(fp.read_bytes().decode("utf-8-sig"))
            except ValueError as e:
                errors.append(f"{fp.relative_to(HERE)}: bad JSON: {e}")

    decoy_rows = [l for l in (HERE / "decoys.tsv").read_text().splitlines() if l and not l.startswith("#")]
    for l in decoy_rows:
        p, n, _ = l.split("\t")
        if not (HERE / p).is_file() or int(n) > len(read_lines(HERE / p)):
            errors.append(f"decoys.tsv: bad row {l}")

    per_rule = Counter(r for _, _, r in rows)
    pos_files = [fp for fp in (HERE / "positives").rglob("*") if fp.is_file()]
    print(f"positive files: {len(pos_files)}, decoy files: {len(decoy_files)}")
    print(f"labeled secrets: {len(rows)} across {len(per_rule)} rules; decoy cases: {len(decoy_rows)}")
    for rule, n in sorted(per_rule.items(), key=lambda t: (-t[1], t[0])):
        print(f"  {rule:32} {n}")
    if invalid_gh:
        print("github tokens with a deliberately wrong checksum:", ", ".join(invalid_gh))
    for e in errors:
        print("ERROR", e)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
