#!/usr/bin/env python3
"""Regenerate the keywarden labeled test corpus.

    python3 corpus/generate.py

Every secret written here is a *generated fake* with the real format, drawn from a
fixed-seed PRNG, so running the script twice gives byte-identical output.

Templates live in gen/positives.py and gen/decoys.py. In a template:

  «rule-id»            is replaced by a fresh fake for that rule and labeled in
                       expected.tsv at the line where the marker starts;
  «rule-id:variant»    the same, with a variant of the value shape;
  «_:kind»             is replaced by an *unlabeled* filler (uuid, commit id, hash, ...);
  ⟦kind⟧               (decoy files) is stripped and recorded in decoys.tsv as one
                       decoy case of that kind at its line; it normally ends a line,
                       but goes in front of a multi-line filler (PEM) so that the
                       case is recorded on the BEGIN line.

Multi-line values (PEM blocks) get the marker line's indentation on every
continuation line, so they can sit in YAML block scalars.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import shutil
import string
import struct
import sys
import uuid
import zlib
from collections import Counter
from pathlib import Path

SEED = 0x6B657977  # "keyw"
rng = random.Random(SEED)

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep gen/__pycache__ out of the corpus

ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase  # 0-9A-Za-z
URLSAFE = ALNUM + "-_"
B64STD = ALNUM + "+/"
HEX = "0123456789abcdef"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
AWS_ID = string.ascii_uppercase + "234567"
SYMS = "!%^*+=._-"
BCRYPT64 = "./" + string.ascii_uppercase + string.ascii_lowercase + string.digits


def pick(alpha: str, n: int) -> str:
    return "".join(rng.choice(alpha) for _ in range(n))


def rbytes(n: int) -> bytes:
    return rng.randbytes(n)


def b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def b64u(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def mixed(n: int, symbols: str = SYMS) -> str:
    """Random string with upper, lower, digit and symbol; first char alphanumeric."""
    while True:
        s = rng.choice(ALNUM) + pick(ALNUM + symbols, n - 1)
        if (any(c.isupper() for c in s) and any(c.islower() for c in s)
                and any(c.isdigit() for c in s) and (not symbols or any(c in symbols for c in s))):
            return s


def digits(n: int) -> str:
    return str(rng.randint(1, 9)) + pick(string.digits, n - 1)


def fake_uuid() -> str:
    return str(uuid.UUID(bytes=rbytes(16), version=4))


def pem_lines(body: bytes, width: int = 64) -> list[str]:
    s = b64(body)
    return [s[i:i + width] for i in range(0, len(s), width)]


def pem(label: str, body: bytes, width: int = 64) -> str:
    return "\n".join([f"-----BEGIN {label}-----", *pem_lines(body, width), f"-----END {label}-----"])


# DER-looking prefixes so bodies start like real keys (the rest is random bytes).
RSA_PREFIX = bytes.fromhex("308204a40201000282010100")
PKCS8_PREFIX = bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8")
ENC_PKCS8_PREFIX = bytes.fromhex("3082052e305806092a864886f70d01050d304b302a06092a864886f70d01050c301d0408")
SPKI_PREFIX = bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00")
CERT_PREFIX = bytes.fromhex("308203a530820290a003020102021400")


def crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def gen_private_key(var: str | None) -> str:
    kind = var or "rsa"
    if kind == "rsa":
        return pem("RSA PRIVATE KEY", RSA_PREFIX + rbytes(1192 - len(RSA_PREFIX)))
    if kind == "pkcs8":
        return pem("PRIVATE KEY", PKCS8_PREFIX + rbytes(1218 - len(PKCS8_PREFIX)))
    if kind == "ec":
        body = (bytes.fromhex("30770201010420") + rbytes(32)
                + bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + rbytes(64))
        return pem("EC PRIVATE KEY", body)
    if kind == "encrypted":
        return pem("ENCRYPTED PRIVATE KEY", ENC_PKCS8_PREFIX + rbytes(1330 - len(ENC_PKCS8_PREFIX)))
    if kind == "openssh":
        body = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none" + rbytes(360)
        return pem("OPENSSH PRIVATE KEY", body, width=70)
    if kind == "pgp":
        body = b"\x95\x03\xc6\x04" + rbytes(1860)
        lines = pem_lines(body)
        crc = b64(crc24(body).to_bytes(3, "big"))
        return "\n".join(["-----BEGIN PGP PRIVATE KEY BLOCK-----", "", *lines, "=" + crc,
                          "-----END PGP PRIVATE KEY BLOCK-----"])
    if kind in ("rsa-pylist", "ec-jsconcat", "pkcs8-pyconcat"):
        # one string literal per PEM line; the template supplies the opening quote of
        # the BEGIN line, continuation lines get the marker line's indentation
        inner = gen_private_key(kind.split("-")[0])
        rows = inner.split("\n")
        if kind == "rsa-pylist":
            return "',\n'".join(rows) + "',"
        if kind == "ec-jsconcat":
            return '\\n" +\n"'.join(rows) + '\\n"'
        return '\\n"\n"'.join(rows) + '\\n"'
    raise ValueError(kind)


WORDS = ["Harbour", "Granite", "Lantern", "Meadow", "Orchid", "Summit", "Falcon", "Juniper",
         "Quarry", "Tundra", "Velvet", "Willow", "Copper", "Ember", "Marble", "Saffron"]


def gen_generic(var: str | None) -> str:
    if var is None:
        return mixed(rng.randint(20, 32))
    if var == "urlsafe":
        return mixed(32, "-_")
    if var == "evm":  # an EVM (Ethereum, BSC) private key: 0x + 32 bytes in hex
        return "0x" + pick(HEX, 64)
    if var == "hex64":
        return pick(HEX, 64)
    if var == "b64plus":  # standard base64 that happens to start with '+'
        while True:
            s = b64(rbytes(rng.choice([30, 33, 36])))
            if s[0] == "+":
                return s
    if var == "dotdigit":  # a word, '.', digits, letters: no other symbol
        return f"{rng.choice(WORDS)}.{digits(4)}{pick(string.ascii_lowercase, 2)}"
    if var == "alnum":
        return mixed(rng.randint(20, 28), "")
    if var == "hex":
        return pick(HEX, rng.choice([32, 40]))
    if var == "django":  # startproject's development key, committed with settings.py
        return "django-insecure-" + pick(string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50)
    if var == "basic":  # HTTP Basic credentials: base64 of user:password
        return b64(f"svc-{rng.choice(['reports', 'fills', 'risk'])}:{mixed(rng.randint(16, 22))}".encode())
    raise ValueError(var)


def gen_gcp(_var) -> str:
    body = PKCS8_PREFIX + rbytes(1218 - len(PKCS8_PREFIX))
    inner = "\\n".join(["-----BEGIN PRIVATE KEY-----", *pem_lines(body), "-----END PRIVATE KEY-----"]) + "\\n"
    return inner


def base62(n: int, width: int) -> str:
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = B62[r] + out
    return out.rjust(width, "0")


def gen_github(var: str | None) -> str:
    prefix = (var or "ghp").split("-")[0]
    body = pick(ALNUM, 30)
    crc = zlib.crc32(body.encode()) & 0xFFFFFFFF
    check = base62(crc, 6)
    if var and var.endswith("-badcrc"):
        # deliberately wrong checksum (documented in README): rotate the checksum chars
        check = check[1:] + check[0]
        if check == base62(crc, 6):
            check = "0" * 6 if check != "000000" else "111111"
    return f"{prefix}_{body}{check}"


JWT_SIG = {"HS256": 32, "HS384": 48, "HS512": 64, "RS256": 256, "RS512": 256,
           "PS256": 256, "ES256": 64, "ES384": 96}
ROLES = [["TRADER"], ["TRADER", "RISK_VIEW"], ["ADMIN"], ["SERVICE"], ["READ_ONLY"],
         ["MARKET_MAKER", "TRADER"], ["OPS"]]
SUBJECTS = ["usr_" + "{n}", "svc-order-router", "svc-market-data", "svc-risk-engine",
            "ops-bot", "grafana-datasource", "desk-mm-2"]


def gen_jwt(var: str | None) -> str:
    alg = (var or "hs256").upper()
    header = {"alg": alg, "typ": "JWT"}
    if alg[:2] in ("RS", "PS", "ES"):
        header["kid"] = pick(HEX, 16)
    iat = 1714000000 + rng.randint(0, 30_000_000)
    sub = rng.choice(SUBJECTS).replace("{n}", digits(7))
    payload = {
        "iss": rng.choice(["https://auth.korvex.io", "https://auth.staging.korvex.io", "korvex-gateway"]),
        "sub": sub,
        "aud": rng.choice(["trading-api", "market-data", "dashboard", "gateway"]),
        "iat": iat,
        "exp": iat + rng.choice([900, 1800, 3600, 86400]),
        "jti": fake_uuid(),
        "roles": rng.choice(ROLES),
    }
    if rng.random() < 0.4:
        payload["desk"] = rng.choice(["spot", "futures", "otc", "mm"])
    seg = lambda o: b64u(json.dumps(o, separators=(",", ":")).encode())
    return f"{seg(header)}.{seg(payload)}.{b64u(rbytes(JWT_SIG[alg]))}"


def gen_jwt_secret(var: str | None) -> str:
    if var == "hex":
        return pick(HEX, 48)
    n = rng.choice([32, 36, 48])
    s = b64(rbytes(n))  # 44 / 48 / 64 chars with + / =
    if len(s) == 64 and s.isalnum():  # never collide with the 64-alnum Binance shape
        return gen_jwt_secret(var)
    return s


def gen_tg_token(_var) -> str:
    return f"{digits(rng.choice([8, 9, 10, 10, 10]))}:AA{pick(URLSAFE, 33)}"


def gen_slack_token(var: str | None) -> str:
    if var == "xoxp":
        return f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{pick(HEX, 32)}"
    return f"xoxb-{digits(12)}-{digits(13)}-{pick(ALNUM, 24)}"


def gen_slack_webhook(_var) -> str:
    up = string.ascii_uppercase + string.digits
    return (f"https://hooks.slack.com/services/T{pick(up, rng.choice([8, 10]))}/"
            f"B{pick(up, rng.choice([8, 10]))}/{pick(ALNUM, 24)}")


def gen_openai(var: str | None) -> str:
    if var == "legacy":
        return f"sk-{pick(ALNUM, 20)}T3BlbkFJ{pick(ALNUM, 20)}"
    return "sk-proj-" + pick(URLSAFE, 156)


def gen_es_api_key(_var) -> str:
    return b64(f"{pick(URLSAFE, 20)}:{pick(URLSAFE, 22)}".encode())


def gen_glc(_var) -> str:
    obj = {"o": digits(6), "n": f"stack-{digits(6)}-hm-write-{rng.choice(['alloy', 'metrics', 'logs'])}",
           "k": pick(ALNUM, 24), "m": {"r": rng.choice(["prod-eu-west-2", "prod-us-east-0"])}}
    return "glc_" + b64(json.dumps(obj, separators=(",", ":")).encode())


def gen_vault(var: str | None) -> str:
    if var == "legacy":
        return "s." + pick(ALNUM, 24)
    return "hvs.CAESI" + pick(URLSAFE, 86)


def gen_stripe(var: str | None) -> str:
    prefix = var or "sk_live"
    n = {"sk_live": 99, "rk_live": 99, "sk_test": 24}[prefix]
    body = "51" + digits(1) + pick(ALNUM, n - 3) if n == 99 else pick(ALNUM, n)
    return f"{prefix}_{body}"


def gen_aws_secret(_var) -> str:
    while True:
        s = pick(B64STD, 40)
        if any(c in "+/" for c in s):
            return s


def gen_pagerduty(_var) -> str:
    return "u+" + pick(ALNUM + "_-", 18)


GENERATORS = {
    "binance-api-key": lambda v: pick(ALNUM, 64),
    "binance-secret-key": lambda v: pick(ALNUM, 64),
    "telegram-bot-token": gen_tg_token,
    "telegram-api-hash": lambda v: pick(HEX, 32),
    "jwt": gen_jwt,
    "jwt-secret": gen_jwt_secret,
    "aws-access-key-id": lambda v: (v or "AKIA") + pick(AWS_ID, 16),
    "aws-secret-access-key": gen_aws_secret,
    "github-token": gen_github,
    "github-fine-grained-pat": lambda v: f"github_pat_{pick(ALNUM, 22)}_{pick(ALNUM, 59)}",
    "gitlab-token": lambda v: "glpat-" + pick(URLSAFE, 20),
    "slack-token": gen_slack_token,
    "slack-webhook": gen_slack_webhook,
    "openai-api-key": gen_openai,
    "anthropic-api-key": lambda v: "sk-ant-api03-" + pick(URLSAFE, 93) + "AA",
    "private-key": gen_private_key,
    "database-url-password": lambda v: mixed(rng.randint(16, 24), "-_~"),
    "jdbc-password": lambda v: mixed(rng.randint(16, 22), "-_~"),
    "kafka-jaas-password": lambda v: mixed(rng.randint(18, 26), "!%^*+=._-"),
    "spring-password": lambda v: mixed(rng.randint(14, 24)),
    "elasticsearch-password": lambda v: mixed(rng.randint(18, 24)),
    "elasticsearch-api-key": gen_es_api_key,
    "grafana-service-account-token": lambda v: f"glsa_{pick(ALNUM, 32)}_{pick(HEX, 8)}",
    "grafana-cloud-token": gen_glc,
    "pagerduty-api-key": gen_pagerduty,
    "opsgenie-api-key": lambda v: fake_uuid(),
    "vault-token": gen_vault,
    "age-secret-key": lambda v: "AGE-SECRET-KEY-1" + pick(BECH32, 58).upper(),
    "gcp-service-account": gen_gcp,
    "stripe-secret-key": gen_stripe,
    "generic-secret": gen_generic,
    "url-password": lambda v: mixed(rng.randint(16, 24), "-_~"),
}


# ---- unlabeled fillers -------------------------------------------------------

def tiny_png(w: int = 12, h: int = 12) -> bytes:
    raw = b"".join(b"\x00" + rbytes(w * 3) for _ in range(h))

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def ssh_pub(kind: str) -> str:
    def s(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b
    if kind == "ed25519":
        return b64(s(b"ssh-ed25519") + s(rbytes(32)))
    return b64(s(b"ssh-rsa") + s(b"\x01\x00\x01") + s(b"\x00" + rbytes(256)))


def sops_enc(n: int | None = None, typ: str = "str") -> str:
    n = n or rng.randint(8, 48)
    return f"ENC[AES256_GCM,data:{b64(rbytes(n))},iv:{b64(rbytes(32))},tag:{b64(rbytes(16))},type:{typ}]"


FILLERS = {
    "uuid": lambda v: fake_uuid(),
    "hex40": lambda v: pick(HEX, 40),
    "hex64": lambda v: pick(HEX, 64),
    "hex32": lambda v: pick(HEX, 32),
    "hex16": lambda v: pick(HEX, 16),
    "hex12": lambda v: pick(HEX, 12),
    "hex7": lambda v: pick(HEX, 7),
    "sha512": lambda v: "sha512-" + b64(rbytes(64)),
    "sha1int": lambda v: "sha1-" + b64(rbytes(20)),
    "h1": lambda v: "h1:" + b64(rbytes(32)),
    "png": lambda v: b64(tiny_png()),
    "ssh-ed25519": lambda v: ssh_pub("ed25519"),
    "ssh-rsa": lambda v: ssh_pub("rsa"),
    "cert": lambda v: pem("CERTIFICATE", CERT_PREFIX + rbytes(905 - len(CERT_PREFIX))),
    "pubkey": lambda v: pem("PUBLIC KEY", SPKI_PREFIX + rbytes(294 - len(SPKI_PREFIX))),
    "pgpmsg": lambda v: "\n".join(["-----BEGIN PGP MESSAGE-----", "", *pem_lines(rbytes(540)),
                                   "=" + b64(rbytes(3)), "-----END PGP MESSAGE-----"]),
    "agemsg": lambda v: "\n".join(["-----BEGIN AGE ENCRYPTED FILE-----", *pem_lines(rbytes(190)),
                                   "-----END AGE ENCRYPTED FILE-----"]),
    "sops": lambda v: sops_enc(int(v) if v else None),
    "sopsint": lambda v: sops_enc(2, "int"),
    "sopsbool": lambda v: sops_enc(4, "bool"),
    "agepub": lambda v: "age1" + pick(BECH32, 58),
    "apiid": lambda v: digits(8),
    "chatid": lambda v: "-100" + digits(10),
    "digits": lambda v: digits(int(v or 10)),
    "alnum": lambda v: pick(ALNUM, int(v or 22)),
    # strings that have the outline of a secret but a wrong shape
    "tg7": lambda v: f"{digits(7)}:AA{pick(URLSAFE, 18)}",
    "jwt-noalg": lambda v: ".".join([
        b64u(json.dumps({"typ": "JWT", "kid": pick(HEX, 8)}, separators=(",", ":")).encode()),
        b64u(json.dumps({"sub": "demo", "iat": 1714000000}, separators=(",", ":")).encode()),
        b64u(rbytes(32))]),
    "jwt-badhdr": lambda v: "eyJ" + pick(ALNUM, 21) + "." + "eyJ" + pick(ALNUM, 30) + "." + pick(URLSAFE, 43),
    # ---- added with gen/realcode.py and gen/idioms.py (appended: earlier draws unchanged)
    "evmaddr": lambda v: "0x" + ("".join(c.upper() if rng.random() < 0.5 else c for c in pick(HEX, 40))
                                 if v == "mixed" else pick(HEX, 40)),
    "b64json": lambda v: b64(json.dumps({"cursor": digits(9), "shard": pick(string.ascii_lowercase, 6),
                                         "limit": rng.choice([10, 50, 100])}).encode()),
    "pem-example": lambda v: pem_example(v),
    "pem-scrambled": lambda v: "\\n".join(["-----BEGIN PRIVATE KEY-----",
                                             rng.choice("abcdefghijkl") + b64(rbytes(47))[:63],
                                             "-----END PRIVATE KEY-----"]),
    "salted": lambda v: b64(b"Salted__" + rbytes(8) + rbytes(int(v or 32))),
    "md5": lambda v: pick(HEX, 32),
    "sha1": lambda v: pick(HEX, 40),
    "sha384sri": lambda v: "sha384-" + b64(rbytes(48)),
    "sha256sri": lambda v: "sha256-" + b64(rbytes(32)),
    "bcrypt": lambda v: f"$2{rng.choice('aby')}${rng.choice(['10', '12', '14'])}$" + pick(BCRYPT64, 53),
    "argon2": lambda v: ("$argon2id$v=19$m=65536,t=3,p=4$" + b64(rbytes(16)).rstrip("=") + "$"
                         + b64(rbytes(32)).rstrip("=")),
    "scrypt": lambda v: ("$scrypt$ln=16,r=8,p=1$" + b64(rbytes(16)).rstrip("=").replace("+", ".")
                         + "$" + b64(rbytes(32)).rstrip("=").replace("+", ".")),
    "pbkdf2": lambda v: f"pbkdf2_sha256$870000${pick(ALNUM, 22)}$" + b64(rbytes(32)),
    "sha512crypt": lambda v: "$6$" + pick(BCRYPT64, 16) + "$" + pick(BCRYPT64, 86),
    "ansible-vault": lambda v: "\n".join(["$ANSIBLE_VAULT;1.1;AES256"]
                                          + [pick(HEX, 80) for _ in range(int(v or 5))] + [pick(HEX, 44)]),
    "jasypt": lambda v: "ENC(" + b64(rbytes(int(v or 32))) + ")",
    "woff2": lambda v: b64(b"wOF2\x00\x01\x00\x00" + rbytes(int(v or 240))),
    "svg": lambda v: b64(("<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'><path d='M"
                          + " ".join(str(rng.randint(0, 16)) for _ in range(24)) + "z'/></svg>").encode()),
}


def pem_example(v):
    """A documentation key whose body was replaced by a marker or scrambled."""
    body = "EXAMPLE" + b64(rbytes(330))
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    sep = "\\n" if v == "json" else "\n"
    return sep.join(["-----BEGIN RSA PRIVATE KEY-----", *lines, "-----END RSA PRIVATE KEY-----"])


# ---- rendering ----------------------------------------------------------------

MARK = re.compile(r"«([a-z0-9_-]+)(?::([A-Za-z0-9_.-]+))?»")
DECOY = re.compile(r"⟦([a-z0-9-]+)⟧")
DECOY_EOL = re.compile(r"[ \t]*⟦[a-z0-9-]+⟧[ \t]*$")

used_values: set[str] = set()
labels: list[tuple[str, int, str, str]] = []  # (path, line, rule, value)
decoy_cases: list[tuple[str, int, str]] = []


def fresh(gen, var):
    for _ in range(1000):
        v = gen(var)
        if v not in used_values:
            used_values.add(v)
            return v
    raise RuntimeError("could not draw a unique value")


def render(relpath: str, template: str, is_decoy: bool) -> str:
    out: list[str] = []
    pos = 0
    line = 1
    for m in MARK.finditer(template):
        pre = template[pos:m.start()]
        out.append(pre)
        line += pre.count("\n")
        rule, var = m.group(1), m.group(2)
        text_so_far = "".join(out)
        cur = text_so_far[text_so_far.rfind("\n") + 1:]
        indent = re.match(r"[ \t]*", cur).group(0)
        if rule == "_":
            value = FILLERS[var.split(".")[0]](var.split(".")[1] if "." in var else None)
        else:
            if is_decoy:
                raise SystemExit(f"{relpath}: labeled marker «{rule}» in a decoy file")
            value = fresh(GENERATORS[rule], var)
            labels.append((relpath, line, rule, value))
        if "\n" in value:
            value = "\n".join(l if not l else (indent + l if i else l)
                              for i, l in enumerate(value.split("\n")))
        out.append(value)
        line += value.count("\n")
        pos = m.end()
    out.append(template[pos:])
    text = "".join(out)
    lines = text.split("\n")
    for i, l in enumerate(lines):
        dm = DECOY.search(l)
        if dm:
            if is_decoy:
                decoy_cases.append((relpath, i + 1, dm.group(1)))
            # a tag at the end of a line takes the blanks before it; a tag placed
            # in front of a multi-line filler (so that it lands on the BEGIN line)
            # is removed on its own
            l = DECOY_EOL.sub("", l)
            lines[i] = DECOY.sub("", l)
    text = "\n".join(lines)
    if "«" in text or "⟦" in text:
        raise SystemExit(f"{relpath}: unreplaced marker")
    return text


def main() -> None:
    from gen import positives, decoys, realcode, idioms

    for sub in ("positives", "decoys"):
        shutil.rmtree(HERE / sub, ignore_errors=True)

    written = []
    # The later groups come after the original ones so that adding to them leaves every
    # earlier file byte-identical (the PRNG is shared).
    groups = ((False, positives.FILES), (True, decoys.FILES),
              (False, realcode.POSITIVES), (True, realcode.DECOYS),
              (False, idioms.POSITIVES), (True, idioms.DECOYS))
    for is_decoy, files in groups:
        top = "decoys" if is_decoy else "positives"
        for spec in files:
            path, template = spec[0], spec[1]
            opts = spec[2] if len(spec) > 2 else {}
            rel = f"{top}/{path}"
            text = render(rel, template.lstrip("\n"), is_decoy)
            if opts.get("crlf"):
                text = text.replace("\n", "\r\n")
            data = text.encode("utf-8")
            if opts.get("bom"):
                data = b"\xef\xbb\xbf" + data
            dest = HERE / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            if opts.get("mode"):
                os.chmod(dest, opts["mode"])
            written.append(rel)

    # every labeled value must occur exactly once in the whole corpus
    blobs = {rel: (HERE / rel).read_bytes().decode("utf-8-sig").replace("\r\n", "\n") for rel in written}
    for rel, line, rule, value in labels:
        probe = value.split("\n")[0] if rule != "private-key" else value.split("\n")[2]
        n = sum(b.count(probe) for b in blobs.values())
        if n != 1:
            raise SystemExit(f"{rel}:{line} {rule}: value occurs {n} times")

    with open(HERE / "expected.tsv", "w", newline="\n") as f:
        f.write("# path\tline\trule_id\n")
        for rel, line, rule, _ in sorted(labels, key=lambda t: (t[0], t[1])):
            f.write(f"{rel}\t{line}\t{rule}\n")
    with open(HERE / "decoys.tsv", "w", newline="\n") as f:
        f.write("# path\tline\tkind  (decoy cases: lines that must produce no finding)\n")
        for rel, line, kind in sorted(decoy_cases):
            f.write(f"{rel}\t{line}\t{kind}\n")

    per_rule = Counter(r for _, _, r, _ in labels)
    print(f"files: {len(written)} ({sum(1 for w in written if w.startswith('positives/'))} positive, "
          f"{sum(1 for w in written if w.startswith('decoys/'))} decoy)")
    print(f"labeled secrets: {len(labels)}")
    for rule, n in sorted(per_rule.items(), key=lambda t: (-t[1], t[0])):
        print(f"  {rule:32} {n}")
    print(f"decoy cases: {len(decoy_cases)}")


if __name__ == "__main__":
    main()
