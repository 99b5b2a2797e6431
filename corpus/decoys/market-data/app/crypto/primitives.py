"""Re-exports of the hashing and box primitives used by the key vault."""
from __future__ import annotations

from . import _argon2, hpke25519, pkcs8v2, sodium2

PASSWD_MIN = _argon2.PASSWD_MIN
PASSWD_MAX = _argon2.PASSWD_MAX
PASSWORD_MAX_BYTES = sodium2.crypto_pwhash_argon2id_PASSWD_MAX
secret_key_len = sodium2.crypto_box_curve25519_SECRETKEYBYTES
box_secret_key_len = crypto_box_curve25519xsalsa20poly1305_SECRETKEYBYTES
EncryptedPrivateKeyInfo = pkcs8v2.EncryptedPrivateKeyInfo
PrivateKeyInfo = pkcs8v2.PrivateKeyInfo
TimeStampToken = rfc3161v2.TimeStampToken
HybridPrivateKey = hpke25519.MLKEM768X25519PrivateKey
pass_context = jinja2.pass_context


class Recipient:
    private_key: hpke25519.X25519PrivateKey
    public_key: hpke25519.X25519PublicKey
